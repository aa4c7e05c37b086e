"""OR-tools' best open walking route through points: the yardstick for our 2-opt routes
(used by bench/turf.py and by the turf-cutting tests; OR-tools is a test dependency only)."""

from __future__ import annotations

import numpy as np

from groundswell.core.turf import project


def ortools_length(points, *, seconds: float = 2.0) -> float:
    """Length in metres of OR-tools' route (guided local search) through `points`, open
    ended: a dummy depot at no distance from every point lets the walk start and end anywhere."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    xy = project(points)
    n = len(points)
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    scaled = np.zeros((n + 1, n + 1), dtype=np.int64)
    scaled[:n, :n] = np.rint(dist * 10).astype(np.int64)
    manager = pywrapcp.RoutingIndexManager(n + 1, 1, n)
    routing = pywrapcp.RoutingModel(manager)
    cb = routing.RegisterTransitCallback(
        lambda a, b: int(scaled[manager.IndexToNode(a), manager.IndexToNode(b)])
    )
    routing.SetArcCostEvaluatorOfAllVehicles(cb)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    return routing.SolveWithParameters(params).ObjectiveValue() / 10
