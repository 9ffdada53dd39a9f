"""Load and validate ``rnr.instrument/1`` files.

>>> from rnr import load_instrument
>>> from rnr.definitions.library import data_dir
>>> psa = load_instrument(data_dir() / "instruments" / "psa" / "1.0.0.toml")
>>> psa.ref, psa.scales["fta"].range
('psa@1.0.0', (0, 7))
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from rnr.definitions._items import ItemParser
from rnr.definitions._toml import ID_PATTERN, canonical_hash, read_toml, show
from rnr.definitions.instrument import (
    OUTSIDE,
    SEXES,
    STATUSES,
    Band,
    Domain,
    Factor,
    Instrument,
    Item,
    Reliability,
    Scale,
    Status,
    Term,
)
from rnr.errors import InstrumentDefinitionError

__all__ = ["load_instrument", "parse_instrument"]

SCHEMA = "rnr.instrument/1"
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
TOP_REQUIRED = (
    "schema",
    "id",
    "version",
    "status",
    "effective_from",
    "license",
    "references",
    "primary_scale",
    "title",
    "population",
    "domains",
    "items",
    "scales",
)
TOP_OPTIONAL = (
    "effective_until",
    "notes",
    "norm_groups",
    "need_levels",
    "criminogenic_from",
    "terms",
)


def load_instrument(path: str | Path) -> Instrument:
    """Read, validate and build the instrument in ``path``.

    Raises:
        InstrumentDefinitionError: listing every problem with its dotted path.
    """
    path = Path(path)
    document = read_toml(path, InstrumentDefinitionError)
    return parse_instrument(document, source=str(path))


def parse_instrument(document: Mapping[str, Any], *, source: str = "<memory>") -> Instrument:
    """Build an instrument from an already-parsed TOML document."""
    parser = _Parser(source)
    return parser.checked(parser.parse(document), source, InstrumentDefinitionError)


def _span(items: Sequence[Item], terms: Sequence[Term], scale: str) -> tuple[int, int]:
    """The lowest and highest total that ``items`` and ``terms`` can give on ``scale``."""
    lo = sum(i.min_points(scale) for i in items) + sum(t.min_points(scale) for t in terms)
    hi = sum(i.max_points(scale) for i in items) + sum(t.max_points(scale) for t in terms)
    return lo, hi


class _Parser(ItemParser):
    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source
        self.primary = ""

    # -- top level -------------------------------------------------------
    def parse(self, doc: Mapping[str, Any]) -> Instrument | None:
        if self.top(doc, SCHEMA, required=TOP_REQUIRED, optional=TOP_OPTIONAL) is None:
            return None
        ident = self.want_str(doc, "id", "", pattern=ID_PATTERN, what="an id like 'lscmi'")
        version = self.want_str(doc, "version", "", pattern=SEMVER, what="a version like 1.0.0")
        self._check_file_name(ident, version)
        status = self.want_str(doc, "status", "", choices=STATUSES)
        effective_from, effective_until = self.effective(doc)
        license_ = self.want_str(doc, "license", "")
        references = self.want_list(doc, "references", "", of=str)
        if references is not None and not references:
            self.fail("references", references, "at least one reference")
        notes = self.want_list(doc, "notes", "", of=str) or []
        title = self._title(doc.get("title"))
        population = self._population(doc.get("population"))
        norm_groups = tuple(self.want_list(doc, "norm_groups", "", of=str) or ())
        self._unique(norm_groups, "norm_groups")
        need_levels = tuple(self.want_list(doc, "need_levels", "", of=str) or ())
        self._unique(need_levels, "need_levels")
        criminogenic_from = self.want_str(doc, "criminogenic_from", "")
        if criminogenic_from is not None and criminogenic_from not in need_levels:
            self.fail("criminogenic_from", criminogenic_from, "one of need_levels")
        if criminogenic_from is None and len(need_levels) >= 2:
            criminogenic_from = need_levels[1]

        scales_doc = doc.get("scales")
        if isinstance(scales_doc, dict) and scales_doc:
            self.scale_ids = tuple(scales_doc)
        else:
            self.fail("scales", scales_doc, "a table of scales keyed by scale id")
        primary = self.want_str(doc, "primary_scale", "")
        if primary is not None and primary not in self.scale_ids:
            self.fail("primary_scale", primary, "one of the scales: " + ", ".join(self.scale_ids))
        self.primary = primary or ""
        domain_docs = self._array_of_tables(doc, "domains")
        domain_ids = [
            self.want_str(d, "id", f"domains[{i}]", pattern=ID_PATTERN) for i, d in domain_docs
        ]
        self._unique([d for d in domain_ids if d], "domains", key="id")
        items = [
            self._item(d, f"items[{i}]", set(filter(None, domain_ids)))
            for i, d in self._array_of_tables(doc, "items")
        ]
        items_ok = [i for i in items if i is not None]
        item_map = {i.id: i for i in items_ok}
        terms = [
            self._term(d, f"terms[{i}]", set(filter(None, domain_ids)), item_map)
            for i, d in self._array_of_tables(doc, "terms", required=False)
        ]
        terms_ok = [t for t in terms if t is not None]
        self._unique([i.id for i in items_ok] + [t.id for t in terms_ok], "items/terms", key="id")

        domains = [
            self._domain(d, f"domains[{i}]", items_ok, terms_ok, need_levels)
            for i, d in domain_docs
        ]
        scales = {
            sid: self._scale(
                sdoc,
                path=f"scales.{sid}",
                sid=sid,
                items=items_ok,
                terms=terms_ok,
                norm_groups=norm_groups,
            )
            for sid, sdoc in (scales_doc.items() if isinstance(scales_doc, dict) else ())
        }
        if ident is not None and not items_ok and "items" in doc:
            self.note("items", "no valid item")
        if self.problems:
            return None
        return Instrument(
            id=cast(str, ident),
            version=cast(str, version),
            status=cast(Status, status),
            effective_from=cast(dt.date, effective_from),
            effective_until=effective_until,
            title=title,
            population=population,
            license=cast(str, license_),
            references=tuple(references or ()),
            notes=tuple(notes),
            primary_scale=cast(str, primary),
            norm_groups=norm_groups,
            need_levels=need_levels,
            criminogenic_from=criminogenic_from,
            domains=tuple(d for d in domains if d is not None),
            items=tuple(items_ok),
            terms=tuple(terms_ok),
            scales={k: v for k, v in scales.items() if v is not None},
            document=dict(doc),
            sha256=canonical_hash(doc),
            path=self.source,
        )

    def _check_file_name(self, ident: str | None, version: str | None) -> None:
        path = Path(self.source)
        if not SEMVER.match(path.stem) or ident is None or version is None:
            return
        if path.stem != version:
            self.fail("version", version, f"the file name's version {path.stem!r}")
        self.in_folder(self.source, ident)

    def _title(self, value: object) -> dict[str, str]:
        table = self.table(value, "title", required=("es", "en"))
        if table is None:
            return {}
        return {k: v for k in ("es", "en") if (v := self.want_str(table, k, "title")) is not None}

    def _population(self, value: object) -> dict[str, Any]:
        table = self.table(
            value, "population", required=("kind", "min_age"),
            optional=("max_age", "sex", "outside", "source"),
        )  # fmt: skip
        if table is None:
            return {}
        kind = self.want_str(table, "kind", "population", choices=("adult", "juvenile"))
        lo = self.want_int(table, "min_age", "population", min_value=0)
        hi = self.want_int(table, "max_age", "population", min_value=0)
        if lo is not None and hi is not None and hi < lo:
            self.fail("population.max_age", hi, f"an age >= min_age ({lo})")
        sexes = self.want_list(table, "sex", "population", of=str)
        if sexes is not None and not sexes:
            self.fail("population.sex", sexes, "one or more of " + ", ".join(SEXES))
        for i, sex in enumerate(sexes or ()):
            if sex not in SEXES:
                self.fail(f"population.sex[{i}]", sex, "one of " + ", ".join(SEXES))
        self._unique(sexes or [], "population.sex")
        outside = self.want_str(table, "outside", "population", choices=OUTSIDE)
        source = self.want_str(table, "source", "population")
        if outside is not None and source is None:
            self.note(
                "population.source",
                "missing: cite the manual that says what to do outside the population",
            )
        return {
            "kind": kind,
            "min_age": lo,
            "max_age": hi,
            "sex": tuple(sexes or ()),
            "outside": outside or "warning",
            "source": source or "",
        }

    def _array_of_tables(
        self, doc: Mapping[str, Any], key: str, *, required: bool = True
    ) -> list[tuple[int, dict[str, Any]]]:
        value = doc.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            self.fail(key, value, f"a non-empty array of tables ([[{key}]])")
            return []
        out = []
        for i, element in enumerate(value):
            if isinstance(element, dict):
                out.append((i, element))
            else:
                self.fail(f"{key}[{i}]", element, "a table")
        return out

    def _unique(self, values: list[str] | tuple[str, ...], path: str, key: str = "") -> None:
        seen: set[str] = set()
        for value in values:
            if value in seen:
                where = f"{path}.{key}" if key else path
                self.note(where, f"duplicate {show(value)}: ids must be unique")
            seen.add(value)

    # -- domains and scales ----------------------------------------------
    def _domain(
        self,
        doc: dict[str, Any],
        path: str,
        items: list[Item],
        terms: list[Term],
        need_levels: tuple[str, ...],
    ) -> Domain | None:
        if (
            self.table(
                doc, path, required=("id",), optional=("max_omitted", "need_bands", "source")
            )
            is None
        ):
            return None
        ident = self.want_str(doc, "id", path, pattern=ID_PATTERN)
        if ident is None:
            return None
        max_omitted = self.want_int(doc, "max_omitted", path, min_value=0)
        source = self.want_str(doc, "source", path)
        members = [i for i in items if i.domain == ident]
        member_terms = [t for t in terms if t.domain == ident]
        if not members:
            self.note(path, f"domain {ident!r} has no items")
            return None
        scored = [i for i in members if not i.strength]
        factor: Factor = (
            "static" if scored and all(i.factor == "static" for i in scored) else "dynamic"
        )
        lo, hi = _span(scored, member_terms, self.primary)
        need_bands: list[Band] = []
        if "need_bands" in doc:
            if not need_levels:
                self.note(f"{path}.need_bands", "need bands need the top-level need_levels list")
            else:
                need_bands = self._level_bands(
                    doc["need_bands"], f"{path}.need_bands", (lo, hi), need_levels, groups=()
                )
        return Domain(
            id=ident,
            items=tuple(i.id for i in members) + tuple(t.id for t in member_terms),
            factor=factor,
            range=(lo, hi),
            max_omitted=max_omitted,
            need_bands=tuple(need_bands),
            source=source,
        )

    def _scale(
        self,
        doc: object,
        *,
        path: str,
        sid: str,
        items: list[Item],
        terms: list[Term],
        norm_groups: tuple[str, ...],
    ) -> Scale | None:
        table = self.table(
            doc,
            path,
            required=("range", "source"),
            optional=("max_omitted", "levels", "bands", "scaled", "flag", "reliability"),
        )
        if table is None:
            return None
        if not ID_PATTERN.match(sid):
            self.fail(path, sid, "a scale id like 'total'")
        before = len(self.problems)
        declared = self.want_pair(table, "range", path)
        source = self.want_str(table, "source", path)
        max_omitted = self.want_int(table, "max_omitted", path, min_value=0) or 0
        lo, hi = _span(items, terms, sid)
        if declared is not None and declared != (lo, hi):
            self.fail(
                f"{path}.range",
                list(declared),
                f"[{lo}, {hi}] (the lowest and highest total the items can give)",
            )
        levels = tuple(self.want_list(table, "levels", path, of=str) or ())
        self._unique(levels, f"{path}.levels")
        bands: list[Band] = []
        if "bands" in table:
            if not levels:
                self.note(f"{path}.levels", "missing: bands need the ordered list of levels")
            else:
                bands = self._level_bands(
                    table["bands"], f"{path}.bands", (lo, hi), levels, groups=norm_groups
                )
        elif levels:
            self.note(f"{path}.bands", "missing: levels need bands")
        scaled = self.want_list(table, "scaled", path, of=int)
        if scaled is not None:
            if len(scaled) != hi - lo + 1:
                self.fail(
                    f"{path}.scaled",
                    scaled,
                    f"{hi - lo + 1} scaled scores, one per raw total {lo}..{hi}",
                )
            elif any(b < a for a, b in itertools.pairwise(scaled)):
                self.fail(f"{path}.scaled", scaled, "scaled scores that never decrease")
        flag_min = None
        if "flag" in table:
            flag = self.table(
                table["flag"], f"{path}.flag", required=("min",), optional=("source",)
            )
            if flag is not None:
                flag_min = self.want_int(flag, "min", f"{path}.flag")
                self.want_str(flag, "source", f"{path}.flag")
                if flag_min is not None and not lo < flag_min <= hi:
                    self.fail(f"{path}.flag.min", flag_min, f"a total in {lo + 1}..{hi}")
        reliability = (
            self._reliability(table.get("reliability"), f"{path}.reliability")
            if "reliability" in table
            else None
        )
        if len(self.problems) > before:
            return None
        return Scale(
            id=sid,
            range=(lo, hi),
            source=cast(str, source),
            max_omitted=max_omitted,
            levels=levels,
            bands=tuple(bands),
            scaled=tuple(scaled) if scaled is not None else None,
            flag_min=flag_min,
            reliability=reliability,
        )

    def _reliability(self, value: object, path: str) -> Reliability | None:
        table = self.table(value, path, required=("sd", "r", "source"), optional=("status",))
        if table is None:
            return None
        sd = self.want_number(table, "sd", path)
        r = self.want_number(table, "r", path)
        source = self.want_str(table, "source", path)
        status = (
            self.want_str(table, "status", path, choices=("validated", "unverified")) or "validated"
        )
        if sd is not None and sd <= 0:
            self.fail(f"{path}.sd", sd, "a positive standard deviation")
        if r is not None and not 0 <= r < 1:
            self.fail(f"{path}.r", r, "a reliability coefficient in [0, 1)")
        if sd is None or r is None or source is None or sd <= 0 or not 0 <= r < 1:
            return None
        return Reliability(sd=sd, r=r, source=source, status=status)

    def _level_bands(
        self,
        value: object,
        path: str,
        span: tuple[int, int],
        levels: tuple[str, ...],
        *,
        groups: tuple[str, ...],
    ) -> list[Band]:
        if not isinstance(value, list) or not value:
            self.fail(path, value, "a non-empty array of { min, max, level } bands")
            return []
        bands: list[Band] = []
        for i, doc in enumerate(value):
            where = f"{path}[{i}]"
            optional = ("source", "norm_group") if groups else ("source",)
            table = self.table(doc, where, required=("min", "max", "level"), optional=optional)
            if table is None:
                continue
            bmin = self.want_int(table, "min", where)
            bmax = self.want_int(table, "max", where)
            level = self.want_str(table, "level", where, choices=levels)
            group = self.want_str(table, "norm_group", where, choices=groups) if groups else None
            source = self.want_str(table, "source", where)
            if bmin is None or bmax is None or level is None:
                continue
            if bmax < bmin:
                self.fail(f"{where}.max", bmax, f"an integer >= min ({bmin})")
                continue
            bands.append(Band(bmin, bmax, level, group, source))
        for group in groups or (None,):
            applicable = sorted(
                (b for b in bands if b.norm_group in (None, group)), key=lambda b: b.min
            )
            self._cover(applicable, path, span, levels, group)
        return bands

    def _cover(
        self,
        bands: list[Band],
        path: str,
        span: tuple[int, int],
        levels: tuple[str, ...],
        group: str | None,
    ) -> None:
        who = f" for norm group {group!r}" if group else ""
        expected = span[0]
        for band in bands:
            if band.min > expected:
                self.note(path, f"gap{who}: no band covers {expected}..{band.min - 1}")
            elif band.min < expected:
                self.note(path, f"overlap{who}: {band.span} overlaps the band before it")
            expected = max(expected, band.max + 1)
        if expected <= span[1]:
            self.note(
                path,
                f"gap{who}: no band covers {expected}..{span[1]}"
                f" (the range is {span[0]}..{span[1]})",
            )
        elif bands and bands[-1].max > span[1]:
            self.note(path, f"band {bands[-1].span}{who} goes past the highest total {span[1]}")
        if bands and bands[0].min < span[0]:
            self.note(path, f"band {bands[0].span}{who} starts below the lowest total {span[0]}")
        ranks = [levels.index(b.level) for b in bands]
        if any(b < a for a, b in itertools.pairwise(ranks)):
            self.note(path, f"levels{who} must rise with the total (order: {', '.join(levels)})")
