"""Pure algorithms: counting, turf cutting, geography and file formats.

Nothing here imports Django or any Groundswell app (an import-linter contract enforces
it), so the counting and the parsers can be used, tested and benchmarked as a library.
"""
