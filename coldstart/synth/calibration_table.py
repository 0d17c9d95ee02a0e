"""The synthetic trace's calibration: measured across seeds, against the paper's numbers.

One place decides which paper numbers the generator is held to (``CALIBRATION_IDS``), how a
trace is generated for it (``CALIBRATION_PRESET``, ``CALIBRATION_SEEDS``, per-minute statistics
skipped: they do not change the events) and how the results are shown. The paper's values and
tolerances come from ``coldstart.paper`` (the same table the report uses).

``tests/test_synth_calibration.py`` generates the seeds, measures them with
``coldstart.synth.measure`` and checks (1) every number agrees with the paper on the seeds'
mean, (2) the committed results file (``calibration_results.json`` beside this module) holds
exactly these measurements and (3) the README's calibration block is the one rendered from that
file. After a change to the model, refresh both with::

    python -m coldstart.synth.calibration_table --write
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from coldstart import paper

CALIBRATION_PRESET = "small"
CALIBRATION_SEEDS: tuple[int, ...] = (0, 1, 2, 3, 4)
RESULTS_FILE = Path(__file__).with_name("calibration_results.json")
README = Path(__file__).resolve().parents[2] / "README.md"
START = "<!-- synth-calibration:start (python -m coldstart.synth.calibration_table --write) -->"
END = "<!-- synth-calibration:end -->"
LARGEST_FUNCTION_SHARE_MAX = 0.20  # issue 14: no function above 20 % of a region's cold starts

# The paper numbers the release lets one compute and the generator is held to, in README order.
CALIBRATION_IDS: tuple[str, ...] = (
    "fig10a.median_s.r1",
    "fig10a.median_s.r2",
    "fig10a.median_s.r3",
    "fig10a.median_s.r4",
    "fig10a.median_s.r5",
    "fig11.mean_cs_s.r1",
    "fig11.mean_cs_s.r2",
    "fig11.mean_cs_s.r3",
    "fig11.mean_cs_s.r4",
    "fig11.mean_cs_s.r5",
    "fig10b.lognormal_sigma",
    "fig10b.lognormal_median_s",
    "fig10b.lognormal_mean_s",
    "fig10b.lognormal_sd_s",
    "fig10d.weibull_shape",
    "fig9.function_share_string.timer",
    "fig9.function_share_string.apig",
    "fig9.function_share_string.apig_timer",
    "fig8d.function_share_fig.timer",
    "fig8e.function_share.python3",
    "release.cold_starts_per_function_day.r2",
    "fig8d.cold_start_share.timer",
    "fig8d.cold_start_share.workflow",
    "fig8e.cold_start_share_fig.python3",
    "fig8f.cold_start_share.small",
    "fig8d.pod_share.timer",
    "fig8d.pod_share.obs",
    "fig16.median_s.obs",
    "fig15.median_s_min.custom",
    "fig17.share_below_1",
    "fig17.median_ratio",
    "fig17.share_below_1.nodejs",
    "fig17.share_above_100.go",
    "fig7a.pods_norm.d13.r2",
    "fig7a.pods_norm.d17.r2",
    "fig7a.pods_norm.d20.r2",
    "fig7a.pods_norm.d24.r2",
    "fig8a.weekday_weekend_pod_ratio.r2",
    "fig6a.peak_trough_min",
    "fig6a.peak_trough_max",
)
# Numbers the model does not reach yet: measured and shown, not asserted. Each says why.
KNOWN_MISSES: dict[str, str] = {}

_DIGITS = 4  # significant digits kept in the results file


@dataclass(frozen=True)
class Row:
    """One calibration number: the paper's value and tolerance, the seeds' measurements."""

    id: str
    statement: str
    paper: float
    tolerance: str
    mean: float
    min: float
    max: float
    agrees: bool
    asserted: bool


def _round(x: float) -> float:
    return float(f"{x:.{_DIGITS}g}")


def rows(per_seed: list[dict[str, float]]) -> list[Row]:
    """The calibration rows from each seed's ``measure`` output (same ids in each)."""
    out = []
    for i in CALIBRATION_IDS:
        vals = [m[i] for m in per_seed]
        n = paper.number(i)
        mean = _round(sum(vals) / len(vals))
        out.append(
            Row(
                id=i,
                statement=n.statement,
                paper=n.value,
                tolerance=n.describe_tolerance(),
                mean=mean,
                min=_round(min(vals)),
                max=_round(max(vals)),
                agrees=n.agrees(mean),
                asserted=i not in KNOWN_MISSES,
            )
        )
    return out


