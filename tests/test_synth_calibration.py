"""The synthetic trace reproduces the paper's numbers across seeds, with the paper's tolerances.

Seeds 0-4 of the ``small`` preset are generated once (per-minute statistics skipped: they do
not change the events) and measured from their CSV files by ``coldstart.synth.measure`` (polars,
not coldstart's loaders). Each calibration number's paper value and tolerance come from
``coldstart.paper``; the README's calibration table is rendered from these same measurements
(``coldstart.synth.calibration_table``), and the last tests check it is current.
"""

from __future__ import annotations

import json
import math

import pytest

from coldstart import paper
from coldstart.synth import calibration_table as ct

pytestmark = pytest.mark.xdist_group("synth-calibration")


@pytest.fixture
def seeds(synth_calibration: dict) -> dict:
    return synth_calibration


@pytest.mark.parametrize("number_id", ct.CALIBRATION_IDS)
def test_agrees_with_the_paper_across_seeds(seeds: dict, number_id: str) -> None:
    row = next(r for r in seeds["rows"] if r["id"] == number_id)
    n = paper.number(number_id)
    assert math.isfinite(row["mean"])
    if number_id in ct.KNOWN_MISSES:
        pytest.skip(f"known miss: {ct.KNOWN_MISSES[number_id]}")
    assert n.agrees(row["mean"]), (
        f"{number_id}: synthetic mean {row['mean']:.4g} over seeds "
        f"(range {row['min']:.4g}-{row['max']:.4g}), paper {n.value:g} {n.describe_tolerance()}"
    )


def test_no_function_dominates_a_region(seeds: dict) -> None:
    """Issue 14: no function above 20 % of any region's cold starts, in any seed."""
    for region, share in seeds["largest_function_share_max"].items():
        assert share <= ct.LARGEST_FUNCTION_SHARE_MAX, (region, share)


def test_known_misses_are_calibration_numbers() -> None:
    assert set(ct.KNOWN_MISSES) <= set(ct.CALIBRATION_IDS)
    for i in ct.CALIBRATION_IDS:
        paper.number(i)  # every id is in the paper's table


def test_results_file_holds_these_measurements(seeds: dict) -> None:
    """The committed results (behind the README table) are this run's numbers; refresh with
    ``python -m coldstart.synth.calibration_table --write`` after changing the model."""
    committed = json.loads(ct.RESULTS_FILE.read_text())
    assert committed == seeds


def test_readme_calibration_block_is_current() -> None:
    committed = json.loads(ct.RESULTS_FILE.read_text())
    current = ct.readme_current_block(ct.README.read_text())
    assert current == ct.readme_block(committed)


def test_readme_block_renders_every_row() -> None:
    res = {
        "preset": "small",
        "seeds": [0, 1],
        "rows": [
            {
                "id": "fig10d.weibull_shape",
                "statement": "Weibull shape",
                "paper": 0.418,
                "tolerance": "±0.05",
                "mean": 0.43,
                "min": 0.41,
                "max": 0.45,
                "agrees": True,
                "asserted": True,
            }
        ],
        "largest_function_share_max": {"R1": 0.125},
    }
    block = ct.readme_block(res)
    assert "| `fig10d.weibull_shape`: Weibull shape | 0.418 | 0.43 (0.41–0.45) | ±0.05 | yes |" in (
        block
    )
    assert "R1 12%" in block
    text = ct.replace_block("# T\n\nbefore\n", block)
    assert ct.readme_current_block(text) == block
    assert ct.readme_current_block(ct.replace_block(text, "new")) == "new"
