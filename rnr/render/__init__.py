"""Render: every word a person reads and every template (text, Markdown, HTML, charts).

Core returns values and codes; this layer turns them into sentences in
Spanish (the default) or English."""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "FORMATS": "rnr.render.plan",
    "GROUP_RATES": "rnr.render.validity_text",
    "LANGS": "rnr.render.plan",
    "PALETTE": "rnr.render.charts",
    "TEMPLATES": "rnr.render.plan",
    "bar_chart": "rnr.render.charts",
    "calibration_table": "rnr.render.validity_text",
    "case_header": "rnr.render.score",
    "change_lines": "rnr.render.change",
    "decision_report": "rnr.render.decision",
    "effective": "rnr.render.definitions",
    "explain": "rnr.render.explanation",
    "fit_words": "rnr.render.decision",
    "group_table": "rnr.render.validity_text",
    "history_lines": "rnr.render.history",
    "instrument_lines": "rnr.render.definitions",
    "labels_for": "rnr.render.history",
    "level_name": "rnr.render.names",
    "line_chart": "rnr.render.charts",
    "points_text": "rnr.render.score",
    "policy_lines": "rnr.render.definitions",
    "render_plan": "rnr.render.plan",
    "report_html": "rnr.render.indicators",
    "report_lines": "rnr.render.indicators",
    "sanction_name": "rnr.render.names",
    "scale_summary": "rnr.render.score",
    "study_html": "rnr.render.validity_html",
    "study_lines": "rnr.render.validity_text",
    "summary_line": "rnr.render.history",
    "table": "rnr.render.validity_text",
    "whatif_lines": "rnr.render.whatif",
    "yes_no": "rnr.render.score",
}

__all__ = [
    "FORMATS",
    "GROUP_RATES",
    "LANGS",
    "PALETTE",
    "TEMPLATES",
    "bar_chart",
    "calibration_table",
    "case_header",
    "change_lines",
    "decision_report",
    "effective",
    "explain",
    "fit_words",
    "group_table",
    "history_lines",
    "instrument_lines",
    "labels_for",
    "level_name",
    "line_chart",
    "points_text",
    "policy_lines",
    "render_plan",
    "report_html",
    "report_lines",
    "sanction_name",
    "scale_summary",
    "study_html",
    "study_lines",
    "summary_line",
    "table",
    "whatif_lines",
    "yes_no",
]

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.render.change import change_lines as change_lines
    from rnr.render.charts import (
        PALETTE as PALETTE,
    )
    from rnr.render.charts import (
        bar_chart as bar_chart,
    )
    from rnr.render.charts import (
        line_chart as line_chart,
    )
    from rnr.render.decision import (
        decision_report as decision_report,
    )
    from rnr.render.decision import (
        fit_words as fit_words,
    )
    from rnr.render.definitions import effective as effective
    from rnr.render.definitions import instrument_lines as instrument_lines
    from rnr.render.definitions import policy_lines as policy_lines
    from rnr.render.explanation import explain as explain
    from rnr.render.history import (
        history_lines as history_lines,
    )
    from rnr.render.history import (
        labels_for as labels_for,
    )
    from rnr.render.history import (
        summary_line as summary_line,
    )
    from rnr.render.indicators import report_html as report_html
    from rnr.render.indicators import report_lines as report_lines
    from rnr.render.names import level_name as level_name
    from rnr.render.names import sanction_name as sanction_name
    from rnr.render.plan import (
        FORMATS as FORMATS,
    )
    from rnr.render.plan import (
        LANGS as LANGS,
    )
    from rnr.render.plan import (
        TEMPLATES as TEMPLATES,
    )
    from rnr.render.plan import (
        render_plan as render_plan,
    )
    from rnr.render.score import (
        case_header as case_header,
    )
    from rnr.render.score import (
        points_text as points_text,
    )
    from rnr.render.score import (
        scale_summary as scale_summary,
    )
    from rnr.render.score import (
        yes_no as yes_no,
    )
    from rnr.render.validity_html import study_html as study_html
    from rnr.render.validity_text import (
        GROUP_RATES as GROUP_RATES,
    )
    from rnr.render.validity_text import (
        calibration_table as calibration_table,
    )
    from rnr.render.validity_text import (
        group_table as group_table,
    )
    from rnr.render.validity_text import (
        study_lines as study_lines,
    )
    from rnr.render.validity_text import (
        table as table,
    )
    from rnr.render.whatif import whatif_lines as whatif_lines
