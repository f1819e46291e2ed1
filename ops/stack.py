"""The four services as child processes, wired to each other: used by `make run` and e2e tests."""

import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ops.devstack import ChildProcess, free_port, start_service, wait_http

START_ORDER = ("inference", "training", "drift", "gateway")
# Only the gateway signs user tokens and creates the first admin: no other service gets these.
GATEWAY_ONLY = (
    "JWT_SECRET",
    "ADMIN_USERNAME",
    "ADMIN_PASSWORD",
    # Customer ids are pseudonymised at the edge: only the gateway holds the keys.
    "PSEUDONYM_KEY",
    "PSEUDONYM_KEY_VERSION",
    "PSEUDONYM_RETIRED_KEYS",
)
METRICS = "gateway-metrics"  # the key in `ports` for the gateway's /metrics port


@dataclass
class ServiceStack:
    """Starts services on the given ports, each with the environment it needs; stops them all.

    `ports` names each service's port, and may name the gateway's metrics port under
    "gateway-metrics" (a free one is chosen otherwise).
    """

    env: dict[str, str]
    ports: dict[str, int]
    log_dir: Path
    host: str = "127.0.0.1"
    # uvicorn worker processes per service (1 where not named).
    workers: dict[str, int] = field(default_factory=dict)
    children: dict[str, ChildProcess] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Services sign their calls to each other with one key: make one if none is given.
        if "SERVICE_KEY" not in self.env and "SERVICE_KEY" not in os.environ:
            self.env["SERVICE_KEY"] = secrets.token_hex(32)
        self.ports.setdefault(METRICS, free_port())

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def metrics_url(self) -> str:
        """The gateway's /metrics, on its own port (its public port does not serve it)."""
        return f"http://127.0.0.1:{self.ports[METRICS]}/metrics"

    def service_env(self, name: str) -> dict[str, str]:
        """What service `name` gets: the shared settings it needs plus where its peers live."""
        env = {k: v for k, v in self.env.items() if name == "gateway" or k not in GATEWAY_ONLY}
        if name != "gateway":
            # Children inherit this process's environment: blank what it would pass on.
            env |= {k: "" for k in GATEWAY_ONLY if k in os.environ}
        env |= {
            "INFERENCE_URL": self.url("inference"),
            "TRAINING_URL": self.url("training"),
            "DRIFT_URL": self.url("drift"),
        }
        if name == "gateway":
            env |= {"METRICS_HOST": self.host, "METRICS_PORT": str(self.ports[METRICS])}
        return env

    def start(self, names: Iterable[str] = START_ORDER, *, timeout: float = 90.0) -> None:
        """Start `names` and wait until each answers /health/live (inference: /health/ready)."""
        for name in names:
            self.children[name] = start_service(
                name,
                port=self.ports[name],
                env=self.service_env(name),
                log_dir=self.log_dir,
                host=self.host,
                workers=self.workers.get(name, 1),
            )
            probe = "ready" if name == "inference" else "live"
            process = self.children[name].process
            try:
                wait_http(f"{self.url(name)}/health/{probe}", timeout=timeout, process=process)
            except (TimeoutError, RuntimeError) as exc:
                log = (self.log_dir / f"{name}.log").read_text(errors="replace")[-3000:]
                self.stop()
                raise RuntimeError(f"{name} did not start: {exc}\n{log}") from exc

    def stop(self) -> None:
        """Stop every service at once; each drains in-flight work on SIGTERM."""
        for child in self.children.values():
            child.terminate()
        for name in list(self.children):
            self.children.pop(name).stop()
