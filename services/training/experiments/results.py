"""Experiment results: per-variant tallies turned into rates, a significance test and advice.

A/B mode compares the customers each variant answered. Shadow mode compares both models on
the same requests (those the challenger scored and that have an outcome); conversion is the
same for both there, so only accuracy is compared, and the paired McNemar test is reported
next to the two-proportion test (which, on paired data, is the more conservative of the two).
"""

from dataclasses import dataclass

from scipy import stats

from services.training.config import ExperimentMetric, TrainingSettings
from services.training.experiments.stats import (
    ProportionComparison,
    recommend,
    required_sample_size,
    two_proportion_test,
)
from shared.repositories.experiments import ExperimentRow, ShadowTally, VariantTally
from shared.schemas import Variant
from shared.schemas_experiments import (
    Comparison,
    ExperimentResults,
    ExperimentView,
    SampleSize,
    ShadowAgreement,
    VariantResults,
)

# Until production has outcomes its rate is unknown; 0.5 needs the most rows, so it never
# understates the sample size.
_UNKNOWN_BASELINE = 0.5


@dataclass(frozen=True)
class _Counts:
    model_version: str
    predictions: int
    outcomes: int
    correct: int
    conversions: int

    def rate(self, metric: ExperimentMetric) -> float | None:
        hits = self.correct if metric == "accuracy" else self.conversions
        return hits / self.outcomes if self.outcomes else None

    def hits(self, metric: ExperimentMetric) -> int:
        return self.correct if metric == "accuracy" else self.conversions


def view(row: ExperimentRow) -> ExperimentView:
    """The API shape of a stored experiment."""
    return ExperimentView(
        id=row.id,
        model_name=row.model_name,
        production_version=row.production_version,
        challenger_version=row.challenger_version,
        traffic=row.traffic,
        mode="shadow" if row.mode == "shadow" else "ab",
        started_at=row.started_at,
        ended_at=row.ended_at,
        outcome=row.outcome,
        active=row.ended_at is None,
    )


def ab_results(
    *, experiment: ExperimentRow, tallies: list[VariantTally], settings: TrainingSettings
) -> ExperimentResults:
    """Results of an A/B experiment from the served predictions of each variant."""
    by_variant = {tally.variant: tally for tally in tallies}

    def counts(variant: Variant, version: str) -> _Counts:
        tally = by_variant.get(variant)
        if tally is None:
            return _Counts(version, 0, 0, 0, 0)
        return _Counts(
            tally.model_version or version,
            tally.predictions,
            tally.outcomes,
            tally.correct,
            tally.conversions,
        )

    production = counts("production", experiment.production_version)
    challenger = counts("challenger", experiment.challenger_version)
    total = production.predictions + challenger.predictions
    shares = (
        (production.predictions / total, challenger.predictions / total) if total else (None, None)
    )
    return _results(
        experiment=experiment,
        production=production,
        challenger=challenger,
        shares=shares,
        metrics=("accuracy", "conversion"),
        primary=settings.experiment_metric,
        settings=settings,
    )


def shadow_results(
    *, experiment: ExperimentRow, tally: ShadowTally, settings: TrainingSettings
) -> ExperimentResults:
    """Results of a shadow experiment: both models judged on the same requests."""
    production = _Counts(
        experiment.production_version,
        tally.served,
        tally.paired_outcomes,
        tally.production_correct,
        tally.conversions,
    )
    challenger = _Counts(
        experiment.challenger_version,
        tally.shadowed,
        tally.paired_outcomes,
        tally.challenger_correct,
        tally.conversions,
    )
    results = _results(
        experiment=experiment,
        production=production,
        challenger=challenger,
        shares=(1.0, 0.0) if tally.served else (None, None),
        metrics=("accuracy",),
        primary="accuracy",
        settings=settings,
    )
    results.shadow = _agreement(tally)
    return results


