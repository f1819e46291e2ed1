"""A move of `production` as people and Prometheus see it: a counter and a webhook event."""

from typing import TYPE_CHECKING

from prometheus_client import Counter

from shared.notify import Event, notify

if TYPE_CHECKING:
    from services.training.promotion.production import PromotionResult

MOVES = Counter("model_production_moves_total", "Moves of the production alias", ["action"])
for _action in ("promote", "rollback"):
    MOVES.labels(_action)


def announce(result: "PromotionResult", *, model_name: str, actor: str | None) -> None:
    """Count the move and tell the webhook who moved what, why, and whether inference reloaded."""
    MOVES.labels(result.action).inc()
    verb = "promoted to production" if result.action == "promote" else "rolled back to"
    notify(
        Event(
            kind=f"model.{result.action}",
            title=f"{model_name}: version {result.version} {verb}"
            if result.action == "promote"
            else f"{model_name}: {verb} version {result.version}",
            severity="info" if result.action == "promote" else "warning",
            fields={
                "model": model_name,
                "version": result.version,
                "previous_version": result.previous_version or "none",
                "reason": result.reason,
                "forced": "yes" if result.forced else "no",
                "actor": actor or "unknown",
                "inference_reloaded": "yes" if result.inference_reloaded else "no (it polls)",
            },
            service="training",
        )
    )
