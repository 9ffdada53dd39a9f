"""The validity reports and the charts as rendered: templates, escaping, catalogue words."""

from __future__ import annotations

import re

import attrs
import jinja2
import pytest

from rnr.render.charts import bar_chart, line_chart
from rnr.render.environment import REPORTS, environment
from rnr.render.messages import LOCALES, catalogue
from rnr.render.validity_html import study_html
from rnr.render.validity_text import study_lines
from rnr.render.validity_words import study_words
from rnr.text import Message
from rnr.validity.calibrate import Expected
from rnr.validity.percentiles import norms, recalibrate
from rnr.validity.reliability import agreement
from rnr.validity.report import validate
from rnr.validity.study import Study

HOSTILE = '<script>alert("x")</script>'
SCORES = [2, 5, 9, 14, 20, 25, 31, 8, 17, 28, 11, 30]
OUTCOMES = [0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1]
GROUPS = ["F", "M", "M", "F", "M", "M", "M", "F", "F", "M", HOSTILE, HOSTILE]
LEVELS = ["bajo", "bajo", "bajo", "medio", "alto", "alto", "alto", "bajo", "medio", "alto"]
LEVELS += ["medio", "alto"]
RATERS = [2, 5, 8, 15, 20, 24, 31, 8, 16, 29, 11, 30]
#: Anything that would make the page load something: a script, a link, a URL, an import.
EXTERNAL = re.compile(r"https?:|<script|<link|\bsrc\s*=|\bhref\s*=|@import|url\(", re.IGNORECASE)


def whole_study(group_column: str = "sexo") -> Study:
    """A study with every section: cut, calibration by level with expected rates, a group
    column holding markup, bootstrap, two raters, norms and recalibrated cut-offs."""
    expected = Expected({"bajo": 0.1, "medio": 0.4, "alto": 0.7}, by="level", source="manual")
    report = validate(
        SCORES,
        OUTCOMES,
        groups={group_column: GROUPS},
        risk_levels=LEVELS,
        cut=15,
        expected=expected,
        bootstrap=20,
        seed=1,
    )
    return Study(
        "<i>estudio</i>.csv",
        len(SCORES),
        "total",
        "reincide",
        (group_column,),
        "nivel",
        report=report,
        agreement=agreement(SCORES, RATERS, raters=("eval_a", "eval_b")),
        norms=norms(SCORES),
        recalibration=recalibrate(SCORES, {"bajo": 0.5, "alto": 0.5}),
    )


