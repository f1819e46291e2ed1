"""Drift detector simulations: false alarms, power, the effect-size guard and 1M-row timing.

``python -m bench.drift_stats`` runs every scenario with many trials and prints a table;
tests/drift/test_detector.py runs the same scenarios with fewer trials. Customers are drawn as
idade ~ normal(42, 13) rounded and clipped to 18..100 and renda_anual ~ lognormal with median
60,000 (sigma 0.5), plus a purchase probability from a fixed logistic score, so a check tests
three columns as in production. A shift of k standard deviations adds k times the feature's
population standard deviation to every value.
"""

import math
import sys
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from services.drift.detector import DriftDetector, DriftThresholds

IDADE_MEAN, IDADE_SD = 42.0, 13.0
RENDA_MEDIAN, RENDA_SIGMA = 60_000.0, 0.5
RENDA_SD = RENDA_MEDIAN * math.sqrt(math.exp(RENDA_SIGMA**2) * (math.exp(RENDA_SIGMA**2) - 1))
FEATURE_SD = {"idade": IDADE_SD, "renda_anual": RENDA_SD}
REFERENCE_SIZE = 5_000


def draw_customers(
    rng: np.random.Generator, size: int, *, shift_sd: Mapping[str, float] | None = None
) -> dict[str, np.ndarray]:
    """Draw ``size`` customers and their purchase probability, features shifted in SD units."""
    shift = shift_sd or {}
    idade_raw = rng.normal(IDADE_MEAN, IDADE_SD, size) + shift.get("idade", 0.0) * IDADE_SD
    idade = np.clip(np.rint(idade_raw), 18, 100).astype(np.int64)
    renda = rng.lognormal(math.log(RENDA_MEDIAN), RENDA_SIGMA, size)
    renda = np.clip(renda + shift.get("renda_anual", 0.0) * RENDA_SD, 0.0, 10_000_000.0)
    score = -1.0 + 0.03 * (idade - IDADE_MEAN) + 0.9 * np.log1p(renda / RENDA_MEDIAN)
    return {"idade": idade, "renda_anual": renda, "probability": 1.0 / (1.0 + np.exp(-score))}


@dataclass(frozen=True)
class FlagRates:
    """How often a check said drift, overall and per column, over repeated trials."""

    trials: int
    any_column: float
    per_column: dict[str, float] = field(default_factory=dict)


def simulate_flag_rates(
    *,
    current_size: int,
    trials: int,
    seed: int,
    shift_sd: Mapping[str, float] | None = None,
    reference_size: int = REFERENCE_SIZE,
    thresholds: DriftThresholds | None = None,
) -> FlagRates:
    """Run ``trials`` checks, each on a fresh reference and a fresh (optionally shifted) sample."""
    rng = np.random.default_rng(seed)
    thresholds = thresholds or DriftThresholds()
    flagged_checks = 0
    flagged_columns: Counter[str] = Counter()
    for _ in range(trials):
        detector = DriftDetector(draw_customers(rng, reference_size), thresholds=thresholds)
        result = detector.check(draw_customers(rng, current_size, shift_sd=shift_sd))
        flagged_checks += result.verdict == "drift"
        flagged_columns.update(result.drifted_columns)
    per_column = {name: flagged_columns[name] / trials for name in detector.columns}
    return FlagRates(trials=trials, any_column=flagged_checks / trials, per_column=per_column)


@dataclass(frozen=True)
class Scenario:
    """A simulated situation, the flag rate it must stay under or reach, and trial counts."""

    name: str
    current_size: int
    target: float
    at_least: bool
    bench_trials: int
    test_trials: int  # enough that sampling noise alone rarely crosses the target
    shift_sd: Mapping[str, float] = field(default_factory=dict)
    watched_column: str | None = None  # None: a check counts when any column is flagged

    def run(self, *, trials: int, seed: int) -> "ScenarioOutcome":
        """Simulate ``trials`` checks and compare the flag rate with the target."""
        rates = simulate_flag_rates(
            current_size=self.current_size, trials=trials, seed=seed, shift_sd=self.shift_sd
        )
        rate = (
            rates.any_column
            if self.watched_column is None
            else rates.per_column[self.watched_column]
        )
        passed = rate >= self.target if self.at_least else rate <= self.target
        return ScenarioOutcome(scenario=self, trials=trials, rate=rate, passed=passed)


@dataclass(frozen=True)
class ScenarioOutcome:
    """Measured flag rate of one scenario."""

    scenario: Scenario
    trials: int
    rate: float
    passed: bool

    @property
    def target_text(self) -> str:
        """The target as a readable comparison."""
        return f"{'>=' if self.scenario.at_least else '<='} {self.scenario.target:g}"


def scenarios(alpha: float = DriftThresholds().alpha) -> list[Scenario]:
    """The statistical guarantees the drift detector is held to."""
    return [
        # At n = 500 the false-alarm rate sits near 0.035, so the test needs 500 trials to keep
        # binomial noise from crossing alpha; at 50,000 the effect-size rule makes it ~0.
        Scenario(
            name="false alarms",
            current_size=500,
            target=alpha,
            at_least=False,
            bench_trials=1_000,
            test_trials=500,
        ),
        Scenario(
            name="false alarms",
            current_size=50_000,
            target=alpha,
            at_least=False,
            bench_trials=1_000,
            test_trials=100,
        ),
        *[
            Scenario(
                name=f"power, {feature} +0.3 SD",
                current_size=1_000,
                target=0.95,
                at_least=True,
                bench_trials=500,
                test_trials=150,
                shift_sd={feature: 0.3},
                watched_column=feature,
            )
            for feature in FEATURE_SD
        ],
        Scenario(
            name="trivial shift, +0.02 SD both",
            current_size=200_000,
            target=0.0,
            at_least=False,
            bench_trials=100,
            test_trials=20,
            shift_sd=dict.fromkeys(FEATURE_SD, 0.02),
        ),
    ]


def time_check(*, current_size: int, reference_size: int, seed: int) -> float:
    """Seconds one check takes on ``current_size`` rows against ``reference_size`` rows."""
    rng = np.random.default_rng(seed)
    detector = DriftDetector(draw_customers(rng, reference_size))
    current = draw_customers(rng, current_size, shift_sd={"renda_anual": 0.1})
    started = time.perf_counter()
    detector.check(current)
    return time.perf_counter() - started


def main() -> int:
    """Run every scenario with bench-sized trial counts plus the timings; print a table."""
    header = f"{'scenario':<32} {'n':>9} {'trials':>7} {'result':>10} {'target':>9}  verdict"
    print(header)
    print("-" * len(header))
    failures = 0
    for index, scenario in enumerate(scenarios()):
        outcome = scenario.run(trials=scenario.bench_trials, seed=1_000 + index)
        failures += not outcome.passed
        print(
            f"{scenario.name:<32} {scenario.current_size:>9,} {outcome.trials:>7} "
            f"{outcome.rate:>10.3f} {outcome.target_text:>9}  "
            f"{'pass' if outcome.passed else 'FAIL'}"
        )
    for reference_size in (5_000, 50_000):
        seconds = time_check(current_size=1_000_000, reference_size=reference_size, seed=7)
        failures += seconds >= 10.0
        name = f"1M-row check, ref {reference_size:,}"
        print(
            f"{name:<32} {1_000_000:>9,} {1:>7} {seconds:>9.2f}s {'< 10s':>9}  "
            f"{'pass' if seconds < 10.0 else 'FAIL'}"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
