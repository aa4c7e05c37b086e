"""Turf cutting and walking routes."""

from groundswell.core.turf.cutting import (
    Door,
    Turf,
    best_route,
    bounds,
    cut_turfs,
    path_length,
    project,
    walk_bound_m,
)

__all__ = ["Door", "Turf", "best_route", "bounds", "cut_turfs", "path_length", "project", "walk_bound_m"]
