"""An experiment's recommendation, told once per experiment and recommendation."""

from uuid import UUID

from shared.notify import Event, notify
from shared.schemas_experiments import ExperimentResults

# (experiment, recommendation) pairs already told by this process: results are read often.
_told: set[tuple[UUID, str]] = set()


def announce(results: ExperimentResults) -> bool:
    """Tell the webhook when an experiment reaches a recommendation; True if it was told now."""
    experiment = results.experiment
    key = (experiment.id, results.recommendation)
    if results.recommendation == "not_enough_data" or key in _told:
        return False
    _told.add(key)
    notify(
        Event(
            kind="experiment.recommendation",
            title=f"{experiment.model_name} experiment: {results.recommendation} "
            f"(challenger version {experiment.challenger_version})",
            severity="info",
            fields={
                "experiment_id": str(experiment.id),
                "mode": experiment.mode,
                "recommendation": results.recommendation,
                "summary": results.summary,
                "production_version": experiment.production_version,
                "challenger_version": experiment.challenger_version,
            },
            service="training",
        )
    )
    return True