class TestValidityHtml:
    @pytest.mark.parametrize("lang", LOCALES)
    def test_every_section_renders_in_each_language(self, lang: str) -> None:
        """The whole page renders under StrictUndefined, every heading from the catalogue."""
        assert environment("html").undefined is jinja2.StrictUndefined
        page = study_html(whole_study(), lang, version="1.2.3")
        words = catalogue(lang).section("validity")
        assert page.startswith(f'<!DOCTYPE html>\n<html lang="{lang}">')
        assert page.endswith("</html>\n")
        for key in ("h_discrimination", "h_calibration", "h_cal_level", "h_cal_score"):
            assert words[key] in page, key
        for key in ("h_limits", "distribution", "recal_chart", "roc_title", "sources"):
            assert words[key].replace("&", "&amp;") in page, key
        assert catalogue(lang)("validity.generated", version="1.2.3") in page
        assert 6 == page.count("<svg")  # ROC, 2 x calibration, ROC by group, norms, cut-offs
        assert "validity." not in page  # no key printed in place of a sentence

    def test_a_hostile_group_name_is_shown_as_text(self) -> None:
        """Group values, column and file names holding markup are escaped everywhere."""
        page = study_html(whole_study(group_column=HOSTILE))
        assert "<script" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
        assert "&lt;i&gt;estudio&lt;/i&gt;.csv" in page
        assert "<i>" not in page

    @pytest.mark.parametrize("lang", LOCALES)
    def test_the_page_loads_nothing(self, lang: str) -> None:
        """No script, no link, no URL: the page is whole offline (inline CSS and SVG)."""
        page = study_html(whole_study(), lang, version="1.2.3")
        assert not EXTERNAL.search(page)
        assert "<style>" in page

    def test_sections_appear_only_when_computed(self) -> None:
        """Raters alone: no discrimination section, no footer version without a version."""
        alone = Study(
            "r.csv", 4, agreement=agreement([1, 2, 3, 4], [1, 2, 4, 4], raters=("a", "b"))
        )
        page = study_html(alone, "en")
        assert "Discrimination" not in page
        assert "Inter-rater reliability: &#39;a&#39; and &#39;b&#39; · 4 cases" in page
        assert "Report generated" not in page

    def test_spanish_pages_hold_no_english_sentence(self) -> None:
        """Every sentence of the Spanish page is the Spanish one, where the two differ."""
        page = study_html(whole_study(), "es")
        es, en = catalogue("es").section("validity"), catalogue("en").section("validity")
        for key in ("h_discrimination", "auc_meaning", "h_limits", "limit_ppv", "x_roc"):
            assert es[key] in page
            assert en[key] not in page

    def test_a_store_selection_is_said_in_the_page_language(self) -> None:
        """From the store, the file is a message: the title and <title> say it in the page's
        language, each id by its name and the date the reader's way (and a hostile store
        name stays text)."""
        study = store_study(HOSTILE)
        page = study_html(study, "es")
        said = (
            "LS/CMI, primera evaluación de cada caso, seguimiento de 12 meses · 3 casos excluidos"
            " por tener menos de 12 meses de seguimiento al 31-12-2025"
        )
        assert page.count(said) == 2
        assert HOSTILE not in page
        english = study_lines(study, "en")[0]
        assert english.startswith("Validity of 'total score' for predicting 'new offence' · ")
        assert english.endswith("3 cases left out, followed less than 12 months by 2025-12-31")

    def test_a_store_study_names_its_columns_levels_and_groups(self) -> None:
        """The ids a store data set gives (score, the event kind, level ids, sex and regime
        codes) are named; the store is shown by its file name, not its folders."""
        lines = study_lines(store_study("/home/delegada/datos/casos.sqlite3"), "es")
        text = "\n".join(lines)
        assert lines[0].startswith(
            "Validez de «puntaje total» para predecir «nuevo delito» · registro de casos"
            " casos.sqlite3 · LS/CMI"
        )
        assert "Grupos por «sexo» (referencia: hombres, el grupo más grande)" in text
        assert any(line.split()[:2] == ["Muy", "alto"] for line in lines)  # the level's label
        assert "  mujeres " in text
        for raw in ("very_high", "new_offence", "male", "/home/delegada", "2025-12-31"):
            assert raw not in text, raw
        one = Message("service.store_selection", {**SELECTION, "months": 1, "excluded": 1})
        single = study_lines(attrs.evolve(store_study("c.db"), file=one), "es")[0]
        assert single.endswith(
            "seguimiento de 1 mes · 1 caso excluido por tener menos de 1 mes de seguimiento"
            " al 31-12-2025"
        )


#: The parameters of the file of a data set from the case store (rnr.history.validity).
SELECTION = {
    "store": "c.db",
    "instrument": "lscmi",
    "event": "new_offence",
    "months": 12,
    "excluded": 3,
    "until": "2025-12-31",
}
STORE_LEVELS = ["low", "low", "low", "medium", "high", "high", "very_high", "low", "medium"]
STORE_LEVELS += ["high", "medium", "very_high"]
STORE_SEX = ["female", "male", "male", "female", "male", "male", "male", "female", "female"]
STORE_SEX += ["male", "male", "male"]


def store_study(store: str) -> Study:
    """A study whose columns come from the case store, by id."""
    report = validate(SCORES, OUTCOMES, groups={"sex": STORE_SEX}, risk_levels=STORE_LEVELS)
    selection = Message("service.store_selection", {**SELECTION, "store": store})
    return Study(selection, len(SCORES), "score", "new_offence", ("sex",), "level", report=report)


