"""The paper's numbers table: it parses, its rows are well-formed, its tolerances mean what they
say, and spot checks of transcribed values match the paper's text."""

from __future__ import annotations

import csv
import io
import math
import re
import subprocess
import sys
from importlib import resources

import pytest

from coldstart import paper
from coldstart.paper import PaperNumber, PaperNumbersError, number, numbers

HEADER = ",".join(paper.COLUMNS)


def _n(value: float, tolerance: float, kind: str, unit: str = "s") -> PaperNumber:
    return PaperNumber(
        id="test.x",
        figure="Fig 0",
        statement="A hand-made number",
        value=value,
        unit=unit,
        kind="text",
        tolerance=tolerance,
        tolerance_kind=kind,
        release="FULL",
        source="nowhere",
    )


def _parse(*rows: str) -> tuple[PaperNumber, ...]:
    return paper.parse(io.StringIO("\n".join([HEADER, *rows]) + "\n"), origin="t.csv")


GOOD = "fig1.a.r1,Fig 1,Something,1.5,s,figure,0.1,log10,FULL,Fig 1"


# ------------------------------------------------------------------ the shipped table


def test_csv_has_exactly_the_documented_columns() -> None:
    text = resources.files("coldstart.paper").joinpath("numbers.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == paper.COLUMNS
    assert all(len(r) == len(paper.COLUMNS) for r in rows[1:])
    # numbers() reads every data row, nothing more or less
    assert len(numbers()) == len(rows) - 1


def test_ids_are_unique_and_well_formed() -> None:
    ids = [n.id for n in numbers()]
    assert len(ids) == len(set(ids))
    bad = [i for i in ids if not paper.ID_PATTERN.match(i)]
    assert bad == []
    # region suffixes, where present, are r1..r5 only
    suffixes = {i.rsplit(".", 1)[1] for i in ids if re.fullmatch(r"r\d+", i.rsplit(".", 1)[1])}
    assert suffixes == {"r1", "r2", "r3", "r4", "r5"}
    # and only ever as the last part
    assert not [i for i in ids if re.search(r"\.r\d+\.", i)]


def test_every_row_is_typed_and_in_its_sets() -> None:
    for n in numbers():
        assert isinstance(n.value, float)
        assert math.isfinite(n.value), n.id
        assert isinstance(n.tolerance, float)
        assert n.kind in paper.KINDS, n.id
        assert n.release in paper.RELEASES, n.id
        assert n.tolerance_kind in paper.TOLERANCE_KINDS, n.id
        if n.tolerance_kind in {"rel", "abs", "log10"}:
            assert n.tolerance > 0, n.id
        else:
            assert n.tolerance >= 0, n.id
        if n.tolerance_kind == "log10":
            assert n.value > 0, n.id
        if n.unit == "share" and n.tolerance_kind != "max":
            assert 0 <= n.value <= 1, n.id
        assert n.statement and n.source and n.figure, n.id
        # The table stands alone: it names the paper, never our reference files.
        assert "shared" not in n.source and "catalog" not in n.source.lower(), n.id
        # every number agrees with itself
        assert n.agrees(n.value), n.id


def test_the_table_covers_every_data_figure() -> None:
    figures = {n.id.split(".", 1)[0] for n in numbers()}
    for f in (1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17):
        assert any(
            x == f"fig{f}" or (x.startswith(f"fig{f}") and x[len(f"fig{f}")].isalpha())
            for x in figures
        ), f
    assert {"text", "release"} <= figures


def test_importing_and_reading_does_not_import_polars() -> None:
    code = (
        "import sys, coldstart.paper as p; p.numbers(); p.number('text.regions'); "
        "print('polars' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_as_frame_matches_the_rows() -> None:
    frame = paper.as_frame()
    assert frame.height == len(numbers())
    assert frame.columns == [*paper.COLUMNS, "region", "lower", "upper"]
    row = frame.filter(frame["id"] == "fig10b.lognormal_mean_s").row(0, named=True)
    assert row["value"] == 3.24
    assert row["lower"] == pytest.approx(3.24 * 0.9)
    assert row["upper"] == pytest.approx(3.24 * 1.1)
    assert row["region"] is None
    assert frame.filter(frame["id"] == "fig7a.pods_norm.d13.r2")["region"].to_list() == ["R2"]


def test_region_comes_from_the_id_suffix() -> None:
    assert number("fig10a.median_s.r3").region == "R3"
    assert number("fig10b.lognormal_sigma").region is None
    # a quantity that merely starts with r is no region
    assert number("fig6a.ratio1_cluster_req_per_day_max").region is None
    per_region = [n for n in numbers() if n.region]
    assert {n.region for n in per_region} == {"R1", "R2", "R3", "R4", "R5"}
    assert all(n.id.endswith("." + n.region.lower()) for n in per_region)


# ------------------------------------------------------------------ agrees, worked by hand


def test_agrees_rel() -> None:
    n = _n(3.24, 0.1, "rel")  # 2.916 .. 3.564
    assert n.agrees(3.24)
    assert n.agrees(2.916) and n.agrees(3.564)  # boundaries agree
    assert not n.agrees(2.915) and not n.agrees(3.565)
    assert not n.agrees(math.nan)
    neg = _n(-2.0, 0.25, "rel")  # -2.5 .. -1.5
    assert neg.agrees(-1.5) and neg.agrees(-2.5) and not neg.agrees(-1.49)
    assert n.describe_tolerance() == "±10 %"


def test_agrees_abs() -> None:
    n = _n(0.2, 0.05, "abs", unit="share")  # 0.15 .. 0.25; 0.25 - 0.2 is 0.05000000000000002
    assert n.agrees(0.25) and n.agrees(0.15)
    assert not n.agrees(0.2501) and not n.agrees(0.1499)
    assert n.describe_tolerance() == "±0.05"
    assert _n(60, 0.5, "abs").describe_tolerance() == "±0.5 s"


def test_agrees_log10() -> None:
    n = _n(1.0, 0.1, "log10")  # 10**-0.1 = 0.7943 .. 10**0.1 = 1.2589
    assert n.agrees(10**0.1) and n.agrees(10**-0.1)
    assert n.agrees(1.25) and not n.agrees(1.26)
    assert n.agrees(0.80) and not n.agrees(0.79)
    assert not n.agrees(0.0) and not n.agrees(-1.0)
    assert n.lower == pytest.approx(0.7943282) and n.upper == pytest.approx(1.2589254)
    assert n.describe_tolerance() == "±0.1 decade"
    assert _n(1.0, 2, "log10").describe_tolerance() == "±2 decades"


def test_agrees_min_and_max() -> None:
    lo = _n(1000, 0, "min", unit="ratio")
    assert lo.agrees(1000) and lo.agrees(27000) and lo.agrees(math.inf)
    assert not lo.agrees(999.9)
    assert lo.describe_tolerance() == "≥ 1000 ratio"
    slack = _n(0.1, 0.04, "min")  # at least 0.06
    assert slack.agrees(0.06) and not slack.agrees(0.0599)
    assert slack.describe_tolerance() == "≥ 0.06 s (0.1 less 0.04 slack)"
    hi = _n(0.05, 0, "max", unit="share")
    assert hi.agrees(0.05) and hi.agrees(0.0) and not hi.agrees(0.0501)
    assert hi.describe_tolerance() == "≤ 0.05"
    assert hi.lower == -math.inf and hi.upper == 0.05
    assert not hi.agrees(math.nan)


def test_tolerances_read_as_numbers_not_exponents() -> None:
    assert _n(11e6, 0, "min", unit="count").describe_tolerance() == "≥ 11 million"
    assert (
        _n(12e6, 600_000, "min", unit="count").describe_tolerance()
        == "≥ 11.4 million (12 million less 600,000 slack)"
    )
    assert _n(3e10, 0, "max", unit="count").describe_tolerance() == "≤ 30 billion"
    assert _n(8531371000, 1e-6, "rel", unit="count").describe_tolerance() == "±0.0001 %"
    assert _n(0.000316, 5e-7, "abs").describe_tolerance() == "±0.5 µs"
    assert _n(0.2, 0.15, "rel").describe_tolerance() == "±15 %"  # not 15.000000000000002
    assert _n(44640, 0, "max", unit="count").describe_tolerance() == "≤ 44,640"
    for n in paper.numbers():  # the whole table: no exponent, no float noise
        text = n.describe_tolerance()
        assert not re.search(r"\d[eE][+-]?\d|\d{7}", text), (n.id, text)


@pytest.mark.parametrize(
    ("x", "shown"),
    [
        (1.1e7, "11 million"),
        (1.19e7, "11.9 million"),
        (8.5e10, "85 billion"),
        (11_913_857, "11,913,857"),  # an exact count keeps every digit
        (1000, "1000"),
        (12_345, "12,345"),
        (0.0019, "0.0019"),
        (6.9e-6, "0.0000069"),
        (43135.973, "43,135.973"),
        (-0.025, "-0.025"),
        (0, "0"),
    ],
)
def test_human_numbers(x: float, shown: str) -> None:
    assert paper.human(x) == shown


# ------------------------------------------------------------------ transcription spot checks


@pytest.mark.parametrize(
    ("id", "value"),
    [
        # Fig 10a medians read off the figure (R3 ≈0.06-0.1, R5 ≈0.45, R2 ≈0.8-0.9, R4 ≈0.9-1, R1 ≈1.7-2)
        ("fig10a.median_s.r1", 1.85),
        ("fig10a.median_s.r2", 0.85),
        ("fig10a.median_s.r3", 0.08),
        ("fig10a.median_s.r4", 0.95),
        ("fig10a.median_s.r5", 0.45),
        # the text's fits
        ("fig10b.lognormal_mean_s", 3.24),
        ("fig10b.lognormal_sd_s", 7.10),
        ("fig10d.weibull_mean_s", 1.25),
        ("fig10d.weibull_sd_s", 3.66),
        ("fig8d.pod_share.obs", 0.30),
        ("fig8d.cold_start_share.workflow", 0.20),
        ("fig8d.pod_share.timer", 0.05),
        ("fig17.share_below_1", 0.20),
        ("fig17.median_ratio", 4),
        ("fig17.share_below_1.nodejs", 0.40),
        ("fig17.share_above_100.go", 0.35),
        ("fig9.function_share_string.timer", 0.42),
        ("fig8a.weekday_weekend_pod_ratio.r2", 1.30),
        ("text.last_workday", 13),
        ("text.holiday_start", 14),
        ("text.first_workday", 24),
        ("text.first_workday_alt", 23),
        ("text.keep_alive_s", 60),
        ("text.requests_total", 85e9),
        ("release.cold_starts_total", 11_913_857),
        ("release.cold_starts.r2", 2_072_823),
        ("release.functions.r2", 2418),
        ("fig8e.cold_start_count.python3", 1_190_731),
        ("fig14.max_requests", 8.531371e9),
        ("fig3b.median_exec_s.r5", 0.004),
        ("fig3b.median_exec_s.r1", 0.1),
        ("fig6a.peak_trough_max", 1000),
        ("fig12.rho.cs_count.r5", -0.1),
    ],
)
def test_transcribed_values(id: str, value: float) -> None:
    assert number(id).value == pytest.approx(value, rel=1e-12)


def test_derived_fit_parameters_follow_from_the_stated_moments() -> None:
    # LogNormal: sigma^2 = ln(1 + sd^2/mean^2), mu = ln(mean) - sigma^2/2
    mean, sd = number("fig10b.lognormal_mean_s").value, number("fig10b.lognormal_sd_s").value
    sigma = math.sqrt(math.log(1 + sd**2 / mean**2))
    assert sigma == pytest.approx(number("fig10b.lognormal_sigma").value, abs=5e-4)
    mu = math.log(mean) - sigma**2 / 2
    assert mu == pytest.approx(number("fig10b.lognormal_mu").value, abs=5e-4)
    assert math.exp(mu) == pytest.approx(number("fig10b.lognormal_median_s").value, abs=5e-4)
    # Weibull: mean = lam*G(1+1/k), var = lam^2*(G(1+2/k) - G(1+1/k)^2)
    k = number("fig10d.weibull_shape").value
    lam = number("fig10d.weibull_scale_s").value
    g1, g2 = math.gamma(1 + 1 / k), math.gamma(1 + 2 / k)
    assert lam * g1 == pytest.approx(number("fig10d.weibull_mean_s").value, rel=0.01)
    assert lam * math.sqrt(g2 - g1**2) == pytest.approx(
        number("fig10d.weibull_sd_s").value, rel=0.01
    )
    assert lam * math.log(2) ** (1 / k) == pytest.approx(
        number("fig10d.weibull_median_s").value, rel=0.01
    )
    assert number("fig10d.weibull_shape").tolerance_kind == "abs"


def test_holiday_drop_is_computed_from_the_daily_readings() -> None:
    for r in ("r1", "r2", "r3", "r4", "r5"):
        d13 = number(f"fig7a.pods_norm.d13.{r}").value
        holiday = [number(f"fig7a.pods_norm.d{d}.{r}").value for d in range(14, 21)]
        drop = 1 - sum(holiday) / len(holiday) / d13
        assert number(f"fig7a.holiday_drop.{r}").value == pytest.approx(drop, abs=5e-4)
    # R2 pods fall by about 40 % in the holiday; R3 does not fall
    assert number("fig7a.holiday_drop.r2").agrees(0.39)
    assert not number("fig7a.holiday_drop.r3").agrees(0.2)


def test_notebook_runtime_counts_sum_to_the_region_total() -> None:
    counts = [n.value for n in numbers() if n.id.startswith("fig8e.cold_start_count.")]
    assert len(counts) == 10
    assert sum(counts) == number("release.cold_starts.r2").value


def test_region_medians_respect_the_texts_range_except_as_noted() -> None:
    lo, hi = number("fig10a.median_s_lo"), number("fig10a.median_s_hi")
    for r in ("r1", "r2", "r3", "r4", "r5"):
        assert lo.agrees(number(f"fig10a.median_s.{r}").value)
        assert hi.agrees(number(f"fig10a.median_s.{r}").value)


# ------------------------------------------------------------------ lookup and bad input


def test_number_for_a_typo_names_the_closest_ids() -> None:
    with pytest.raises(KeyError) as info:
        number("fig10a.median.r1")
    message = str(info.value)
    assert message.startswith("no paper number 'fig10a.median.r1'")
    assert "fig10a.median_s.r1" in message
    with pytest.raises(KeyError, match="no paper number 'zzz'") as info:
        number("zzz")
    assert "closest" not in str(info.value)


def test_parse_accepts_a_good_row() -> None:
    (n,) = _parse(GOOD)
    assert n == PaperNumber(
        "fig1.a.r1", "Fig 1", "Something", 1.5, "s", "figure", 0.1, "log10", "FULL", "Fig 1"
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (GOOD.replace("fig1.a.r1", "Fig1.A"), "line 2, column id: 'Fig1.A'"),
        (GOOD.replace("fig1.a.r1", "fig1"), "line 2, column id: 'fig1'"),
        (GOOD.replace(",1.5,", ",about 2,"), "line 2, column value: 'about 2'; expected a finite"),
        (GOOD.replace(",1.5,", ",nan,"), "column value: 'nan'"),
        (GOOD.replace(",0.1,", ",-1,"), "column tolerance: '-1'"),
        (GOOD.replace(",0.1,", ",0,"), "a number > 0 for tolerance_kind log10"),
        (GOOD.replace(",1.5,", ",-1.5,"), "a number > 0 for tolerance_kind log10"),
        (GOOD.replace(",figure,", ",guess,"), "column kind: 'guess'"),
        (GOOD.replace(",FULL,", ",full,"), "column release: 'full'"),
        (GOOD.replace(",log10,", ",pct,"), "column tolerance_kind: 'pct'"),
        (GOOD + ",extra", "line 2: 11 cells; expected 10"),
    ],
)
def test_parse_names_line_column_and_value(row: str, expected: str) -> None:
    with pytest.raises(PaperNumbersError, match=r"^t\.csv, line 2") as info:
        _parse(row)
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_parse_rejects_duplicates_and_a_wrong_header() -> None:
    with pytest.raises(
        PaperNumbersError, match=r"line 3, column id: .fig1\.a\.r1.; expected a unique id"
    ):
        _parse(GOOD, GOOD)
    with pytest.raises(PaperNumbersError, match="line 1: header"):
        paper.parse(io.StringIO("id,value\n"), origin="t.csv")
    # a one-sided bound may have zero slack
    (n,) = _parse(GOOD.replace(",0.1,log10,", ",0,min,"))
    assert n.agrees(1.5) and not n.agrees(1.49)
