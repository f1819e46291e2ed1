"""Throwaway local Postgres, Redis and MLflow servers for `make run` and the test suite.

Each is used when already reachable (DATABASE_URL / REDIS_URL / MLFLOW_TRACKING_URI),
otherwise started as a child process with its data under a folder the caller chooses.
"""

import asyncio
import glob
import os
import secrets
import shutil
import socket
import subprocess  # nosec B404 # argument lists only, never a shell
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx


def port_is_free(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:`port`."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_answers(dsn: str, *, timeout: float = 2.0) -> bool:
    """True when a connection to `dsn` succeeds."""

    async def attempt() -> None:
        conn = await asyncpg.connect(dsn, timeout=timeout)
        await conn.close()

    try:
        asyncio.run(attempt())
    except Exception:  # any failure means "not usable", whatever its kind
        return False
    return True


def redis_answers(url: str, *, timeout: float = 1.0) -> bool:
    """True when Redis at `url` answers PING."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=timeout).ping())
    except Exception:  # any failure means "not usable"
        return False


def with_database(dsn: str, name: str) -> str:
    """The same server DSN pointing at database `name`."""
    parts = urlsplit(dsn)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def create_database(admin_dsn: str, name: str, *, drop_first: bool = False) -> str:
    """Create database `name` if missing; return its DSN."""

    async def run() -> None:
        conn = await asyncpg.connect(admin_dsn, timeout=5)
        try:
            if drop_first:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(run())
    return with_database(admin_dsn, name)


def drop_database(admin_dsn: str, name: str) -> None:
    """Drop database `name`, disconnecting whoever still uses it."""

    async def run() -> None:
        conn = await asyncpg.connect(admin_dsn, timeout=5)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(run())


def wait_http(url: str, *, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll `url` until it answers 200, the process dies, or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer 200 within {timeout:.0f}s")


def _pg_bin(tool: str) -> str:
    found = shutil.which(tool) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"), reverse=True)), None
    )
    if not found:
        raise RuntimeError(f"PostgreSQL's {tool} not found: install postgresql")
    return found


def _as_postgres_user(cmd: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; the image has a `postgres` account.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@dataclass
class LocalPostgres:
    """A Postgres cluster in `data_dir`, trust auth, listening on 127.0.0.1:`port`."""

    data_dir: Path
    port: int

    @property
    def admin_dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.data_dir, "postgres", "postgres")
        if not (self.data_dir / "PG_VERSION").exists():
            subprocess.run(  # nosec B603 # a fixed program, an argument list, no shell
                _as_postgres_user(
                    [
                        _pg_bin("initdb"),
                        "-D",
                        str(self.data_dir),
                        "--auth=trust",
                        "-U",
                        "postgres",
                        "--no-sync",
                    ]
                ),
                check=True,
                capture_output=True,
            )
        options = f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(  # nosec B603 # a fixed program, an argument list, no shell
            _as_postgres_user(
                [
                    _pg_bin("pg_ctl"),
                    "-D",
                    str(self.data_dir),
                    "-o",
                    options,
                    "-l",
                    str(self.data_dir / "server.log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        return self.admin_dsn

    def stop(self) -> None:
        subprocess.run(  # nosec B603 # a fixed program, an argument list, no shell
            _as_postgres_user([_pg_bin("pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "stop"]),
            check=False,
            capture_output=True,
        )


@dataclass
class ChildProcess:
    """A server started as a child process, stopped with SIGTERM (then SIGKILL)."""

    args: list[str]
    log_path: Path
    env: dict[str, str] | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def start(self) -> subprocess.Popen[bytes]:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # nosec B603 # our own servers, an argument list
            self.args, stdout=log, stderr=subprocess.STDOUT, env=self.env, start_new_session=True
        )
        return self.process

    def terminate(self) -> None:
        """Ask the process group to stop (SIGTERM) without waiting."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, 15)

    def stop(self, *, timeout: float = 15.0) -> None:
        """SIGTERM, wait up to `timeout`, then SIGKILL."""
        if self.process is None:
            return
        self.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait()


def start_redis(work_dir: Path, port: int) -> tuple[str, ChildProcess]:
    """A memory-only redis-server on 127.0.0.1:`port`."""
    binary = shutil.which("redis-server")
    if not binary:
        raise RuntimeError("redis-server not found: apt-get install redis-server")
    child = ChildProcess(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(work_dir),
        ],
        work_dir / "redis.log",
    )
    child.start()
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while not redis_answers(url):
        if time.monotonic() > deadline:
            raise TimeoutError("redis-server did not start")
        time.sleep(0.1)
    return url, child


MLFLOW_AUTH_DEFAULTS = {
    # Nobody but the admin account may read or change anything, models and aliases included.
    "default_permission": "NO_PERMISSIONS",
    "authorization_function": "mlflow.server.auth:authenticate_request_basic_auth",
    # Each sign-in check is a PBKDF2 hash, ~0.5-1 s of CPU on a busy 2-core machine: a
    # promotion or a model load (a dozen calls) timed out without this cache (~45 ms each).
    "auth_cache_ttl_seconds": "60",
}


@dataclass(frozen=True)
class MlflowCredentials:
    """The account the services sign in to MLflow with: the basic-auth app's admin."""

    username: str
    password: str

    def client_env(self) -> dict[str, str]:
        """The variables the MLflow client reads to sign every request."""
        return {
            "MLFLOW_TRACKING_USERNAME": self.username,
            "MLFLOW_TRACKING_PASSWORD": self.password,
        }


