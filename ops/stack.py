"""The four services as child processes, wired to each other: used by `make run` and e2e tests."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ops.devstack import ChildProcess, start_service, wait_http

START_ORDER = ("inference", "training", "drift", "gateway")


@dataclass
class ServiceStack:
    """Starts services on the given ports with a shared environment; stops them in reverse."""

    env: dict[str, str]
    ports: dict[str, int]
    log_dir: Path
    host: str = "127.0.0.1"
    # uvicorn worker processes per service (1 where not named).
    workers: dict[str, int] = field(default_factory=dict)
    children: dict[str, ChildProcess] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def service_env(self) -> dict[str, str]:
        """The environment every service gets: shared settings plus where its peers live."""
        return {
            **self.env,
            "INFERENCE_URL": self.url("inference"),
            "TRAINING_URL": self.url("training"),
            "DRIFT_URL": self.url("drift"),
        }

    def start(self, names: Iterable[str] = START_ORDER, *, timeout: float = 90.0) -> None:
        """Start `names` and wait until each answers /health/live (inference: /health/ready)."""
        for name in names:
            self.children[name] = start_service(
                name,
                port=self.ports[name],
                env=self.service_env(),
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
