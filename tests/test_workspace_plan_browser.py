"""The PII in a real browser: assess, decide, edit the PII, print it to PDF, record a review.

Headless Chromium (the system's, through Selenium) on the same server as
``test_workspace_browser.py`` (its fixtures). The print view is printed by the
browser itself (DevTools ``Page.printToPDF``, Selenium's ``print_page``), saved,
and read back with ``pdftotext``: every page says BORRADOR and its number,
and the objectives of the edited plan are there. In CI (``CI=true``) a missing
browser, driver or ``pdftotext`` fails instead of skipping.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from test_workspace_browser import (
    _follow,
    _missing,
    _page,
    _policy_violations,
    _sign_in_with_the_keyboard,
    browser,
    served,
)
from workspacekit import CASE, OMITTED

from rnr.history.definitions import Definitions
from rnr.history.read import read_history
from rnr.store import SQLiteStore

__all__ = ["browser", "served"]  # the fixtures, shared with the first browser tests


def _assess(driver: Any, case_id: str) -> None:
    """Fill the LS/CMI form with one item omitted, see the provisional range, save it."""
    from selenium.webdriver.common.by import By  # noqa: PLC0415
    from selenium.webdriver.support.ui import Select  # noqa: PLC0415

    _follow(driver, driver.find_element(By.LINK_TEXT, "Nueva evaluación"))
    _page(driver, "Nueva evaluación")
    _follow(driver, driver.find_element(By.PARTIAL_LINK_TEXT, "LS/CMI"))
    _page(driver, "Nueva evaluación · ")
    driver.find_element(By.ID, "f-case_id").send_keys(case_id)
    date = driver.find_element(By.ID, "f-assessed_on")
    driver.execute_script("arguments[0].value = arguments[1]", date, CASE["assessed_on"])
    Select(driver.find_element(By.ID, "f-person-sex")).select_by_value("male")
    for item, answer in CASE["responses"].items():
        value = "omitted" if item == OMITTED else ("true" if answer else "false")
        choice = driver.find_element(By.ID, f"f-r-{item}-{value}")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", choice)
        choice.click()
    assert "provisional, entre" in driver.find_element(By.ID, "running").text
    Select(driver.find_element(By.ID, "f-legal-sanction")).select_by_value("LV")
    driver.find_element(By.ID, "f-legal-sentence_days").send_keys("900")
    for name, on in (("sentence_date", "2025-01-02"), ("entry_date", "2025-01-08")):
        field = driver.find_element(By.ID, f"f-legal-{name}")
        driver.execute_script("arguments[0].value = arguments[1]", field, on)
    _follow(driver, driver.find_element(By.CSS_SELECTOR, "button[value=guardar]"))
    _page(driver, "Decisión")


def _pdf_pages(driver: Any, path: Path) -> list[str]:
    """Print the page open in ``driver`` to ``path`` (DevTools printToPDF); its pages' text."""
    from selenium.webdriver.common.print_page_options import PrintOptions  # noqa: PLC0415

    if shutil.which("pdftotext") is None:
        _missing("pdftotext is needed to read the printed PII: apt-get install poppler-utils")
    options = PrintOptions()
    options.background = True
    path.write_bytes(base64.b64decode(driver.print_page(options)))
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_a_delegado_edits_prints_and_reviews_the_pii(
    served: tuple[str, SQLiteStore], browser: Any, tmp_path: Path
) -> None:
    """Sign in, assess with one omission, decide, reorder the PII, print it, record a review."""
    from selenium.webdriver.common.by import By  # noqa: PLC0415
    from selenium.webdriver.support.ui import Select  # noqa: PLC0415

    base, store = served
    defs = Definitions.shipped()
    _sign_in_with_the_keyboard(browser, base, "ana", "Casos abiertos")
    _assess(browser, "c-pii")
    assert "Con el ítem omitido, el puntaje estaría entre" in browser.page_source
    _follow(browser, browser.find_element(By.LINK_TEXT, "Ver el PII"))
    _page(browser, "PII")
    _follow(browser, browser.find_element(By.LINK_TEXT, "Editar el PII"))
    _page(browser, "Editar el PII")
    before = [o.id for o in read_history(store, "c-pii", defs=defs).plan.objectives]  # type: ignore[union-attr]
    down = browser.find_element(By.CSS_SELECTOR, f"button[value='bajar:{before[0]}']")
    _follow(browser, down)
    _page(browser, "Editar el PII")
    notes = browser.find_element(By.ID, "notas")
    notes.send_keys("Acordado con la persona en la entrevista.")
    _follow(browser, browser.find_elements(By.CSS_SELECTOR, "button[value=guardar]")[-1])
    _page(browser, "PII")
    assert "PII guardado" in browser.find_element(By.TAG_NAME, "main").text
    history = read_history(store, "c-pii", defs=defs)
    plan = history.plan
    assert plan is not None
    assert list(reversed(before)) == [o.id for o in plan.objectives]
    assert "Acordado con la persona en la entrevista." == history.plans[-1].notes

    browser.get(base + "/espacio/casos/c-pii/pii/imprimir")
    _wait_loaded(browser)
    pages = _pdf_pages(browser, tmp_path / "pii.pdf")
    assert len(pages) >= 2, "the PII prints on more than one page"
    for number, page in enumerate(pages, start=1):
        assert "BORRADOR" in page, f"page {number} has no BORRADOR"
        assert re.search(rf"Página\s+{number}\s+de\s+{len(pages)}", page), f"page {number}"
    whole = re.sub(r"\s+", " ", " ".join(pages))
    for objective in plan.objectives:
        assert objective.title("es")[:40] in whole
    assert "Firma" in whole

    browser.get(base + "/espacio/casos/c-pii/pii/revisar")
    _page(browser, "Revisar el PII")
    Select(browser.find_element(By.ID, "s-1")).select_by_value("in_progress")
    browser.find_element(By.ID, "n-1").send_keys("Asiste a las sesiones.")
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "p.submit button"))
    _page(browser, "PII")
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Revisión registrada" in main
    assert "Asiste a las sesiones." in main
    assert "in_progress" == read_history(store, "c-pii", defs=defs).plan.objectives[0].status  # type: ignore[union-attr]
    assert [] == _policy_violations(browser)


def _wait_loaded(driver: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
