"""A hash chain over the audit trail: each entry's hash covers its content and the hash
before it, so changing or removing any entry breaks every link after it."""

from groundswell.core.audit.chain import GENESIS, Broken, actor_commitment, entry_hash, first_break

__all__ = ["GENESIS", "Broken", "actor_commitment", "entry_hash", "first_break"]
