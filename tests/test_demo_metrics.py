"""The demo (and the suite's shared tiny warehouse) keep only the per-minute metrics the
queries and figures read (coldstart.demo.DEMO_METRICS): nothing they read may be left out."""

from __future__ import annotations

import re
from pathlib import Path

from coldstart import release
from coldstart.demo import DEMO_METRICS
from coldstart.query.library import load_library

REPO = Path(__file__).resolve().parents[1]
# A metric read in SQL: `metric = 'cpu_usage'`.
_SQL_METRIC = re.compile(r"metric\s*=\s*'(\w+)'")
# A metric named in Python: a quoted release metric that is not also a column of the
# cold-start or request tables (those are columns, not per-minute folders).
_COLUMNS = set(release.COLD_START_COLUMNS) | set(release.REQUEST_COLUMNS)
_PY_STRING = re.compile(r"[\"'](\w+)[\"']")


def metrics_read() -> dict[str, set[str]]:
    """Where each per-minute metric is read: named-query defaults, SQL literals, frames."""
    found: dict[str, set[str]] = {}
    for name, q in load_library().queries.items():
        for p in q.params:
            if p.name == "metric" and p.default is not None:
                found.setdefault(str(p.default), set()).add(f"query {name} (default)")
    for sql in (REPO / "queries").rglob("*.sql"):
        for m in _SQL_METRIC.finditer(sql.read_text(encoding="utf-8")):
            found.setdefault(m[1], set()).add(str(sql.relative_to(REPO)))
    for py in (REPO / "coldstart" / "frames").rglob("*.py"):
        for m in _PY_STRING.finditer(py.read_text(encoding="utf-8")):
            if m[1] in release.METRICS and m[1] not in _COLUMNS:
                found.setdefault(m[1], set()).add(str(py.relative_to(REPO)))
    return found


def test_every_metric_the_library_reads_is_in_the_demo() -> None:
    found = metrics_read()
    assert {"totalCost", "cpu_usage"} <= set(found)  # the scan finds what Fig 3b/3c read
    missing = {m: sorted(w) for m, w in found.items() if m not in DEMO_METRICS}
    assert not missing, f"read but not written by the demo: {missing}"


def test_the_scan_can_fail(tmp_path: Path) -> None:
    """A literal outside DEMO_METRICS is found (the check above is not vacuous)."""
    text = "SELECT * FROM timeseries WHERE metric = 'busCost'"
    assert [m[1] for m in _SQL_METRIC.finditer(text)] == ["busCost"]
    assert "busCost" not in DEMO_METRICS


def test_demo_metrics_are_release_metrics() -> None:
    assert set(DEMO_METRICS) <= set(release.METRICS)
