"""Tiny hand-written release files for the ingest tests (answers worked out in the tests)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from coldstart import release

RID_A = "a" * 64
RID_B = "0123456789abcdef" * 4
RID_C = "f" * 63 + "0"

COLD_HEADER = ",".join(release.COLD_START_COLUMNS)
COLD_ROWS = [
    f"0,51937.425,2,400,418,{RID_A},0.91109,0.00059,0.001,0.0,0.9095,pool22-300-128-0000000001",
    f"0,86399.999,1,7,9,{RID_B},2.0,0.5,0.5,0.5,0.4,pool24-600-512-0000577863",
    f"1,86400.0,3,7,9,{RID_C},1.0,0.25,0.25,0.25,0.25,garbage-pod",
]

REQ_HEADER = ",".join(release.REQUEST_COLUMNS)
REQ_ROWS = [
    f"2592000.5,2592000.25,{RID_A},1,400,pool22-300-128-0000000001,418,"
    "0.5,0.1,0.4,0.6,0.05,0.01,0.02,0.03,0.2,64.5,327.0",
    f"2592061.0,,{RID_B},2,7,,9,1.5,0.5,1.0,,,,,,0.1,128.0,",
]

FUNC_HEADER = ",".join(release.FUNCTION_COLUMNS)
FUNC_ROWS = [
    "400---418---pool22-300-128,123,Python3,APIG-S TIMER-A",
    "7---9---pool24-600-512,300,Go1.x,unknown-A unknown-S",
]

AVG = "day,time,400---418---pool22-300-128,7---9---pool24-600-512\n0,0,0.5,\n0,60,,0.25\n0,120,,\n"
STD = "day,time,400---418---pool22-300-128\n0,0,0.1\n0,120,0.2\n"
REQUESTS = "day,time,400---418---pool22-300-128,7---9---pool24-600-512\n0,0,3.0,\n0,60,,1.0\n"
NUM_PODS = "day,time,400---418---pool22-300-128\n0,0,1.0\n0,120,2.0\n"


def csv_text(header: str, rows: list[str]) -> str:
    return "\n".join([header, *rows]) + "\n"


def files() -> dict[str, str]:
    """Relative path → content of a tiny release tree (Region 2, days 0–1)."""
    return {
        "cold_start/R2/day_0.csv": csv_text(COLD_HEADER, COLD_ROWS),
        "per_request/R2/part-00000-x-c000.csv": csv_text(REQ_HEADER, REQ_ROWS),
        "runtime_triggerType/df_funcID_runtime_triggerType.csv": csv_text(FUNC_HEADER, FUNC_ROWS),
        "quantiles/R2/cpu_usage_avg/day_0.csv": AVG,
        "quantiles/R2/cpu_usage_std/day_0.csv": STD,
        "quantiles/R2/requests/day_0.csv": REQUESTS,
        "quantiles/R2/num_pods/day_0.csv": NUM_PODS,
    }


def write_tree(root: Path, content: dict[str, str] | None = None) -> Path:
    """Write ``content`` (default :func:`files`) under ``root/cold_start_dataset``."""
    base = root / "cold_start_dataset"
    for rel, text in (content or files()).items():
        p = base / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return base


def write_zips(root: Path) -> Path:
    """The same tree as the release's zips: one per table and region, members unsorted."""
    base = root / "cold_start_dataset"
    groups: dict[str, dict[str, str]] = {}
    for rel, text in files().items():
        table, rest = rel.split("/", 1)
        if table == "per_request":
            zname, member = "per_request/R2_00000_00009.zip", "R2_00000_00009/" + rest.split("/")[1]
        elif table == "runtime_triggerType":
            zname, member = "runtime_triggerType.zip", rel
        else:
            zname, member = f"{table}/R2.zip", rest
        groups.setdefault(zname, {})[member] = text
    for zname, members in groups.items():
        p = base / zname
        p.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for member in sorted(members, reverse=True):
                zf.writestr(member, members[member])
    return base


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes (for byte-identical comparisons)."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