def _results(
    *,
    experiment: ExperimentRow,
    production: _Counts,
    challenger: _Counts,
    shares: tuple[float | None, float | None],
    metrics: tuple[ExperimentMetric, ...],
    primary: ExperimentMetric,
    settings: TrainingSettings,
) -> ExperimentResults:
    alpha = settings.experiment_alpha
    tests = {
        metric: two_proportion_test(
            successes_a=production.hits(metric),
            n_a=production.outcomes,
            successes_b=challenger.hits(metric),
            n_b=challenger.outcomes,
            confidence=1 - alpha,
        )
        for metric in metrics
    }
    sample = _sample_size(primary, production.rate(primary), settings)
    recommendation = recommend(
        comparison=tests[primary],
        n_a=production.outcomes,
        n_b=challenger.outcomes,
        needed_per_variant=sample.needed_per_variant,
        alpha=alpha,
    )
    variants = [
        _variant("production", production, shares[0], sample.needed_per_variant),
        _variant("challenger", challenger, shares[1], sample.needed_per_variant),
    ]
    return ExperimentResults(
        experiment=view(experiment),
        variants=variants,
        primary_metric=primary,
        comparisons=[_comparison(metric, test) for metric, test in tests.items()],
        sample_size=sample,
        recommendation=recommendation,
        summary=_summary(recommendation, primary, tests[primary], alpha, variants),
    )


def _variant(variant: Variant, counts: _Counts, share: float | None, needed: int) -> VariantResults:
    return VariantResults(
        variant=variant,
        model_version=counts.model_version,
        predictions=counts.predictions,
        share=share,
        outcomes=counts.outcomes,
        accuracy=counts.rate("accuracy"),
        conversion_rate=counts.rate("conversion"),
        still_needed=max(0, needed - counts.outcomes),
    )


def _comparison(metric: ExperimentMetric, test: ProportionComparison) -> Comparison:
    return Comparison(
        metric=metric,
        rate_production=test.rate_a,
        rate_challenger=test.rate_b,
        difference=test.difference,
        ci_low=test.ci_low,
        ci_high=test.ci_high,
        confidence=test.confidence,
        z=test.z,
        p_value=test.p_value,
    )


def _sample_size(
    metric: ExperimentMetric, baseline: float | None, settings: TrainingSettings
) -> SampleSize:
    rate = min(max(_UNKNOWN_BASELINE if baseline is None else baseline, 0.01), 0.99)
    effect = settings.experiment_minimum_detectable_effect
    # Near a rate of 1 an improvement cannot be that large: size the test for a drop instead.
    signed = effect if rate + effect < 1 else -effect
    needed = required_sample_size(
        baseline_rate=rate,
        minimum_detectable_effect=signed,
        alpha=settings.experiment_alpha,
        power=settings.experiment_power,
    )
    return SampleSize(
        metric=metric,
        baseline_rate=rate,
        minimum_detectable_effect=effect,
        alpha=settings.experiment_alpha,
        power=settings.experiment_power,
        needed_per_variant=needed,
    )


def _agreement(tally: ShadowTally) -> ShadowAgreement:
    discordant = tally.only_production_correct + tally.only_challenger_correct
    mcnemar = (
        float(stats.binomtest(tally.only_challenger_correct, discordant, 0.5).pvalue)
        if discordant
        else None
    )
    return ShadowAgreement(
        requests=tally.served,
        shadowed=tally.shadowed,
        agreement_rate=tally.agreements / tally.shadowed if tally.shadowed else None,
        paired_outcomes=tally.paired_outcomes,
        only_production_correct=tally.only_production_correct,
        only_challenger_correct=tally.only_challenger_correct,
        mcnemar_p_value=mcnemar,
    )


def _summary(
    recommendation: str,
    metric: ExperimentMetric,
    test: ProportionComparison,
    alpha: float,
    variants: list[VariantResults],
) -> str:
    if recommendation == "promote":
        return (
            f"promote: the challenger's {metric} is higher by {test.difference:.4f} "
            f"(p = {test.p_value:.4g} < {alpha})"
        )
    if recommendation == "keep":
        if test.p_value is not None and test.p_value < alpha:
            return (
                f"keep production: the challenger's {metric} is lower by "
                f"{-(test.difference or 0.0):.4f} (p = {test.p_value:.4g} < {alpha})"
            )
        return f"keep production: no significant {metric} difference at the planned sample size"
    missing = max(v.still_needed for v in variants)
    return f"not enough data: up to {missing} more outcomes per variant are needed"
