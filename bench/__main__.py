"""`python -m bench [name ...]`: run the benchmarks (all by default); each prints a table."""

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    available = sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if not m.name.startswith("_")
    )
    chosen = argv or available
    unknown = set(chosen) - set(available)
    if unknown:
        print(
            f"unknown benchmarks: {', '.join(sorted(unknown))}; available: {', '.join(available)}"
        )
        return 2
    for name in chosen:
        print(f"\n=== bench.{name}", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"bench.{name}").main()
        print(f"(bench.{name}: {time.perf_counter() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
