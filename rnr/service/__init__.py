"""The HTTP service: a JSON API over the library, a face like the command line.

``create_app()`` builds the ASGI application ``rnr serve`` runs (it needs the
``service`` extra: FastAPI and uvicorn). See ``docs/service.md``.
"""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "MAX_BODY": "rnr.service.app",
    "create_app": "rnr.service.app",
}

__all__ = ["MAX_BODY", "create_app"]

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.service.app import MAX_BODY as MAX_BODY
    from rnr.service.app import create_app as create_app
