"""Call an internal service from a scheduled job, signed like the services sign their calls.

    python -m shared.service_call drift POST /v1/drift/checks [--body '{}'] [--timeout 900]

The target's address comes from `<SERVICE>_URL` (e.g. `DRIFT_URL`) and the key from
`SERVICE_KEY`. Prints the status and the answer; exits 1 on anything but 2xx, so a Kubernetes
Job fails and is retried.
"""

import argparse
import os
import sys

import httpx

from shared.service_auth import ServiceCredentials

ISSUER = "scheduler"


def call(service: str, method: str, path: str, *, body: str, timeout_s: float) -> httpx.Response:
    """One signed call to `service`, acting as the scheduler itself."""
    base = os.environ[f"{service.upper()}_URL"].rstrip("/")
    credentials = ServiceCredentials(os.environ["SERVICE_KEY"], ISSUER)
    headers = {"Content-Type": "application/json", **credentials.authorization(service)}
    content = body.encode() if method != "GET" else None
    return httpx.request(
        method, f"{base}{path}", content=content, headers=headers, timeout=timeout_s
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("service", choices=["inference", "training", "drift"])
    parser.add_argument("method", choices=["GET", "POST", "PUT", "DELETE"])
    parser.add_argument("path")
    parser.add_argument("--body", default="{}")
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args(argv)
    answer = call(args.service, args.method, args.path, body=args.body, timeout_s=args.timeout)
    print(answer.status_code, answer.text[:4000])  # noqa: T201 - a command's output
    return 0 if answer.is_success else 1


if __name__ == "__main__":
    sys.exit(main())
