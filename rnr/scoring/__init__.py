"""Scoring: one case or a whole batch, with a trace of every point and exact provisional bounds."""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "BatchResult": "rnr.scoring.batch",
    "Bounds": "rnr.scoring.result",
    "CompiledInstrument": "rnr.scoring.compiled",
    "DomainScore": "rnr.scoring.result",
    "ItemScore": "rnr.scoring.result",
    "ScaleScore": "rnr.scoring.result",
    "ScoreResult": "rnr.scoring.result",
    "Step": "rnr.scoring.result",
    "TermScore": "rnr.scoring.result",
    "age_in_years": "rnr.scoring.single",
    "answer_matrix": "rnr.scoring.compiled",
    "check_norm_group": "rnr.scoring.single",
    "compile_instrument": "rnr.scoring.compiled",
    "is_criminogenic": "rnr.scoring.single",
    "normalize_responses": "rnr.scoring.single",
    "omission_error": "rnr.scoring.single",
    "outcome_codes": "rnr.scoring.compiled",
    "score": "rnr.scoring.single",
    "score_batch": "rnr.scoring.batch",
    "sum_bounds": "rnr.scoring.single",
    "summarize": "rnr.scoring.batch",
    "terms": "rnr.scoring.compiled",
    "yes_no_codes": "rnr.scoring.compiled",
}

__all__ = [
    "BatchResult",
    "Bounds",
    "CompiledInstrument",
    "DomainScore",
    "ItemScore",
    "ScaleScore",
    "ScoreResult",
    "Step",
    "TermScore",
    "age_in_years",
    "answer_matrix",
    "check_norm_group",
    "compile_instrument",
    "is_criminogenic",
    "normalize_responses",
    "omission_error",
    "outcome_codes",
    "score",
    "score_batch",
    "sum_bounds",
    "summarize",
    "terms",
    "yes_no_codes",
]

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.scoring.batch import (
        BatchResult as BatchResult,
    )
    from rnr.scoring.batch import (
        score_batch as score_batch,
    )
    from rnr.scoring.batch import (
        summarize as summarize,
    )
    from rnr.scoring.compiled import (
        CompiledInstrument as CompiledInstrument,
    )
    from rnr.scoring.compiled import (
        answer_matrix as answer_matrix,
    )
    from rnr.scoring.compiled import (
        compile_instrument as compile_instrument,
    )
    from rnr.scoring.compiled import (
        outcome_codes as outcome_codes,
    )
    from rnr.scoring.compiled import (
        terms as terms,
    )
    from rnr.scoring.compiled import (
        yes_no_codes as yes_no_codes,
    )
    from rnr.scoring.result import (
        Bounds as Bounds,
    )
    from rnr.scoring.result import (
        DomainScore as DomainScore,
    )
    from rnr.scoring.result import (
        ItemScore as ItemScore,
    )
    from rnr.scoring.result import (
        ScaleScore as ScaleScore,
    )
    from rnr.scoring.result import (
        ScoreResult as ScoreResult,
    )
    from rnr.scoring.result import (
        Step as Step,
    )
    from rnr.scoring.result import (
        TermScore as TermScore,
    )
    from rnr.scoring.single import (
        age_in_years as age_in_years,
    )
    from rnr.scoring.single import (
        check_norm_group as check_norm_group,
    )
    from rnr.scoring.single import (
        is_criminogenic as is_criminogenic,
    )
    from rnr.scoring.single import (
        normalize_responses as normalize_responses,
    )
    from rnr.scoring.single import (
        omission_error as omission_error,
    )
    from rnr.scoring.single import (
        score as score,
    )
    from rnr.scoring.single import (
        sum_bounds as sum_bounds,
    )
