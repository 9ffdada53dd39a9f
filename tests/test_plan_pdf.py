"""The printed plan: the HTML draft printed to PDF by a real engine (Chromium).

Each page must say BORRADOR (DRAFT) and carry its number ("Página 2 de 6"),
from the draft's own print rules (Chromium's header and footer are turned
off); no table row may be split across two pages; the signature block stays
on one page with room to sign above each name; a juvenile plan has a line for
the responsible adult.

Needs ``chromium`` and ``pdftotext`` (Debian: ``apt-get install chromium
poppler-utils``). ``.ci/run`` installs both and sets ``RNR_REQUIRE_PDF=1``, so
in CI a missing engine fails the test; on a developer machine without them it
is skipped, saying what to install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from rnr import default_library
from rnr.cases.parse import read_cases
from rnr.definitions.library import policy_library
from rnr.plan.assemble import draft_plan
from rnr.policy.engine import decide
from rnr.render.plan import render_plan, words

CASES = Path(__file__).parent / "data" / "plans" / "cases"
POLICY = {"adult": "cl-adultos-18216", "juvenile": "cl-juvenil-20084"}
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: What is printed: (case, language).
PRINTED = (("prueba-adulto-02-vif", "es"), ("prueba-juvenil-01", "es"), ("prueba-adulto-01", "en"))
#: The room to sign above each name: 2 cm, in PDF points (1 cm = 72 / 2.54 pt).
ROOM = 2 * 72 / 2.54


def engine() -> tuple[str, str]:
    """Chromium and pdftotext, or a skip naming what is missing (a failure in CI)."""
    browser = next((p for p in map(shutil.which, BROWSERS) if p), None)
    pdftotext = shutil.which("pdftotext")
    missing = [n for n, p in (("chromium", browser), ("pdftotext", pdftotext)) if p is None]
    if browser is None or pdftotext is None:
        reason = (
            f"{' and '.join(missing)} not installed, so the printed plan cannot be checked: "
            "apt-get install chromium poppler-utils (CI installs them in .ci/run)"
        )
        if os.environ.get("RNR_REQUIRE_PDF") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return browser, pdftotext


class Printed:
    """A plan printed to PDF: its HTML, and each page's text and word boxes."""

    def __init__(
        self, html: str, pages: list[str], boxes: list[list[tuple[str, float, float, float]]]
    ):
        self.html = html
        self.pages = pages
        self.boxes = boxes