class TestValidityText:
    def test_an_icc_without_interval_says_why(self) -> None:
        """An ICC with no interval (too few degrees of freedom) is printed with the reason,
        not as an ICC that was not computed."""
        pair = agreement([1, 2, 3, 4], [1, 2, 4, 4], raters=("a", "b"))
        note = Message("validity.note_icc_no_interval", {"df": 0.4})
        bare = attrs.evolve(pair.icc, ci_low=None, ci_high=None, df=0.4, note=note)
        reason = "no interval: Satterthwaite's degrees of freedom (0.4) are too few"
        assert f"ICC(2,1) {bare.icc:.3f} ({reason})" == study_words("en").icc(
            attrs.evolve(pair, icc=bare)
        )

    def test_figures_are_written_the_readers_way(self) -> None:
        """Spanish: decimal commas, intervals apart by a semicolon, real plurals; English:
        decimal points and commas between the bounds."""
        es, en = study_lines(whole_study(), "es"), study_lines(whole_study(), "en")
        auc = next(line for line in es if line.startswith("  AUC "))
        assert re.fullmatch(r"  AUC 0,\d{3} \(IC 95 % DeLong \[0,\d{3}; 1,000\]; EE 0,\d{3}\)", auc)
        assert not [line for line in es if re.search(r"\d\.\d", line)]
        assert "  12 personas; 6 con el resultado (tasa base 50,0 %)" in es
        assert any(re.search(r"\[\d+\.\d %, \d+\.\d %\]", line) for line in en)
        assert "(0,5: azar; 1: separación perfecta)" in " ".join(es)

    @pytest.mark.parametrize("lang", LOCALES)
    def test_every_section_in_each_language(self, lang: str) -> None:
        """The text report prints the catalogue's sentences, no key."""
        lines = study_lines(whole_study(), lang)
        words = catalogue(lang).section("validity")
        for key in ("h_discrimination", "h_cal_level", "h_limits", "by_score_elsewhere"):
            assert any(words[key] in line for line in lines), key
        assert not any("validity." in line for line in lines)
        assert HOSTILE in "\n".join(lines)  # plain text for a person: shown as written

    def test_a_language_without_words_reads_spanish(self) -> None:
        """As before the catalogue: any other language gets the Spanish report."""
        study = whole_study()
        assert study_lines(study, "es") == study_lines(study, "fr")


class TestCharts:
    def test_every_label_is_escaped_in_text_and_attributes(self) -> None:
        """Titles, labels and series names from data never become markup."""
        svg = bar_chart([HOSTILE], [10.0], title='"><script>', orientation="vertical")
        svg += line_chart({HOSTILE: [(0, 0), (1, 1)]}, x_label="<x>", y_label="<y>", title="<t>")
        assert "<script" not in svg
        assert 'aria-label="&#34;&gt;&lt;script&gt;"' in svg
        assert ">&lt;x&gt;</text>" in svg

    @pytest.mark.parametrize("lang", LOCALES)
    def test_tooltips_use_the_catalogue(self, lang: str) -> None:
        """A bar's tooltip says its value, interval and target in the catalogue's words."""
        svg = bar_chart(
            ["a", "b"],
            [40.0, None],
            targets=[50.0, None],
            intervals=[(30, 45), None],
            title="t",
            lang=lang,
        )
        words = catalogue(lang)
        value, interval = (
            ("40,0 %", "[30,0; 45,0] %") if lang == "es" else ("40.0 %", "[30.0, 45.0] %")
        )
        tip = words("charts.tip_both", label="a", value=value, interval=interval, target="50 %")
        assert f"<title>{tip}</title>" in svg
        assert f"<title>b: {words('charts.none')}</title>" in svg

    def test_charts_are_drawn_by_the_template(self) -> None:
        """The macros of charts.svg.j2 draw; Python gives them numbers only."""
        source = (REPORTS / "charts.svg.j2").read_text(encoding="utf-8")
        assert "macro bar_chart" in source
        assert "macro line_chart" in source
        assert not re.search(r"\{\{[^}]*[-+*/%][^}]*\}\}", source)
