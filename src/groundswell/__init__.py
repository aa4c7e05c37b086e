"""Groundswell: ground game and internal democracy for a mass-membership party."""

__version__ = "0.1.0"
