"""An agency's own reliability figures, read from a ``rnr.reliability/1`` file.

The shipped instruments declare no reliability figures (none was checked
against a primary source), so the Reliable Change Index needs the figures of
the agency's own validation study. They can go into a new version of the
instrument file, or into a small file passed to ``rnr case change
--reliability`` (its ``scales`` go to :func:`rnr.change.between` as ``reliability=``):

.. code-block:: toml

    schema = "rnr.reliability/1"
    instrument = "lscmi"
    [scales.total]
    sd = 7.9
    r = 0.88
    source = "Estudio de validación local, 2025 (n = 1.240; test-retest a 3 meses)"
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import attrs

from rnr._frozen import frozen_map
from rnr.definitions._toml import read_definition
from rnr.definitions.instrument import Reliability
from rnr.errors import InvalidArgumentError

__all__ = ["ReliabilityFile", "check_reliability", "load_reliability"]


@attrs.frozen
class ReliabilityFile:
    """Reliability figures per scale id of one instrument."""

    instrument: str
    scales: Mapping[str, Reliability] = attrs.field(converter=frozen_map)


def load_reliability(path: str | Path) -> ReliabilityFile:
    """Read and check a ``rnr.reliability/1`` file.

    Raises:
        DefinitionError: a malformed file, naming the file, the dotted path,
            the value and what was expected.
    """
    path = Path(path)
    check, doc = read_definition(
        path, "rnr.reliability/1", required=("schema", "instrument", "scales")
    )
    instrument = check.want_str(doc, "instrument", "") or ""
    out: dict[str, Reliability] = {}
    scales = doc.get("scales")
    if not isinstance(scales, dict) or not scales:
        check.fail("scales", scales, "a table of [scales.<id>] with sd, r and source")
        scales = {}
    for scale, entry in scales.items():
        where = f"scales.{scale}"
        if check.table(entry, where, required=("sd", "r", "source"), optional=("status",)) is None:
            continue
        sd = check.want_number(entry, "sd", where)
        r = check.want_number(entry, "r", where)
        source = check.want_str(entry, "source", where)
        status = check.want_str(entry, "status", where) or "validated"
        if sd is None or r is None or source is None:
            continue
        figures = Reliability(sd=sd, r=r, source=source, status=status)
        try:
            check_reliability(figures, argument=where)
        except InvalidArgumentError as exc:
            check.fail(exc.argument, exc.value, exc.expected)
            continue
        out[scale] = figures
    return check.checked(ReliabilityFile(instrument, out), str(path))


def check_reliability(reliability: Reliability, *, argument: str = "reliability") -> None:
    """Refuse figures the index cannot use.

    Raises:
        InvalidArgumentError: ``sd`` is not positive or ``r`` is outside ``[0, 1)``.
    """
    if not isinstance(reliability, Reliability):
        raise InvalidArgumentError(argument, reliability, "a Reliability(sd, r, source)")
    if not (isinstance(reliability.sd, int | float) and reliability.sd > 0):
        raise InvalidArgumentError(
            f"{argument}.sd", reliability.sd, "a positive standard deviation"
        )
    if not (isinstance(reliability.r, int | float) and 0 <= reliability.r < 1):
        raise InvalidArgumentError(
            f"{argument}.r", reliability.r, "a reliability coefficient in [0, 1)"
        )
