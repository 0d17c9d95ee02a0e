"""The report in a real browser: headless Chromium loads report.html from disk.

Asserts no console errors (including Content-Security-Policy violations and failed loads), no
network request, every image decoded with a non-zero natural size and every section present,
and saves a full-page screenshot as ``test-artifacts/report.png`` (git-ignored) for a human to
look at. Without Chromium the test is skipped with one line — except on CI (``CI`` set), where
a missing browser is a failure: .ci/run installs Debian's chromium first.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coldstart.plots import style
from coldstart.report import SECTION_IDS, ReportResult

from ._browser import Chromium, find_chromium

pytestmark = pytest.mark.xdist_group("report")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

CHECK = """
const images = [...document.images];
const decoded = await Promise.all(images.map(i => i.decode().then(() => true, () => false)));
return {
  images: images.map((img, k) => ({
    alt: img.alt, width: img.naturalWidth, height: img.naturalHeight, decoded: decoded[k],
    shown: img.getBoundingClientRect().width,
  })),
  column: document.querySelector('section[data-section]').getBoundingClientRect().width,
  repro: document.querySelectorAll('[data-table="reproducibility"] tbody tr').length,
  sections: [...document.querySelectorAll('section[data-section]')].map(s => ({
    id: s.id,
    heading: s.querySelector('h2') ? s.querySelector('h2').textContent : '',
    figures: s.querySelectorAll('figure img').length,
    synthetic: s.querySelector('.synthetic') !== null,
    tables: s.querySelectorAll('table tbody tr').length,
  })),
  toc: [...document.querySelectorAll('nav.toc a')].map(a => a.getAttribute('href')),
  width: document.documentElement.scrollWidth,
  viewport: window.innerWidth,
};
"""


def _chromium() -> str:
    exe = find_chromium()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI: chromium is not installed (.ci/run installs Debian's chromium)")
        pytest.skip("chromium not installed (apt-get install chromium); browser test skipped")
    return exe


def test_report_renders_in_chromium(tiny_report: ReportResult) -> None:
    with Chromium(_chromium(), width=1280, height=900) as browser:
        page = browser.load(tiny_report.paths.html, CHECK)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.png").write_bytes(page.screenshot)

    assert page.console_errors == []
    assert page.external_requests == []
    checks = page.checks
    expected_figures = sum(len(s.figures) for s in tiny_report.report.sections)
    assert len(checks["images"]) == expected_figures
    for img in checks["images"]:
        assert img["decoded"] and img["width"] > 0 and img["height"] > 0, img
    assert [s["id"] for s in checks["sections"]] == list(SECTION_IDS)
    titles = {s.id: s.title for s in tiny_report.report.sections}
    for section in checks["sections"]:
        assert section["heading"] == titles[section["id"]]
        assert section["figures"] > 0 and section["tables"] > 0, section
    assert checks["toc"] == [f"#{s}" for s in SECTION_IDS]
    # the legibility rule's column width is the one the browser lays out at 1280 px
    assert abs(checks["column"] - style.DISPLAY_WIDTH_PX) <= 2, checks["column"]
    for img in checks["images"]:
        natural = img["width"]
        assert img["shown"] <= min(natural, style.DISPLAY_WIDTH_PX) + 2, img
    # synthetic data: the line is in every section; the reproducibility table opens the page
    assert all(s["synthetic"] for s in checks["sections"])
    assert checks["repro"] == len(tiny_report.report.reproducibility.frame)
    # nothing wider than the window: wide tables scroll inside their own box
    assert checks["width"] <= checks["viewport"]
    assert page.screenshot[:8] == b"\x89PNG\r\n\x1a\n"
