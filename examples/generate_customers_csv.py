"""Write `examples/customers_messy.csv`: customers exported the way real systems export them.

`python -m examples.generate_customers_csv` regenerates the file (seeded, so it is identical
every time). About 94 % of the rows are sound; the rest carry the mess a CRM export really has:
impossible or unreadable ages, missing or negative incomes, incomes with a currency sign,
labels spelt every way (1/0, sim/não, yes/NO, true/False) or left blank, dates in several
formats, blank lines and Windows line endings.
"""

import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from services.training.synthetic import generate_customers

ROWS = 5_000
SEED = 7
START = datetime(2024, 1, 1, tzinfo=UTC)
TARGET = Path(__file__).with_name("customers_messy.csv")
HEADER = "Idade,Renda_Anual,Comprou_Produto,Observed_At"
_YES = ("1", "sim", "yes", "true", "Sim", "YES", "True", "s")
_NO = ("0", "não", "no", "false", "Não", "NO", "False", "nao")
_BAD_AGES = ("0", "7", "130", "999", "-1", "trinta", "")
_BAD_INCOMES = ("", "", "", "-1500", "R$ 45.000", "n/a")
_BAD_DATES = ("31/02/2024", "ontem")


def _clean_line(rng: np.random.Generator, age: int, income: float, bought: bool, at: str) -> str:
    label = rng.choice(_YES if bought else _NO)
    # Exports round incomes differently; some have no date at all.
    money = f"{income:.2f}" if rng.random() < 0.7 else f"{income:.0f}"
    when = "" if rng.random() < 0.05 else (at[:10] if rng.random() < 0.2 else at)
    return f"{age},{money},{label},{when}"


def _messy_line(rng: np.random.Generator, age: int, income: float, bought: bool, at: str) -> str:
    kind = rng.integers(0, 4)
    if kind == 0:
        return f"{rng.choice(_BAD_AGES)},{income:.2f},{int(bought)},{at}"
    if kind == 1:
        money = rng.choice(_BAD_INCOMES)
        return f'{age},"{money}",{int(bought)},{at}' if "," in money else f"{age},{money},1,{at}"
    if kind == 2:
        return f"{age},{income:.2f},{rng.choice(('', 'talvez', '2'))},{at}"
    return f"{age},{income:.2f},{int(bought)},{rng.choice(_BAD_DATES)}"


def messy_lines(rows: int = ROWS, *, seed: int = SEED) -> list[str]:
    """The file's lines: header, customers (some broken), a few blank lines."""
    rng = np.random.default_rng(seed)
    frame = generate_customers(rows, seed=seed, start=START, days=180)
    lines = [HEADER]
    for age, income, bought, moment in frame.itertuples(index=False):
        at = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        build = _messy_line if rng.random() < 0.06 else _clean_line
        lines.append(build(rng, int(age), float(income), bool(bought), at))
        if rng.random() < 0.002:
            lines.append("")
    return lines


def main() -> int:
    TARGET.write_text("\r\n".join(messy_lines()) + "\r\n", encoding="utf-8", newline="")
    sys.stdout.write(f"wrote {TARGET} ({TARGET.stat().st_size:,} bytes)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
