"""The browser workspace: server-rendered pages for delegados, on the HTTP service.

``create_workspace()`` builds the application ``rnr serve`` runs: the JSON
API of :mod:`rnr.service` with the workspace's pages under ``/espacio``
(sign in, the caseload, a case's history, the assessment form, the decision
and the PII draft). It needs the ``service`` extra (FastAPI, uvicorn,
argon2-cffi, itsdangerous). See ``docs/workspace.md``.
"""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "PREFIX": "rnr.workspace.pages",
    "create_workspace": "rnr.workspace.app",
}

__all__ = ["PREFIX", "create_workspace"]

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.workspace.app import create_workspace as create_workspace
    from rnr.workspace.pages import PREFIX as PREFIX
