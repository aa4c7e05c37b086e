"""Selections: the pure rules (no Django), starting with trigger ballots."""

from groundswell.core.selections.trigger import (
    Section,
    SectionResult,
    TriggerError,
    TriggerOutcome,
    needed,
    trigger_outcome,
)

__all__ = ["Section", "SectionResult", "TriggerError", "TriggerOutcome", "needed", "trigger_outcome"]
