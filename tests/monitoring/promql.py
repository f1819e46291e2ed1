"""Metric names and label matchers a PromQL expression reads, and what a /metrics page exports."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families

KEYWORDS = frozenset(
    {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or"}
    | {"unless", "offset", "inf", "nan", "le"}
)
# Series Prometheus makes itself rather than scraping them.
PROMETHEUS_OWN = frozenset({"up", "ALERTS", "ALERTS_FOR_STATE"})
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "summary": ("_sum", "_count", "_created", ""),
    "gauge": ("",),
    "info": ("_info",),
    "untyped": ("",),
}


@dataclass(frozen=True)
class Selector:
    metric: str
    labels: frozenset[str]


def selectors(expr: str) -> Iterator[Selector]:
    """Each metric an expression reads, with the label names its matchers use."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # string literals hold no metric names
    text = re.sub(r"\[[^\]]*\]", "", text)  # range and subquery durations
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    text = re.sub(r"\$__\w+", "", text)
    pattern = r"([A-Za-z_:][A-Za-z0-9_:]*)\s*(\{[^}]*\})?\s*(\()?"
    for name, matchers, call in re.findall(pattern, text):
        if call or name.lower() in KEYWORDS:
            continue
        labels = frozenset(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)", matchers))
        yield Selector(name, labels)


@dataclass
class Exported:
    """Sample names a /metrics page declares, and the label names seen on each."""

    names: set[str]
    labels: dict[str, set[str]]

    def add_page(self, text: str) -> None:
        for family in text_string_to_metric_families(text):
            for suffix in SUFFIXES.get(family.type, ("",)):
                self.names.add(family.name + suffix)
            for sample in family.samples:
                self.names.add(sample.name)
                self.labels.setdefault(sample.name, set()).update(sample.labels)
