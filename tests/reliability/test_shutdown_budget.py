"""Each service's shutdown fits inside its Kubernetes grace period, and the manifests say so."""

from pathlib import Path

import pytest
import yaml

from shared.config import BaseServiceSettings

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "base"
# What the lifespan may take after uvicorn stops serving: the inference prediction-log
# writer drains for up to 10 s (PredictionLogWriter.stop); the others close pools and clients.
LIFESPAN_DRAIN_S = {"gateway": 5, "inference": 10, "training": 5, "drift": 5}
# Before uvicorn's graceful shutdown, each service answers with `Connection: close` this long.
DEFAULT_SIGTERM_DRAIN_S = BaseServiceSettings.model_fields["shutdown_drain_s"].default


@pytest.mark.parametrize("service", sorted(LIFESPAN_DRAIN_S))
def test_pre_stop_plus_sigterm_drain_plus_graceful_timeout_plus_lifespan_is_below_the_grace_period(
    service: str,
) -> None:
    documents = yaml.safe_load_all((K8S / f"{service}.yaml").read_text())
    manifest = next(d for d in documents if d and d["kind"] == "Deployment")
    pod = manifest["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    args = container["args"]
    graceful = int(args[args.index("--timeout-graceful-shutdown") + 1])
    pre_stop = container["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    sigterm_drain = float(env.get("SHUTDOWN_DRAIN_S") or DEFAULT_SIGTERM_DRAIN_S)
    assert sigterm_drain > 0, service  # or idle keep-alive connections are reset at SIGTERM
    budget = int(pre_stop[1]) + sigterm_drain + graceful + LIFESPAN_DRAIN_S[service]
    assert budget < pod["terminationGracePeriodSeconds"], (service, budget)
