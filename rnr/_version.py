"""The version of rnr, kept apart so that reading it loads nothing else."""

__version__ = "0.1.0"
