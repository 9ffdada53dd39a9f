"""Shared test set-up: Hypothesis profiles.

Worked cases (``instruments/<id>/tests/*.toml``) are collected by rnr's own
pytest plugin, :mod:`rnr.testing.pytest_plugin`, registered as a ``pytest11`` entry
point, so they run here and in an agency's own repository alike.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
