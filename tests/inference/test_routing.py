"""Deterministic assignment: stable per unit, the right split, independent across experiments."""

import uuid

import pytest

from services.inference.experiments import assignment_unit
from services.inference.routing import assign_variant, bucket

UNITS = [f"customer:c-{i}" for i in range(10_000)]


@pytest.mark.parametrize("traffic", [0.05, 0.2, 0.5, 0.8])
def test_split_over_10000_units_is_within_two_points(traffic: float) -> None:
    experiment_id = str(uuid.uuid4())

    challengers = sum(
        assign_variant(experiment_id=experiment_id, unit=unit, traffic=traffic) == "challenger"
        for unit in UNITS
    )

    assert abs(challengers / len(UNITS) - traffic) <= 0.02


def test_a_unit_always_gets_the_same_variant() -> None:
    experiment_id = str(uuid.uuid4())
    first = [assign_variant(experiment_id=experiment_id, unit=u, traffic=0.3) for u in UNITS[:500]]

    again = [assign_variant(experiment_id=experiment_id, unit=u, traffic=0.3) for u in UNITS[:500]]

    assert first == again
    assert {"production", "challenger"} == set(first)


def test_raising_traffic_only_moves_units_towards_the_challenger() -> None:
    experiment_id = str(uuid.uuid4())

    challengers_10 = {
        u
        for u in UNITS
        if assign_variant(experiment_id=experiment_id, unit=u, traffic=0.1) == "challenger"
    }
    challengers_30 = {
        u
        for u in UNITS
        if assign_variant(experiment_id=experiment_id, unit=u, traffic=0.3) == "challenger"
    }

    assert challengers_10 < challengers_30


def test_each_experiment_draws_a_fresh_split() -> None:
    first, second = str(uuid.uuid4()), str(uuid.uuid4())

    in_first = {u for u in UNITS if bucket(experiment_id=first, unit=u) < 0.5}
    in_second = {u for u in UNITS if bucket(experiment_id=second, unit=u) < 0.5}

    # Independent halves overlap on about a quarter of the units, not on all or none.
    assert abs(len(in_first & in_second) / len(UNITS) - 0.25) < 0.02


def test_buckets_are_uniform_in_the_unit_interval() -> None:
    values = [bucket(experiment_id="e", unit=u) for u in UNITS]

    assert all(0.0 <= v < 1.0 for v in values)
    deciles = [sum(int(v * 10) == d for v in values) for d in range(10)]
    assert max(deciles) - min(deciles) < 300


def test_unit_is_customer_then_caller_then_request() -> None:
    assert assignment_unit(customer_id="c-1", subject="s", request_id="r") == "customer:c-1"
    assert assignment_unit(customer_id=None, subject="s", request_id="r") == "subject:s"
    assert assignment_unit(customer_id=None, subject=None, request_id="r") == "request:r"
