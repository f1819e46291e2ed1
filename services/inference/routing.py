"""Deterministic A/B assignment: the same unit always lands on the same variant, on any replica."""

import hashlib

from shared.schemas import Variant

_SCALE = float(1 << 64)


def bucket(*, experiment_id: str, unit: str) -> float:
    """A uniform number in [0, 1) fixed by the experiment and the unit (customer or caller)."""
    digest = hashlib.sha256(f"{experiment_id}:{unit}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / _SCALE


def assign_variant(*, experiment_id: str, unit: str, traffic: float) -> Variant:
    """`challenger` for a `traffic` share of units, `production` for the rest."""
    return (
        "challenger" if bucket(experiment_id=experiment_id, unit=unit) < traffic else "production"
    )
