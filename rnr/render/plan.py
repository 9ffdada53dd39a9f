"""Render a plan draft to Markdown or self-contained HTML with Jinja2.

The shipped templates live in ``plans/templates`` (``plan.md.j2``,
``plan.html.j2``; the words they print are the ``plan`` area of the message
catalogue, :mod:`rnr.render.messages`). An agency may
pass its own template file; it runs with the same context. Every template
runs in the immutable sandbox of :mod:`rnr.render.environment`, with
``StrictUndefined`` (a misspelt name is an error, never an empty string), and
HTML output is autoescaped, so a name or a note holding markup is shown as
text.

Templates receive a plain context:

``plan``
    the :class:`~rnr.plan.PlanDraft`.
``lang``
    ``"es"`` or ``"en"``.
``w``
    the words of the catalogue's ``plan`` area in that language.
``phrase(key, **params)``
    the sentence ``plan.<key>`` with its parameters filled in, figures and
    dates written the reader's way (``0,0 %``, ``19-08-2024``); a sentence
    with plural forms takes ``count=``.
``attainment``
    :func:`rnr.plan.attainment` of the plan.
``closing``
    :func:`rnr.plan.closing_summary` of a closing version, else ``None``.
``approval``
    the court's approval of the version in words (``Aprobado por el tribunal
    el 02-09-2024 (resolución …).``), or ``""`` for a draft, which the
    shipped templates mark BORRADOR.
``approval_mark``
    the same, short, for the foot of every page (``Aprobado por el tribunal
    el 02-09-2024``), or ``""``.
``t(words)``
    a :class:`~rnr.text.Text` or :class:`~rnr.text.Message` in the language.
``instrument_name``, ``policy_name``
    the instrument's title and version, and the policy's title and the date
    it came into force (:mod:`rnr.render.names`), never their references.
``domain(id)``, ``item(id)``, ``level(id)``, ``need(id)``, ``title``
    the instrument's labels in the language (ids when it has none);
    ``item_names(ids)`` names a list of items.
``strength(id)``, ``strength_area(id)``
    a strength item named by the area it marks as a strength (``Familia y
    pareja: área de fortaleza (factor protector)``), and that area alone.
``cited(source)``
    a warning's source, or ``""`` when it is the plan's own policy (named
    above) or none.
``field(name)``, ``value(v)``
    names of responsivity fields and values in the language.
``responsivity``
    the recorded responsivity factors as ``(field, value)`` pairs, named.
``status(s)``, ``deadline(name)``, ``counted_from(name)``
    names of an objective status, a deadline and what it counts from.
``sanction(code)``, ``offence(codes)``
    names of a sanction (``LVI``) and of offence categories (``vif``, or a
    list of them, joined by ``; ``).
``num(n)``
    a whole number with the thousands separator of the language (``1.000``).
``period``
    the plan's intervention period in words (days and/or months), or ``""``.
``css(text)``
    ``text`` as a quoted CSS string, every character that is not a letter,
    digit or space escaped (for ``content:`` in the print rules).

Dates print through the ``day`` filter (``{{ plan.dated | day }}``): dd-mm-aaaa
in Spanish, ISO in English.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any, Literal

import jinja2
import jinja2.exceptions
from markupsafe import Markup

from rnr.definitions.labels import Labels
from rnr.definitions.library import default_library
from rnr.errors import RenderError, RnrError
from rnr.plan.draft import PlanDraft, attainment, closing_summary
from rnr.render.costs import plan_cost_section
from rnr.render.environment import PLANS, agency_environment, environment
from rnr.render.messages import catalogue, number, say
from rnr.render.names import labels_of, policy_name, sanction_name
from rnr.render.sandbox import render_bounded
from rnr.text import Message, Text

__all__ = ["FORMATS", "LANGS", "TEMPLATES", "render_plan", "words"]

Format = Literal["md", "html"]
#: Output formats and the shipped template of each.
FORMATS: dict[str, str] = {"md": "plan.md.j2", "html": "plan.html.j2"}
#: Languages the shipped templates and words speak.
LANGS = ("es", "en")
#: The folder of the shipped templates.
TEMPLATES = PLANS


@cache
def words(lang: str) -> dict[str, Any]:
    """The words the plan templates print, in ``lang`` (the catalogue's ``plan`` area)."""
    if lang not in LANGS:
        msg = f"lang: got {lang!r}, expected one of {', '.join(LANGS)}"
        raise RenderError(msg, template="plan", code="argument.invalid")
    return catalogue(lang).section("plan")


@cache
def _strength_domains(ref: str) -> Mapping[str, str]:
    """The area each strength item of instrument ``ref`` marks; empty when it is unknown."""
    try:
        instrument = default_library().get(ref)
    except (RnrError, LookupError):
        return {}
    return {i.id: i.domain for i in instrument.items if i.strength}


@cache
def _case_offences(lang: str) -> Mapping[str, str]:
    """The case file's names of offence categories in ``lang``, read once per language."""
    names: dict[str, str] = catalogue(lang).section("cases").get("offences", {})
    return MappingProxyType(names)


#: Characters kept as they are in a CSS string: none can end the string or the style element.
CSS_SAFE = frozenset(" -_.,:;()/@·°+=%!?¿¡")


def css_string(text: object) -> Markup:
    r"""``text`` as a double-quoted CSS string that cannot end the string or the style.

    Letters, digits and :data:`CSS_SAFE` stay; anything else is escaped as six
    hex digits and a space, which CSS reads as part of the escape, so the text
    that follows is kept as it is.

    >>> str(css_string('Caso a-1 "b" </style>'))
    '"Caso a-1 \\000022 b\\000022  \\00003c /style\\00003e "'
    """
    out = "".join(c if c.isalnum() or c in CSS_SAFE else f"\\{ord(c):06x} " for c in str(text))
    return Markup(f'"{out}"')


def _period(plan: PlanDraft, lang: str) -> str:
    """The intervention period in words: the days, and the months (a figure or the legal range).

    With both, the range in months follows the days as the law's range.
    """
    w = catalogue(lang)
    days = ""
    if plan.period_days:
        low, high = plan.period_days
        days = (
            w("plan.days_count", count=low)
            if low == high
            else w("plan.period_days_range", low=low, high=high)
        )
    months = ""
    if plan.period_months:
        low, high = min(plan.period_months), max(plan.period_months)
        if low == high:
            months = w("plan.period_months", count=low)
        elif low == 0:
            months = w("plan.period_up_to", high=high)
        else:
            months = w("plan.period_range", low=low, high=high)
        if days and len(plan.period_months) > 1 and low != high:
            return f"{days} ({w('plan.period_legal', range=months)})"
    return "; ".join(x for x in (days, months) if x)


def _approval(plan: PlanDraft, phrase: Callable[..., str]) -> str:
    """The court's approval of the version in words, or ``""`` for a draft (BORRADOR)."""
    if plan.approved_on is None:
        return ""
    if plan.approved_reference:
        return phrase("approved_reference", on=plan.approved_on, reference=plan.approved_reference)
    return phrase("approved", on=plan.approved_on)


def _context(plan: PlanDraft, lang: str, labels: Labels) -> dict[str, Any]:
    w = words(lang)

    def named(table: str) -> Callable[[object], str]:
        names: dict[str, str] = w[table]
        return lambda key: names.get(str(key), str(key))

    def value(v: object) -> str:
        if isinstance(v, bool):
            return str(w["yes"] if v else w["no"])
        return named("responsivity_values")(v)

    field = named("responsivity_fields")
    plan_offences: dict[str, str] = w["offence_names"]
    case_offences = _case_offences(lang)

    def offence_name(code: str) -> str:
        """The plan's name of an offence category, else the case file's, else the code."""
        return plan_offences.get(code) or case_offences.get(code, code)

    said = catalogue(lang)

    def phrase(key: str, **params: object) -> str:
        return said(f"plan.{key}", **params)

    areas = _strength_domains(str(plan.instrument))

    def strength_area(item: str) -> str:
        """The area a strength item marks (its own label when the area is unknown)."""
        area = areas.get(item)
        return labels.item(item) if area is None else labels.domain(area)

    def strength(item: str) -> str:
        """A strength named by its area (``Familia y pareja: área de fortaleza ...``)."""
        if item not in areas:
            return labels.item(item)
        return phrase("strength_area", domain=strength_area(item))

    def cited(source: str) -> str:
        return "" if source in ("", str(plan.policy)) else source

    recorded = plan.responsivity.to_dict()
    return {
        "plan": plan,
        "lang": lang,
        "w": w,
        "phrase": phrase,
        "instrument_name": said(
            "names.instrument_version", name=labels.title, version=plan.instrument.version
        ),
        "policy_name": policy_name(str(plan.policy), lang),
        "strength": strength,
        "strength_area": strength_area,
        "cited": cited,
        "attainment": attainment(plan),
        "closing": closing_summary(plan) if plan.kind == "closing" else None,
        "approval": _approval(plan, phrase),
        "approval_mark": phrase("approved_mark", on=plan.approved_on) if plan.approved_on else "",
        "t": lambda words: say(words, lang) if isinstance(words, Message | Text) else str(words),
        "title": labels.title,
        "domain": labels.domain,
        "item": labels.item,
        "item_names": lambda ids: [labels.item(i) for i in ids],
        "level": labels.level,
        "need": labels.need,
        "field": field,
        "value": value,
        "responsivity": [(field(k), value(v)) for k, v in recorded.items()],
        "status": named("status_names"),
        "deadline": named("deadline_names"),
        "counted_from": named("counted_from_names"),
        "sanction": lambda code: sanction_name(str(code), lang),
        "offence": lambda codes: "; ".join(
            offence_name(c) for c in ((codes,) if isinstance(codes, str) else codes)
        ),
        "num": lambda n: number(int(n), lang),
        "period": _period(plan, lang),
        "cost": plan_cost_section(plan, lang),
        "css": css_string,
    }


def _template_line(tb: TracebackType | None) -> tuple[str | None, int | None]:
    """The template file and line of the innermost template frame of ``tb``."""
    found: tuple[str | None, int | None] = (None, None)
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_plan(
    plan: PlanDraft,
    *,
    format: Format | str = "md",
    lang: str = "es",
    template: str | Path | None = None,
    labels: Labels | None = None,
) -> str:
    """Render ``plan`` as Markdown (``md``) or self-contained HTML (``html``).

    Args:
        plan: the draft (any version).
        format: ``md`` or ``html`` (HTML is autoescaped).
        lang: ``es`` (default) or ``en``.
        template: an agency's template file, run in the sandbox (default:
            the shipped template of ``format``).
        labels: the instrument's labels (default: the shipped labels of the
            plan's instrument in ``lang``, ids when there are none).

    Raises:
        RenderError: an unknown format or language, a missing template, or a
            template that fails (syntax, an undefined name, an unsafe
            operation), naming the template and line.
    """
    env: jinja2.Environment
    if template is None:
        env, name = environment(str(format)), FORMATS[str(format)]
        shown = str(TEMPLATES / name)
    else:
        path = Path(template).resolve()
        if not path.is_file():
            raise RenderError(
                "no such template file", template=str(template), code="usage.file.missing"
            )
        env = agency_environment(str(format), str(path.parent))
        name, shown = path.name, str(template)
    context = _context(plan, lang, labels or labels_of(str(plan.instrument), lang))
    try:
        if template is None:
            return env.get_template(name).render(context)
        # an agency's template gets its own copy of the words and a bounded output
        context["w"] = copy.deepcopy(context["w"])
        return render_bounded(env.get_template(name), context)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or shown
        raise RenderError(f"syntax error: {exc.message}", template=where, line=exc.lineno) from exc
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"template not found: {exc.name}", template=shown) from exc
    except RenderError:
        raise
    except Exception as exc:
        file, line = _template_line(exc.__traceback__)
        kinds: dict[type[Exception], str] = {
            jinja2.UndefinedError: "undefined",
            jinja2.exceptions.SecurityError: "unsafe operation",
        }
        kind = kinds.get(type(exc), type(exc).__name__)
        text = str(exc) if len(str(exc)) <= 300 else str(exc)[:297] + "..."
        unsafe = isinstance(exc, jinja2.exceptions.SecurityError)
        code = "render.template.unsafe" if unsafe else None
        raise RenderError(f"{kind}: {text}", template=file or shown, line=line, code=code) from exc
