"""The screenshots of docs/workspace.md, taken in a real browser from the demo's workspace.

The same server and browser as ``test_workspace_browser.py`` (uvicorn in a
thread, the system's headless ``chromium``; in CI a missing browser fails),
over a demo store (:func:`rnr.workspace.demo.demo_store`: 300 simulated
people ending on the test's day). A delegado, a supervisor and an analyst
sign in and each main screen is photographed as the documentation shows it.
The images go to a temporary folder, where the test checks that each is a
PNG of the browser's viewport; with ``RNR_SCREENS=DIR`` they are written there
instead, which is how ``docs/img/`` is made again::

    RNR_SCREENS=docs/img python -m pytest tests/test_workspace_screens.py

Every screenshot the documentation shows is one this test takes, so a
screen that is renamed or removed cannot leave a stale picture behind.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import test_workspace_browser as kit

from rnr.store import SQLiteStore
from rnr.workspace.demo import demo_store

browser = kit.browser

#: The demo's last day (the workspace's today).
DAY = dt.date(2026, 3, 2)
#: The demo account of each screen of a case (no unit: every case).
DELEGADO = "delegada.demo"
#: The window the screens are taken in.
WIDTH, HEIGHT = 1280, 900
DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, SQLiteStore, dict[str, str]]]:
    """The workspace over a demo store of 300 people; its accounts' passwords by name."""
    store = SQLiteStore(tmp_path_factory.mktemp("screens") / "demo.sqlite3")
    passwords = {a.name: a.password for a in demo_store(store, people=300, today=DAY)}
    try:
        with kit.serving(store, DAY) as base:
            yield base, store, passwords
    finally:
        store.close()


def _sign_in(driver: Any, base: str, name: str, password: str) -> None:
    from selenium.webdriver.common.by import By  # noqa: PLC0415

    driver.delete_all_cookies()
    driver.get(base + "/espacio/entrar")
    kit._page(driver, "Iniciar sesión")
    driver.find_element(By.ID, "usuario").send_keys(name)
    driver.find_element(By.ID, "clave").send_keys(password)
    driver.find_element(By.ID, "clave").submit()
    kit._wait(driver, lambda d: "/entrar" not in d.current_url)


def _size(png: bytes) -> tuple[int, int]:
    """The width and height a PNG's header states."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _a_case(store: SQLiteStore) -> str:
    """An open case of the delegado's unit with a plan and at least two assessments."""
    from rnr.history.read import read_history  # noqa: PLC0415

    for case_id in sorted(store.case_ids()):
        history = read_history(store, case_id)
        if len(history.assessments) >= 2 and history.plans and history.closed_on() is None:
            return case_id
    pytest.fail("the demo store has no case assessed twice")


def test_the_screens_of_the_documentation(
    demo: tuple[str, SQLiteStore, dict[str, str]], browser: Any, tmp_path: Path
) -> None:
    """Each main screen, as each role sees it; the pictures the documentation shows."""
    base, store, passwords = demo
    folder = Path(os.environ.get("RNR_SCREENS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(WIDTH, HEIGHT)
    case_id = _a_case(store)
    screens: list[tuple[str, str, str, str]] = [
        # (file, who signs in ("": nobody), the page, the start of its title)
        ("workspace-entrar.png", "", "/espacio/entrar", "Iniciar sesión"),
        ("workspace-casos.png", DELEGADO, "/espacio/?orden=atraso&dir=desc", "Casos abiertos"),
        ("workspace-evaluacion.png", DELEGADO, "/espacio/evaluar?instrumento=lscmi", "Nueva"),
        ("workspace-caso.png", DELEGADO, f"/espacio/casos/{case_id}", "Caso"),
        ("workspace-decision.png", DELEGADO, f"/espacio/casos/{case_id}/decision", "Decisión"),
        ("workspace-pii.png", DELEGADO, f"/espacio/casos/{case_id}/pii", "PII"),
        ("workspace-historia.png", DELEGADO, f"/espacio/casos/{case_id}/historia", "Historia"),
        ("workspace-unidad.png", "supervisora.demo", "/espacio/unidad", "Resumen"),
        ("workspace-indicadores.png", "analista.demo", "/espacio/informes/indicadores", "Indic"),
    ]
    signed = None
    taken = []
    for name, who, path, title in screens:
        if who != signed:
            if who:
                _sign_in(browser, base, who, passwords[who])
            else:
                browser.delete_all_cookies()
            signed = who
        browser.get(base + path)
        kit._page(browser, title)
        if "informes" in path:  # a report being prepared asks again by itself
            kit._wait(browser, lambda d: not d.find_elements("css selector", "p.notice"))
        png = browser.get_screenshot_as_png()
        view = browser.execute_script("return [window.innerWidth, window.innerHeight]")
        assert tuple(view) == _size(png), name  # the page as a person sees it, and no more
        (folder / name).write_bytes(png)
        taken.append(name)
    assert [] == kit._policy_violations(browser)
    shown = set(re.findall(r"img/(workspace-[a-z-]+\.png)", (DOCS / "workspace.md").read_text()))
    assert shown == set(taken), "docs/workspace.md shows exactly the screens taken here"
    for name in shown:
        assert (DOCS / "img" / name).is_file(), f"docs/img/{name} is missing: see this module"
