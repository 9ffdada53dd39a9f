"""The garbage collections the service makes between requests (rnr.service.collector)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator, MutableMapping
from typing import Any

import pytest
from servicekit import client_for

from rnr.service import collector
from rnr.service.collector import YOUNG, Collector, collect_between


@pytest.fixture
def thresholds() -> Iterator[None]:
    """The collector's thresholds and state, restored after the test; counts start at 0."""
    kept, enabled = gc.get_threshold(), gc.isenabled()
    gc.collect()  # a full walk leaves every generation's count at 0
    try:
        yield
    finally:
        gc.set_threshold(*kept)
        (gc.enable if enabled else gc.disable)()


def _young(count: int) -> list[list[int]]:
    """``count`` new container objects, kept alive by the caller."""
    return [[n] for n in range(count)]


@pytest.mark.usefixtures("thresholds")
def test_a_young_generation_past_its_share_is_walked_now() -> None:
    gc.set_threshold(1_000_000, 1_000, 1_000)
    held = _young(YOUNG + 2_000)
    assert len(gc.get_objects(0)) > YOUNG
    assert collect_between() == 0
    assert len(gc.get_objects(0)) < YOUNG  # the survivors moved on
    assert collect_between() is None  # nothing near: nothing walked
    assert held


@pytest.mark.usefixtures("thresholds")
def test_a_few_young_objects_are_left_for_later() -> None:
    gc.set_threshold(1_000_000, 10, 10)
    held = _young(YOUNG // 2)
    assert collect_between() is None
    assert held


@pytest.mark.usefixtures("thresholds")
def test_nothing_is_walked_while_the_collector_is_disabled() -> None:
    gc.set_threshold(1_000_000, 10, 10)
    gc.disable()
    held = _young(YOUNG + 2_000)
    assert collect_between() is None
    gc.set_threshold(0, 10, 10)  # a threshold of 0 also disables it
    gc.enable()
    assert collect_between() is None
    assert held


@pytest.mark.usefixtures("thresholds")
def test_the_middle_generation_goes_with_the_walk_when_due() -> None:
    """As the collector chooses: the middle generation once the young one was walked more
    times than its threshold since. The oldest is left to the collector's own rule."""
    gc.set_threshold(1_000_000, 2, 1)
    held: list[Any] = []
    walked = []
    for _ in range(12):
        held.append(_young(YOUNG + 1_000))
        walked.append(collect_between())
    assert walked == [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]
    assert gc.get_count()[2] == 3, "the oldest generation's walk is due, and left to it"


def _app(raising: bool) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if raising:
            raise RuntimeError("boom")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    return app


@pytest.mark.parametrize("raising", [False, True])
def test_the_middleware_collects_after_each_response(
    monkeypatch: pytest.MonkeyPatch, raising: bool
) -> None:
    events: list[str] = []
    monkeypatch.setattr(collector, "collect_between", lambda: events.append("collected"))

    async def send(message: MutableMapping[str, Any]) -> None:
        events.append(message["type"])

    async def receive() -> MutableMapping[str, Any]:
        return {"type": "http.request", "body": b""}

    middleware = Collector(_app(raising))
    if raising:
        with pytest.raises(RuntimeError):
            asyncio.run(middleware({"type": "http"}, receive, send))
        assert events == ["collected"]
    else:
        asyncio.run(middleware({"type": "http"}, receive, send))
        assert events == ["http.response.start", "http.response.body", "collected"]
    events.clear()
    asyncio.run(Collector(_app(False))({"type": "websocket"}, receive, send))
    assert "collected" not in events  # not an HTTP request


def test_no_walk_while_another_request_is_under_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two requests at once: the first to end leaves the other under way, and no walk."""
    events: list[str] = []
    monkeypatch.setattr(collector, "collect_between", lambda: events.append("collected"))
    release = asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["path"] == "/slow":
            await release.wait()
        events.append(f"{scope['path']} done")

    async def both() -> None:
        middleware = Collector(app)
        slow = asyncio.create_task(middleware({"type": "http", "path": "/slow"}, None, None))
        await asyncio.sleep(0)
        await middleware({"type": "http", "path": "/quick"}, None, None)
        assert middleware.under_way == 1
        release.set()
        await slow
        assert middleware.under_way == 0

    asyncio.run(both())
    assert events == ["/quick done", "/slow done", "collected"]


def test_the_service_collects_once_each_answer_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[None] = []
    monkeypatch.setattr(collector, "collect_between", lambda: calls.append(None))
    with client_for() as client:
        before = len(calls)
        for _ in range(3):
            assert client.get("/health").status_code == 200
        assert client.get("/v1/nowhere").status_code == 404
        assert len(calls) - before == 4