def results(per_seed: list[dict[str, float]], largest: list[dict[str, float]]) -> dict:
    """What the results file holds: the rows and the largest function share per region."""
    regions = sorted(largest[0])
    return {
        "preset": CALIBRATION_PRESET,
        "seeds": list(CALIBRATION_SEEDS),
        "rows": [asdict(r) for r in rows(per_seed)],
        "largest_function_share_max": {r: _round(max(s[r] for s in largest)) for r in regions},
    }


def _fmt(x: float) -> str:
    if x == 0:
        return "0"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def readme_block(res: dict) -> str:
    """The README's calibration table, rendered from a results file's content."""
    seeds = res["seeds"]
    lines = [
        f"Measured by `tests/test_synth_calibration.py` on `{res['preset']}`, seeds "
        f"{seeds[0]}–{seeds[-1]} (mean, with the range over seeds); paper values and tolerances "
        "from `coldstart.paper`. A number agrees when the seeds' mean is within the tolerance.",
        "",
        "| paper number | paper | synthetic mean (min–max) | tolerance | agrees |",
        "|---|---|---|---|---|",
    ]
    for r in res["rows"]:
        verdict = "yes" if r["agrees"] else ("no" if r["asserted"] else "no (known miss)")
        lines.append(
            f"| `{r['id']}`: {r['statement']} | {_fmt(r['paper'])} | {_fmt(r['mean'])} "
            f"({_fmt(r['min'])}–{_fmt(r['max'])}) | {r['tolerance']} | {verdict} |"
        )
    shares = ", ".join(f"{k} {v:.0%}" for k, v in res["largest_function_share_max"].items())
    lines += [
        "",
        f"Largest single function's share of its region's cold starts (max over seeds): {shares} "
        f"(held below {LARGEST_FUNCTION_SHARE_MAX:.0%}).",
    ]
    for k, why in KNOWN_MISSES.items():
        lines.append(f"- known miss `{k}`: {why}")
    return "\n".join(lines)


def replace_block(text: str, body: str) -> str:
    """``text`` with the calibration block replaced by ``body`` (appended if missing)."""
    new = f"{START}\n{body}\n{END}"
    if START in text:
        head, rest = text.split(START, 1)
        return head + new + rest.split(END, 1)[1]
    return text.rstrip("\n") + "\n\n" + new + "\n"


def readme_current_block(text: str) -> str | None:
    if START not in text or END not in text:
        return None
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n")


def measure_seeds(
    work: Path | None = None,
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """Generate and measure every calibration seed (per-minute statistics skipped), under
    ``work`` (kept) or a temporary folder (removed)."""
    from coldstart.synth import generate
    from coldstart.synth.measure import largest_function_shares, measure

    per_seed, largest = [], []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(work) if work is not None else Path(tmp)
        for seed in CALIBRATION_SEEDS:
            s = generate(
                base / f"seed{seed}", preset=CALIBRATION_PRESET, seed=seed, metrics=[], force=True
            )
            per_seed.append(measure(s.dataset))
            largest.append(largest_function_shares(s.dataset))
    return per_seed, largest


def write(res: dict) -> None:
    RESULTS_FILE.write_text(json.dumps(res, indent=1) + "\n")
    README.write_text(replace_block(README.read_text(), readme_block(res)))


def main(argv: list[str]) -> int:
    if argv != ["--write"]:
        print("usage: python -m coldstart.synth.calibration_table --write", file=sys.stderr)
        return 2
    per_seed, largest = measure_seeds()
    write(results(per_seed, largest))
    print(f"updated {RESULTS_FILE.name} and the calibration block of {README}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