def print_plan(name: str, lang: str, folder: Path) -> Printed:
    """Score, decide and draft a test case, render its HTML and print it with Chromium."""
    browser, pdftotext = engine()
    case = next(read_cases(CASES / f"{name}.json"))
    assert case.legal is not None
    result = case.score(default_library())
    policy = policy_library().get(POLICY[case.legal.regime], on=case.legal.sentence_date)
    decision = decide(result, case.legal, policy, case_id=case.case_id)
    plan = draft_plan(result, decision, responsivity=case.responsivity)
    html = render_plan(plan, format="html", lang=lang)
    source = folder / f"{name}.{lang}.html"
    source.write_text(html, encoding="utf-8")
    pdf = folder / f"{name}.{lang}.pdf"
    run = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-pdf-header-footer",
            "--print-to-pdf-no-header",
            f"--user-data-dir={folder / 'profile'}",
            f"--print-to-pdf={pdf}",
            source.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "HOME": str(folder)},
    )
    assert pdf.is_file(), f"chromium printed nothing (exit {run.returncode}): {run.stderr[-2000:]}"
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    xml = subprocess.run(
        [pdftotext, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    boxes = [
        [
            (
                w.text or "",
                float(w.get("xMin", 0)),
                float(w.get("yMin", 0)),
                float(w.get("yMax", 0)),
            )
            for w in page.iter("{http://www.w3.org/1999/xhtml}word")
        ]
        for page in ElementTree.fromstring(xml).iter("{http://www.w3.org/1999/xhtml}page")
    ]
    assert len(boxes) == len(pages)
    return Printed(html, pages, boxes)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Printed]:
    """Every plan of PRINTED, printed once."""
    engine()
    folder = tmp_path_factory.mktemp("pdf")
    return {(name, lang): print_plan(name, lang, folder) for name, lang in PRINTED}


class Rows(HTMLParser):
    """The text of every table row of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[str] = []
        self.current: list[str] | None = None
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        if tag == "tr":
            self.current = []
        self.in_style = self.in_style or tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self.current is not None:
            self.rows.append(" ".join(self.current))
            self.current = None
        if tag == "style":
            self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.current is not None and not self.in_style:
            self.current.append(data)


def tokens(text: str) -> set[str]:
    """The words of four letters or more (what survives line breaks in the PDF text)."""
    return set(re.findall(r"\w{4,}", text))


@pytest.mark.parametrize(("name", "lang"), PRINTED, ids=[f"{n}-{lang}" for n, lang in PRINTED])
def test_every_page_says_draft_and_its_number(
    printed: dict[tuple[str, str], Printed], name: str, lang: str
) -> None:
    """BORRADOR (DRAFT) and "Página i de N" ("Page i of N") on every page, from the draft's CSS."""
    pages = printed[(name, lang)].pages
    w = words(lang)
    assert len(pages) >= 3, "a plan this long must span several pages"
    for i, page in enumerate(pages, start=1):
        assert w["draft"] in page, f"page {i}: no {w['draft']}"
        number = f"{w['page']} {i} {w['page_of']} {len(pages)}"
        assert number in page, f"page {i}: no '{number}'"


@pytest.mark.parametrize(("name", "lang"), PRINTED, ids=[f"{n}-{lang}" for n, lang in PRINTED])
def test_no_table_row_is_split_across_pages(
    printed: dict[tuple[str, str], Printed], name: str, lang: str
) -> None:
    """Every row's words are found together on one page."""
    plan = printed[(name, lang)]
    parser = Rows()
    parser.feed(plan.html)
    assert parser.rows
    pages = [tokens(page) for page in plan.pages]
    for row in parser.rows:
        wanted = tokens(row)
        where = [i + 1 for i, page in enumerate(pages) if wanted <= page]
        assert where, f"row split across pages (or missing): {row[:120]!r}"


@pytest.mark.parametrize(("name", "lang"), PRINTED, ids=[f"{n}-{lang}" for n, lang in PRINTED])
def test_signature_block_is_on_one_page_with_room_to_sign(
    printed: dict[tuple[str, str], Printed], name: str, lang: str
) -> None:
    """All signers on one page; above each signer's label, at least 2 cm of blank space."""
    plan = printed[(name, lang)]
    w = words(lang)
    juvenile = "juvenil" in name
    signers = (
        [w["signature_adolescent"], w["signature_guardian"], w["signature_officer"]]
        if juvenile
        else [w["signature_person"], w["signature_officer"]]
    )
    flat = [" ".join(page.split()) for page in plan.pages]
    holding = [i for i, page in enumerate(flat) if all(s in page for s in signers)]
    assert holding, f"the signers are not all on one page: {signers}"
    page = holding[-1]
    assert w["agreement"] in flat[page]
    if juvenile:
        assert w["relationship"] in flat[page]
    first_word = w["signature_officer"].split()[0]
    labels = [b for b in plan.boxes[page] if b[0] == first_word]
    assert len(labels) >= len(signers)
    for label, x, top, _ in labels:
        above = [
            bottom
            for _, bx, _, bottom in plan.boxes[page]
            if bottom <= top and x - 5 <= bx <= x + 200
        ]
        gap = top - max(above)
        assert gap >= ROOM, f"only {gap / 72 * 2.54:.1f} cm to sign above {label!r} at x={x:.0f}"
