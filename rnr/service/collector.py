"""Python's garbage collections between requests, not inside them.

Python's cyclic collector walks the youngest generation when more objects
have been made than let go since its last walk (the first of
:func:`gc.get_threshold`; ``rnr serve`` raises it to 50,000:
:data:`rnr.cli.app.GC_THRESHOLD`), and an older generation every so many
walks of the one below. A walk takes time in proportion to the objects it
walks, and it happens inside whichever request made the object that tipped
the count: on the benchmark's 100,000-person store, a walk of 50,000 young
objects took 18 to 38 ms, once in about forty single reassessments, and up
to 300 ms once a shared memo of replays was full (docs/performance.md, "The
collector between requests").

:class:`Collector` (an ASGI middleware around the whole application) makes,
once a response has been sent and no other request is under way, the walk
the collector would have made inside a later request, as soon as the
youngest generation holds more than :data:`YOUNG` objects
(:func:`collect_between`; the oldest generation stays the collector's
own): smaller walks, made while no request waits. A request arriving
meanwhile waits for the walk, as it would wait for any other request of
the process. Under Python's own thresholds the collector usually walks the
young objects long before there are so many; under a steady load, with
requests always under way, it makes its walks as before. Its own
thresholds still stand behind this, for a request that makes many objects
by itself (a report over a whole store). Nothing changes when the
collector is disabled.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the shapes alone: collect_between needs no service extra
    from rnr.service.guard import ASGIApp, Receive, Scope, Send

__all__ = ["YOUNG", "Collector", "collect_between"]

#: Between requests, the youngest generation is walked once it holds more objects than
#: this (a walk of 1.5 to 9 ms; a fifth of ``rnr serve``'s threshold). A fifth of Python's own
#: threshold, a walk after nearly every response, cost a tenth of the plans 10 clients
#: were served and doubled their 99th percentile (docs/performance.md).
YOUNG = 10_000


def collect_between() -> int | None:
    """Make now the walk the collector would soon make inside a request, if it is near.

    The young objects are counted themselves (a tenth of a millisecond for
    10,000): the collector's own count, objects made less objects let go,
    falls behind them when old objects are let go, as a shared memo of
    replays lets its oldest values go once full, and the young generation
    then grew to 390,000 objects, a walk of 300 ms. The middle generation
    goes with it when its walk is due, as the collector chooses (when the
    young one has been walked more times than its threshold since).

    The oldest generation is left to the collector, which walks it only
    when the objects moved into it since its last walk pass a quarter of
    those it holds, a count Python does not show: a walk of the whole
    process made whenever its threshold said would come more often.

    Returns:
        The generation walked (0 or 1), or ``None`` when none was near or
        the collector is disabled.
    """
    young, middle, _ = gc.get_threshold()
    if not gc.isenabled() or young == 0 or len(gc.get_objects(0)) <= YOUNG:
        return None
    generation = 1 if gc.get_count()[1] > middle else 0
    gc.collect(generation)
    return generation


class Collector:
    """ASGI middleware: after an HTTP response that leaves no other under way, a walk.

    While other requests are under way, a walk would keep them waiting and
    move their objects, which would soon be let go, into the older
    generations: the collector makes its own walks then, as without this.
    The count of requests under way is only touched on the event loop.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.under_way = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.under_way += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.under_way -= 1
            if self.under_way == 0:
                collect_between()
