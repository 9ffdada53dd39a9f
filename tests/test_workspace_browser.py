"""The workspace in a real browser: headless Chromium driven by Selenium, on a real uvicorn server.

The server runs in a thread of the test process over an SQLite store in a
temporary folder; the browser is the system's ``chromium`` with its
``chromedriver`` (Debian: ``apt-get install chromium chromium-driver``).
``.ci/run`` installs both; in CI (``CI=true``) a missing browser or driver
fails these tests instead of skipping them.

A person signs in with the keyboard alone, records an LS/CMI assessment with
one item omitted (the script's running total shows the provisional range
as the answers are given), saves it and sees the decision with its
provisional range; an analyst is refused a case. No page of the walk breaks
its Content-Security-Policy (the browser's console says so).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from workspacekit import CASE, OMITTED, PASSWORD, TODAY, accounts

from rnr.history.access import access_log
from rnr.history.memo import SHARED
from rnr.history.read import read_history
from rnr.store import SQLiteStore
from rnr.workspace import create_workspace

#: Where Debian puts the browser and its driver.
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver",)
#: Seconds a page may take to show what a test waits for.
WAIT = 20


def _required() -> bool:
    return os.environ.get("CI") == "true" or os.environ.get("RNR_REQUIRE_BROWSER") == "1"


def _missing(reason: str) -> None:
    """Skip saying what is missing; in CI, fail."""
    if _required():
        pytest.fail(reason)
    pytest.skip(reason)


def _tools() -> tuple[str, str]:
    browser = next((p for p in map(shutil.which, BROWSERS) if p), None)
    driver = next((p for p in map(shutil.which, DRIVERS) if p), None)
    if browser is None or driver is None:
        _missing(
            "chromium and chromedriver are needed for the browser tests: "
            "apt-get install chromium chromium-driver (CI installs them in .ci/run)"
        )
    assert browser is not None
    assert driver is not None
    return browser, driver


@contextlib.contextmanager
def serving(store: SQLiteStore, today: dt.date = TODAY) -> Iterator[str]:
    """The workspace on uvicorn over ``store``, in a thread; its address."""
    uvicorn = pytest.importorskip("uvicorn")
    app = create_workspace(store=store, today=lambda: today, replays=SHARED)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(WAIT)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, SQLiteStore]]:
    """The workspace on uvicorn, in a thread, over a new SQLite store with the test accounts."""
    store = SQLiteStore(tmp_path_factory.mktemp("browser") / "store.sqlite3")
    accounts(store)
    try:
        with serving(store) as base:
            yield base, store
    finally:
        store.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """A headless Chromium, fresh for each test (no cookie carried over)."""
    path, driver_path = _tools()
    try:
        from selenium import webdriver  # noqa: PLC0415 - only when a browser is there
        from selenium.webdriver.chrome.options import Options  # noqa: PLC0415
        from selenium.webdriver.chrome.service import Service  # noqa: PLC0415
    except ModuleNotFoundError:
        _missing("selenium is needed for the browser tests: pip install '.[test]'")
    options = Options()
    options.binary_location = path
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
        "--lang=es-CL",  # the language of a delegado's browser in Chile
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: Any, what: Any) -> Any:
    """Wait until ``what(driver)`` holds (an element of the page before it may go stale)."""
    from selenium.common.exceptions import StaleElementReferenceException  # noqa: PLC0415
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    waiting = WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,))
    return waiting.until(what)


def _follow(driver: Any, element: Any) -> None:
    """Click ``element`` (a link or a submit button) and wait until its page is gone.

    The next page may bear the same title (a form that comes back to itself),
    so waiting for a title alone could find the old page's elements.
    """
    from selenium.common.exceptions import (  # noqa: PLC0415
        StaleElementReferenceException,
        WebDriverException,
    )
    from selenium.webdriver.common.by import By  # noqa: PLC0415

    old = driver.find_element(By.TAG_NAME, "html")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()

    def gone(_: Any) -> bool:
        """Selenium's ``staleness_of``, and chromedriver's other word for it mid-navigation."""
        try:
            old.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as e:
            if "does not belong to the document" in str(e.msg):
                return True
            raise
        return False

    _wait(driver, gone)


def _page(driver: Any, title: str) -> None:
    """Wait for the page whose title starts with ``title`` to be loaded."""
    _wait(
        driver,
        lambda d: (
            d.title.startswith(title)
            and d.execute_script("return document.readyState") == "complete"
        ),
    )


def _policy_violations(driver: Any) -> list[str]:
    """The console's messages about the Content-Security-Policy (none is expected)."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
    ]


