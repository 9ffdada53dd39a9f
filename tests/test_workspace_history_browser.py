"""The history and analyst pages in a real browser: headless Chromium driven by Selenium.

The same server and browser as ``test_workspace_browser.py`` (its fixtures:
uvicorn in a thread over an SQLite store, the system's ``chromium`` and
``chromedriver``; in CI, ``CI=true``, a missing browser fails instead of
skipping). A delegado signs in with the keyboard, opens a case with two
assessments, goes to its history and sees the change between them and the
trajectory chart (its title and description, a point per assessment, the
same figures as a table); an analyst signs in, opens the indicators report,
and cannot open a case. No page breaks its Content-Security-Policy.
"""

from __future__ import annotations

from typing import Any

import test_workspace_browser as kit
from test_workspace_history import _two_assessments

from rnr.history.access import access_log
from rnr.store import SQLiteStore

#: The fixtures of the browser tests: the server over its store, and a fresh browser.
served = kit.served
browser = kit.browser


def test_a_delegado_sees_the_change_and_the_trajectory(
    served: tuple[str, SQLiteStore], browser: Any
) -> None:
    """A case assessed twice: the history page shows the change, the chart and its table."""
    from selenium.webdriver.common.by import By  # noqa: PLC0415

    base, store = served
    _two_assessments(store, "c-trayectoria")
    kit._sign_in_with_the_keyboard(browser, base, "ana", "Casos abiertos")
    browser.get(base + "/espacio/casos/c-trayectoria")
    kit._page(browser, "Caso c-trayectoria")
    kit._follow(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "historia completa"))
    kit._page(browser, "Historia · caso c-trayectoria")
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Del 10-01-2025 al 25-01-2025 (15 días)" in page
    assert "Cambio confiable" in page
    assert "Medio → Bajo" in page
    chart = browser.find_element(By.CSS_SELECTOR, "figure.trajectory svg")
    assert chart.is_displayed()
    assert chart.size["width"] > 300
    assert "img" == chart.get_attribute("role")
    title = browser.find_element(By.ID, "trayectoria-t").get_attribute("textContent")
    assert "Puntaje total de LS/CMI" in title
    desc = browser.find_element(By.ID, "trayectoria-d").get_attribute("textContent")
    assert "2 evaluaciones" in desc
    assert 2 == len(chart.find_elements(By.TAG_NAME, "circle"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#h-trajectory ~ table tbody tr")
    assert ["10-01-2025", "25-01-2025"] == [r.text.split()[0] for r in rows]
    assert [] == kit._policy_violations(browser)
    logged = [
        e.access.status
        for e in access_log(store)
        if e.access.action == "workspace.history" and e.access.case_id == "c-trayectoria"
    ]
    assert [200] == logged


def test_an_analyst_reads_the_indicators_and_cannot_open_a_case(
    served: tuple[str, SQLiteStore], browser: Any
) -> None:
    """An analyst opens the indicators report from the navigation; a case page is refused."""
    from selenium.webdriver.common.by import By  # noqa: PLC0415

    base, store = served
    if "c-analista" not in store.case_ids():
        _two_assessments(store, "c-analista")
    kit._sign_in_with_the_keyboard(browser, base, "alba", "Inicio")
    kit._follow(browser, browser.find_element(By.LINK_TEXT, "Indicadores"))
    kit._page(browser, "Indicadores de programa")
    # a report not made at once is being prepared: the page asks again by itself until it is
    kit._wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "p.notice"))
    assert browser.find_elements(By.CSS_SELECTOR, "div.report h2")
    report = browser.find_element(By.TAG_NAME, "main").text
    assert "Indicadores de programa · 2024" in report
    assert "c-analista" not in report
    browser.get(base + "/espacio/casos/c-analista")
    kit._page(browser, "Sin permiso")
    assert "Sin permiso" == browser.find_element(By.TAG_NAME, "h1").text
    browser.get(base + "/espacio/casos/c-analista/historia")
    kit._page(browser, "Sin permiso")
    refused = [
        (e.access.action, e.access.status)
        for e in access_log(store)
        if e.access.by == "alba" and e.access.case_id == "c-analista"
    ]
    assert [("workspace.case", 403), ("workspace.history", 403)] == refused
    assert [] == kit._policy_violations(browser)