def mlflow_credentials(work_dir: Path) -> MlflowCredentials:
    """MLFLOW_TRACKING_USERNAME/_PASSWORD when set, else the pair kept in `work_dir`, else new."""
    username = os.environ.get("MLFLOW_TRACKING_USERNAME")
    password = os.environ.get("MLFLOW_TRACKING_PASSWORD")
    if username and password:
        return MlflowCredentials(username, password)
    # The auth database keeps the first admin password it saw: reuse it across restarts.
    kept = work_dir / "credentials.env"
    if kept.exists():
        values = dict(line.split("=", 1) for line in kept.read_text().splitlines() if "=" in line)
        return MlflowCredentials(
            values["MLFLOW_TRACKING_USERNAME"], values["MLFLOW_TRACKING_PASSWORD"]
        )
    credentials = MlflowCredentials("ml-pipeline", secrets.token_urlsafe(24))
    work_dir.mkdir(parents=True, exist_ok=True)
    kept.write_text("".join(f"{k}={v}\n" for k, v in credentials.client_env().items()))
    kept.chmod(0o600)
    return credentials


def write_mlflow_auth_config(path: Path, *, database_uri: str) -> Path:
    """The basic-auth app's configuration file: default deny, users kept in `database_uri`."""
    lines = ["[mlflow]", f"database_uri = {database_uri}"]
    lines += [f"{key} = {value}" for key, value in MLFLOW_AUTH_DEFAULTS.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def start_mlflow(
    work_dir: Path,
    port: int,
    *,
    credentials: MlflowCredentials | None = None,
    backend_store_uri: str | None = None,
    auth_database_uri: str | None = None,
) -> tuple[str, ChildProcess]:
    """An MLflow server behind its basic-auth app, artifacts served over HTTP.

    The registry and the user store are SQLite files in `work_dir` unless URIs are given.
    Every request needs `credentials` (the admin, created on first start); they are also
    put in this process's environment, so its MLflow clients and the processes it starts
    from then on sign in with them.
    """
    if not port_is_free(port):
        raise RuntimeError(f"port {port} is taken: free it, or choose another (MLFLOW_PORT)")
    work_dir.mkdir(parents=True, exist_ok=True)
    credentials = credentials or mlflow_credentials(work_dir)
    auth_config = write_mlflow_auth_config(
        work_dir / "basic_auth.ini",
        database_uri=auth_database_uri or f"sqlite:///{work_dir / 'basic_auth.db'}",
    )
    mlflow_bin = Path(sys.executable).with_name("mlflow")
    env = {
        **os.environ,
        # Its job runner and consumers serve MLflow's GenAI features, which nothing here uses;
        # they held about half of the local stack's memory.
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
        "MLFLOW_AUTH_CONFIG_PATH": str(auth_config),
        "MLFLOW_AUTH_ADMIN_USERNAME": credentials.username,
        "MLFLOW_AUTH_ADMIN_PASSWORD": credentials.password,
        # Signs the UI's CSRF tokens only; a new one per start just logs UI users out.
        "MLFLOW_FLASK_SERVER_SECRET_KEY": secrets.token_hex(32),
    }
    # `mlflow server` runs helpers found on PATH: make them this environment's.
    env["PATH"] = f"{mlflow_bin.parent}{os.pathsep}{env.get('PATH', '')}"
    child = ChildProcess(
        [
            str(mlflow_bin),
            "server",
            "--app-name",
            "basic-auth",
            "--backend-store-uri",
            backend_store_uri or f"sqlite:///{work_dir / 'mlflow.db'}",
            "--artifacts-destination",
            str(work_dir / "artifacts"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        work_dir / "mlflow.log",
        env=env,
    )
    process = child.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/health", timeout=120, process=process)
        _check_mlflow_sign_in(url, credentials, work_dir)
    except Exception:
        child.stop()
        raise
    os.environ.update(credentials.client_env())
    return url, child


def _check_mlflow_sign_in(url: str, credentials: MlflowCredentials, work_dir: Path) -> None:
    # The user store keeps the admin password of its first start and ignores later ones.
    response = httpx.get(
        f"{url}/api/2.0/mlflow/users/get",
        params={"username": credentials.username},
        auth=(credentials.username, credentials.password),
        timeout=10,
    )
    if response.status_code != 200:
        raise RuntimeError(
            f"MLflow refuses {credentials.username!r} ({response.status_code}): the user store in "
            f"{work_dir} holds another password; set MLFLOW_TRACKING_PASSWORD to it, or delete it"
        )


SERVICE_PORTS = {"gateway": 8000, "inference": 8001, "training": 8002, "drift": 8003}


def start_service(
    name: str,
    *,
    port: int,
    env: dict[str, str],
    log_dir: Path,
    host: str = "127.0.0.1",
    workers: int = 1,
) -> ChildProcess:
    """Run one service under uvicorn (uvloop + httptools) as a child process.

    Proxy headers are off: uvicorn would otherwise rewrite the client address from
    X-Forwarded-For before the gateway's own TRUSTED_PROXIES check could see it.
    """
    child = ChildProcess(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            f"services.{name}.main:create_app",
            "--host",
            host,
            "--port",
            str(port),
            "--no-access-log",
            "--no-proxy-headers",
            "--workers",
            str(workers),
            "--timeout-graceful-shutdown",
            "10",
        ],
        log_dir / f"{name}.log",
        env={**os.environ, **env},
    )
    child.start()
    return child