def _sign_in_with_the_keyboard(driver: Any, base: str, name: str, landing: str) -> None:
    """Tab to each field, type, and press Enter: no mouse; wait for the page ``landing``."""
    from selenium.webdriver.common.action_chains import ActionChains  # noqa: PLC0415
    from selenium.webdriver.common.keys import Keys  # noqa: PLC0415

    driver.get(base + "/espacio/")
    _page(driver, "Iniciar sesión")
    keys = ActionChains(driver)
    keys.send_keys(Keys.TAB)  # the skip link comes first
    keys.perform()
    assert "skip" == driver.switch_to.active_element.get_attribute("class")
    outline = driver.switch_to.active_element.value_of_css_property("outline-style")
    assert "none" != outline, "the focused link shows no outline"
    # the brand link, then the user name field
    ActionChains(driver).send_keys(Keys.TAB, Keys.TAB).perform()
    assert "usuario" == driver.switch_to.active_element.get_attribute("id")
    ActionChains(driver).send_keys(name, Keys.TAB, PASSWORD, Keys.ENTER).perform()
    _page(driver, landing)


def test_a_delegado_records_an_lscmi_assessment_with_one_omission(
    served: tuple[str, SQLiteStore], browser: Any
) -> None:
    """Sign in, fill LS/CMI with one item omitted, see the range, save, see the decision."""
    from selenium.webdriver.common.by import By  # noqa: PLC0415
    from selenium.webdriver.support.ui import Select  # noqa: PLC0415

    base, store = served
    _sign_in_with_the_keyboard(browser, base, "ana", "Casos abiertos")
    _follow(browser, browser.find_element(By.LINK_TEXT, "Nueva evaluación"))
    _page(browser, "Nueva evaluación")
    _follow(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "LS/CMI"))
    _page(browser, "Nueva evaluación · ")
    running = browser.find_element(By.ID, "running")
    assert "sin responder: 50" in running.text  # the script is running: 50 items to answer
    browser.find_element(By.ID, "f-case_id").send_keys("c-navegador")
    date = browser.find_element(By.ID, "f-assessed_on")
    browser.execute_script("arguments[0].value = arguments[1]", date, CASE["assessed_on"])
    Select(browser.find_element(By.ID, "f-person-sex")).select_by_value("male")
    for item, answer in CASE["responses"].items():
        value = "omitted" if item == OMITTED else ("true" if answer else "false")
        choice = browser.find_element(By.ID, f"f-r-{item}-{value}")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", choice)
        choice.click()
    text = running.text
    assert "provisional, entre" in text, text
    assert "sin responder" not in text, text
    Select(browser.find_element(By.ID, "f-legal-sanction")).select_by_value("LV")
    browser.find_element(By.ID, "f-legal-sentence_days").send_keys("900")
    for name, on in (("sentence_date", "2025-01-02"), ("entry_date", "2025-01-08")):
        field = browser.find_element(By.ID, f"f-legal-{name}")
        browser.execute_script("arguments[0].value = arguments[1]", field, on)
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "button[value=guardar]"))
    _page(browser, "Decisión")
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Evaluación registrada." in page
    assert "Resultado provisional." in page
    assert "Con el ítem omitido, el puntaje estaría entre" in page
    assert "Problema con drogas actual" in page
    assert "Nivel de riesgo" in page
    assert "Ley 18.216" in page
    history = read_history(store, "c-navegador")
    assert (OMITTED,) == history.assessments[0].result.omitted
    assert "crs-1" == history.unit
    assert [] == _policy_violations(browser)


def test_an_analyst_cannot_open_a_case(served: tuple[str, SQLiteStore], browser: Any) -> None:
    """An analyst signs in, sees no case, and is refused a case page; the refusal is logged."""
    from selenium.webdriver.common.by import By  # noqa: PLC0415

    base, store = served
    _sign_in_with_the_keyboard(browser, base, "alba", "Inicio")
    home = browser.find_element(By.TAG_NAME, "main").text
    assert "analista" in home
    browser.get(base + "/espacio/casos/c-navegador")
    _page(browser, "Sin permiso")
    assert "Sin permiso" == browser.find_element(By.TAG_NAME, "h1").text
    refused = [
        e.access
        for e in access_log(store)
        if e.access.by == "alba" and e.access.action == "workspace.case"
    ]
    assert [403] == [a.status for a in refused]
    assert [] == _policy_violations(browser)
