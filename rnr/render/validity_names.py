"""What a study's columns and values are called for the person who reads the report.

A CSV file's columns and values are the agency's own words and are shown as
written. A data set taken from the case store (``rnr validate --db``) names
them by id: the column ``score`` (the instrument's total), the outcome
column named after an event kind (``new_offence``), levels (``very_high``)
and group values (``male``, ``adult``). Its file is a
``service.store_selection`` message whose parameters say the store, the
instrument, the event, the follow-up window, the cases left out and the
last day followed; :class:`StudyNames` reads them and names each id in the
reader's words (the level's label, the event's name, the instrument's
abbreviation, the store's file name, the date as the reader writes it).

>>> from rnr.render.messages import catalogue
>>> from rnr.text import Message
>>> selection = Message("service.store_selection", {"store": "/datos/casos.db",
...     "instrument": "lscmi", "event": "new_offence", "months": 12, "excluded": 1,
...     "until": "2027-01-31"})
>>> names = StudyNames.from_selection(selection, catalogue("es"))
>>> names.column("score"), names.column("new_offence"), names.level("very_high")
('puntaje total', 'nuevo delito', 'Muy alto')
>>> names.value("sex", "female"), names.value("sanction", "LVI")
('mujeres', 'LVI')
>>> names.selection()  # doctest: +NORMALIZE_WHITESPACE
'registro de casos casos.db · LS/CMI, primera evaluación de cada caso, seguimiento de
 12 meses · 1 caso excluido por tener menos de 12 meses de seguimiento al 31-01-2027'
>>> StudyNames(catalogue("es")).column("reincide")
'reincide'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import attrs

from rnr._frozen import frozen_map
from rnr.render.messages import NONE, Catalogue
from rnr.render.names import instrument_name, level_name
from rnr.text import Message

if TYPE_CHECKING:
    from rnr.validity.study import Study

__all__ = ["STORE_SELECTION", "StudyNames"]

#: The code of the file of a data set taken from the case store (rnr.history.validity).
STORE_SELECTION = "service.store_selection"
#: The column of a store data set that holds each case's level.
LEVEL = "level"


@attrs.frozen
class StudyNames:
    """The names of a study's columns and values: as written, or named for a store's ids.

    Attributes:
        words: the reader's catalogue.
        selection_params: the parameters of the store selection (``None``: a CSV file).
    """

    words: Catalogue
    selection_params: Mapping[str, Any] | None = attrs.field(
        default=None, converter=attrs.converters.optional(frozen_map)
    )

    @classmethod
    def of(cls, study: Study | None, words: Catalogue) -> StudyNames:
        """The names of ``study`` (as written unless its file is a store selection)."""
        if study is None or isinstance(study.file, str):
            return cls(words)
        return cls.from_selection(study.file, words)

    @classmethod
    def from_selection(cls, file: Message, words: Catalogue) -> StudyNames:
        """The names of a data set whose file is ``file`` (a store selection or other words)."""
        if file.code != STORE_SELECTION:
            return cls(words)
        return cls(words, file.params)

    def _param(self, name: str) -> str | None:
        if self.selection_params is None:
            return None
        value = self.selection_params.get(name)
        return None if value is None else str(value)

    def column(self, column: str) -> str:
        """A column's name: a store's column by its name, an agency's as written."""
        if self.selection_params is None:
            return column
        if column == self._param("event"):
            key = f"history.ev_{column}"
        else:
            key = f"validity.store_columns.{column}"
        return self.words(key) if key in self.words else column

    def level(self, value: str) -> str:
        """A level as the reader calls it: a store's level by its label."""
        instrument = self._param("instrument")
        if instrument is None or value == NONE:
            return value
        return level_name(instrument, value, self.words.lang)

    def value(self, column: str, value: str) -> str:
        """A group value as the reader calls it: a store's ids by their names."""
        if self.selection_params is None:
            return value
        if column == LEVEL:
            return self.level(value)
        key = f"validity.store_values.{column}.{value}"
        return self.words(key) if key in self.words else value

    def selection(self) -> str | None:
        """The store and the selection taken from it, in words (``None`` for a CSV file)."""
        p = self.selection_params
        if p is None:
            return None
        instrument = str(p["instrument"])
        window = self.words("validity.window", count=p["months"])
        return self.words(
            "validity.store_file",
            count=p["excluded"],
            store=PurePath(str(p["store"])).name or str(p["store"]),
            instrument=instrument_name(instrument, self.words.lang),
            window=window,
            until=_date(p["until"]),
        )


def _date(value: object) -> object:
    """An ISO date given as text, as a date (so that it is written the reader's way)."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value
