"""`coldstart` starts fast: a command imports only its own module, `--help` imports none.

Times are measured in benchmarks/, not here; what is tested is the mechanism — which modules a
start-up loads, and that the listing read from the command modules' source is exactly the one
typer builds from the imported modules.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
import typer.main
from typer.testing import CliRunner

import coldstart.cli
from coldstart.cli import COMMAND_MODULES, command_index

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("polars", "pyarrow", "duckdb", "numpy", "matplotlib", "coldstart.ingest")

PROBE = """
import json, sys
sys.argv = ["coldstart", *json.loads(sys.argv[1])]
from coldstart.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print("\\nMODULES " + json.dumps(sorted(m for m in sys.modules if not m.startswith("_"))))
print("CODE", code)
"""


def start(*args: str, tmp_path: Path) -> tuple[str, set[str], int]:
    """Run ``coldstart ARGS`` the way the console script does: (output, modules loaded, code)."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"COLUMNS": "100", "PATH": "/usr/bin:/bin", "COLDSTART_CACHE_DIR": str(tmp_path)},
        timeout=120,
        check=False,
    )
    out, _, tail = proc.stdout.rpartition("\nMODULES ")
    modules_line, _, code_line = tail.partition("\n")
    return out, set(json.loads(modules_line)), int(code_line.split()[1])


def test_the_listing_from_source_is_typers_own() -> None:
    """Names, help texts, order and hidden flags read with `ast` equal the registered ones."""
    coldstart.cli.load_commands()
    group = typer.main.get_command(coldstart.cli.app)
    assert isinstance(group, typer.core.TyperGroup)
    real = [(c.name, c.help, c.hidden) for c in group.commands.values()]
    assert [(e.name, e.help, e.hidden) for e in command_index()] == real
    assert {e.module for e in command_index()} == set(COMMAND_MODULES)


@pytest.mark.parametrize("args", [["--help"], [], ["no-such-command"]])
def test_help_imports_no_command_module(args: list[str], tmp_path: Path) -> None:
    out, modules, code = start(*args, tmp_path=tmp_path)
    assert code == (0 if args == ["--help"] else 2)
    assert not [m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY]
    assert not [m for m in modules if m.startswith("coldstart.cli.") and m.endswith("_cmd")]
    if args != ["no-such-command"]:
        for e in command_index():
            assert f" {e.name} " in out


def test_help_equals_the_full_apps_help(tmp_path: Path) -> None:
    out, _, _ = start("--help", tmp_path=tmp_path)
    full = CliRunner().invoke(
        coldstart.cli.app, ["--help"], prog_name="coldstart", env={"COLUMNS": "100"}
    )
    assert out.strip() == full.output.strip()


def test_queries_needs_no_data_libraries(tmp_path: Path) -> None:
    """`coldstart queries` lists from the index: no DuckDB, polars or pyarrow (second run)."""
    first, _, code = start("queries", tmp_path=tmp_path)  # writes the index
    assert code == 0 and "cold_starts_by_region" in first
    again, modules, code = start("queries", tmp_path=tmp_path)
    assert code == 0 and again == first
    assert not [m for m in modules if m.split(".")[0] in HEAVY]
    assert "coldstart.cli.query_cmd" in modules
    assert not [m for m in modules if m.endswith("_cmd") and m != "coldstart.cli.query_cmd"]


def test_a_module_with_one_command_still_runs_as_a_subcommand(tmp_path: Path) -> None:
    """With only synth_cmd loaded, typer must not turn `synth` into the whole program."""
    out, modules, code = start("synth", "--help", tmp_path=tmp_path)
    assert code == 0 and "Usage: coldstart synth" in out
    assert "coldstart.cli.synth_cmd" in modules and "coldstart.cli.ingest_cmd" not in modules


def test_a_query_loads_neither_pyarrow_nor_numpy(tiny_warehouse: Path, tmp_path: Path) -> None:
    """Reading the warehouse takes DuckDB and polars only: the schema names its types without
    pyarrow and results reach polars through the Arrow C stream (pyarrow with NumPy would add
    ≈ 70 MB to every query process and 0.2 s to its start)."""
    out, modules, code = start(
        "query", "cold_starts_by_runtime", "--warehouse", str(tiny_warehouse), tmp_path=tmp_path
    )
    assert code == 0 and "Python3" in out
    assert {"duckdb", "polars", "coldstart.query.session"} <= modules
    assert not [m for m in modules if m.split(".")[0] in ("pyarrow", "numpy", "pandas")]
