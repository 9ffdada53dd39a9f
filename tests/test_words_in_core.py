"""Core writes no sentence: its string constants are codes, identifiers and error messages.

Every word a person reads lives in the message catalogue
(``rnr/render/messages``); core returns a :class:`~rnr.text.Message` (a code
and its parameters) or a :class:`~rnr.text.Text` a definition file gives.
This test reads the source of the core packages with :mod:`ast` and flags a
string constant (f-string parts included) that looks like words for a
reader: a Spanish letter anywhere but a docstring, or a common Spanish or
English word outside a message for the developer, which stays English: what
is raised or asserted, kept in ``msg`` or ``expected``, or reported by a
definition checker (``fail``, ``note``, ``problems.append``), and what the
module builds into such a message (a local it reads, a function it calls, an
argument it passes to a function of its own that puts it into one).

``CORE`` names the packages checked: every core package, and the service
(``history``, ``simulate``), which takes its words from the catalogue too.
The codes core returns must be keys of the catalogue.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import rnr
from rnr.cases.legal import OFFENCES
from rnr.cases.overrides import REASONS
from rnr.render.messages import LOCALES, catalogue

ROOT = Path(rnr.__file__).parent
#: The packages that must hold no sentence: core, definitions and the service.
CORE = (
    "cases", "scoring", "policy", "plan", "change", "indicators", "validity", "definitions",
    "history", "simulate",
)  # fmt: skip
#: Modules whose sentences are known and still to move into the catalogue.
PENDING: dict[str, str] = {}
#: Letters only Spanish writes.
SPANISH = re.compile(r"[áéíóúñ¿¡ÁÉÍÓÚÑ]")
#: Words a sentence, Spanish or English, can hardly do without.
FRAGMENTS = re.compile(r"\b(?:[Ll]as?|[Ll]os|[Ee]l|[Dd]el?|que|[Tt]he|of|is|are|would)\b")
#: A code or an identifier: no space (``policy.nearest_up``, ``LAS``, ``is``).
CODE = re.compile(r"\S*")
#: Names a message for the developer is kept in (or made by) before it is raised or reported.
MESSAGE_NAMES = frozenset({"msg", "message", "expected"})
#: Keyword arguments that hand a checker what it expects (``want_str(..., what=PLAIN_WHAT)``).
MESSAGE_KEYWORDS = MESSAGE_NAMES | {"what"}
#: Functions that report a problem of a definition or case file to its author.
REPORTERS = frozenset({"fail", "_fail", "note", "_bad"})


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the constants that are docstrings (module, class, function)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _seeds(scope: ast.AST) -> list[ast.AST]:
    """Where a developer's message is written: raised, asserted, reported, kept in ``msg``
    or handed to a checker as what it expects (``what=``, ``expected=``)."""
    out: list[ast.AST] = []
    for node in ast.walk(scope):
        if isinstance(node, ast.Raise):
            out.append(node)
        elif isinstance(node, ast.Assert) and node.msg is not None:
            out.append(node.msg)
        elif (isinstance(node, ast.Call) and _reports(node.func)) or _targets(node) & MESSAGE_NAMES:
            out.append(node)
        elif isinstance(node, ast.Call):
            out += [k.value for k in node.keywords if k.arg in MESSAGE_KEYWORDS]
    return out


def _targets(node: ast.AST) -> set[str]:
    """The names a statement binds (assignment or ``for`` target)."""
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign | ast.AugAssign | ast.For):
        targets = [node.target]
    else:
        return set()
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _reports(func: ast.expr) -> bool:
    """Whether a call reports a problem (a checker's ``fail``, ``problems.append``)."""
    if isinstance(func, ast.Attribute):
        owner = func.value
        if func.attr == "append" and isinstance(owner, ast.Name):
            return owner.id == "problems"
        return func.attr in REPORTERS
    return isinstance(func, ast.Name) and func.id in REPORTERS


def _called(node: ast.AST) -> set[str]:
    """The names of the functions and methods called inside ``node``."""
    out = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            out.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return out


def _for_developers(tree: ast.Module) -> set[int]:
    """The ids of the constants that end up in a message for the developer.

    A message raised, asserted, reported by a checker or kept in ``msg``
    (or returned by a function named like one, ``expected()``); then, to a
    fixed point, what a function builds into it: a local the message reads
    (``expected = "one of " + ...``), what a function of the module it
    calls returns, and what the module passes to a function of its own for
    a parameter that function builds into a message
    (``self.check_hash(row, "the objective catalogue", ...)``).
    """
    scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)] + [tree]
    functions = {f.name: f for f in scopes if isinstance(f, ast.FunctionDef)}
    members = {id(scope): {id(n) for n in ast.walk(scope)} for scope in scopes}
    in_functions = set().union(*(members[id(f)] for f in functions.values()))
    members[id(tree)] -= in_functions  # the module's own statements only
    regions = {id(r): r for scope in scopes for r in _seeds(scope)}
    regions |= {id(f): f for name, f in functions.items() if name in MESSAGE_NAMES}
    grown = True
    while grown:
        grown = False
        called = set().union(*(_called(r) for r in regions.values()))
        found: list[ast.AST] = [
            ret
            for name in called & set(functions)
            for ret in ast.walk(functions[name])
            if isinstance(ret, ast.Return) and ret.value is not None
        ]
        passed: dict[str, set[str]] = {}
        # A module constant handed over whole (``what=PLAIN_WHAT``) is the developer's too;
        # one a message only draws on (``", ".join(REASONS)``) is not.
        handed = {r.id for r in regions.values() if isinstance(r, ast.Name)}
        for scope in scopes:
            inside = [r for key, r in regions.items() if key in members[id(scope)]]
            read = {n.id for r in inside for n in ast.walk(r) if isinstance(n, ast.Name)}
            if scope is tree:
                read |= handed
            found += [
                n for n in ast.walk(scope) if id(n) in members[id(scope)] and _targets(n) & read
            ]
            if isinstance(scope, ast.FunctionDef):
                passed[scope.name] = read & {a.arg for a in _parameters(scope)}
        found += _arguments_for(tree, functions, passed)
        for node in found:
            if id(node) not in regions:
                regions[id(node)] = node
                grown = True
    return {id(n) for r in regions.values() for n in ast.walk(r) if isinstance(n, ast.Constant)}


def _parameters(function: ast.FunctionDef) -> list[ast.arg]:
    """A function's parameters in call order (positional, then keyword-only)."""
    args = function.args
    return [*args.posonlyargs, *args.args, *args.kwonlyargs]


def _arguments_for(
    tree: ast.Module, functions: dict[str, ast.FunctionDef], passed: dict[str, set[str]]
) -> list[ast.AST]:
    """The arguments the module gives, in its calls, for the ``passed`` parameters of its functions.

    A method called as ``self.name(...)`` or ``obj.name(...)`` skips its ``self`` or ``cls``.
    """
    out: list[ast.AST] = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        wanted = passed.get(name)
        if not wanted:
            continue
        positional = [
            a.arg for a in (*functions[name].args.posonlyargs, *functions[name].args.args)
        ]
        if isinstance(func, ast.Attribute) and positional[:1] in (["self"], ["cls"]):
            positional = positional[1:]
        out += [a for a, param in zip(call.args, positional, strict=False) if param in wanted]
        out += [k.value for k in call.keywords if k.arg in wanted]
    return out


def sentences(path: Path) -> Iterator[tuple[int, str]]:
    """``(line, text)`` of each string constant of ``path`` that reads like words."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstrings, developers = _docstrings(tree), _for_developers(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        if id(node) in docstrings:
            continue
        if _reads_like_words(node.value, for_developer=id(node) in developers):
            yield node.lineno, node.value


def _reads_like_words(text: str, *, for_developer: bool) -> bool:
    """Spanish anywhere; a sentence's common words unless a code or a developer's message."""
    if SPANISH.search(text):
        return True
    return not for_developer and not CODE.fullmatch(text) and bool(FRAGMENTS.search(text))


def modules(packages: tuple[str, ...]) -> list[Path]:
    """The source files of ``packages`` (names under ``rnr``)."""
    return sorted(p for name in packages for p in (ROOT / name).rglob("*.py"))


def _cases(packages: tuple[str, ...]) -> list[object]:
    """One test per module; a module with a known sentence still to move is a strict xfail."""
    out: list[object] = []
    for path in modules(packages):
        name = str(path.relative_to(ROOT))
        pending = PENDING.get(name)
        marks = [pytest.mark.xfail(reason=pending, strict=True)] if pending else []
        out.append(pytest.param(path, id=name, marks=marks))
    return out


@pytest.mark.parametrize("path", _cases(CORE))
def test_core_module_holds_no_sentence(path: Path) -> None:
    """A core module returns codes; the catalogue holds the sentences."""
    found = [f"{path.name}:{line}: {text!r}" for line, text in sentences(path)]
    assert [] == found


def codes(path: Path) -> Iterator[tuple[int, str, bool]]:
    """``(line, code, whole)`` of each ``Message(code, ...)`` of ``path``.

    A code written as an f-string gives its leading constant part
    (``f"validity.why_{rate}"`` → ``validity.why_``) with ``whole`` false; a
    choice (``"a.x" if ... else "a.y"``) gives both codes.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "Message" and call.args:
            yield from _written(call.lineno, call.args[0])


def _written(line: int, code: ast.expr) -> Iterator[tuple[int, str, bool]]:
    """The codes an expression writes out: a constant, an f-string's head, both of a choice."""
    if isinstance(code, ast.Constant) and isinstance(code.value, str):
        yield line, code.value, True
    elif isinstance(code, ast.JoinedStr) and code.values:
        head = code.values[0]
        if isinstance(head, ast.Constant) and isinstance(head.value, str):
            yield line, head.value, False
    elif isinstance(code, ast.IfExp):
        yield from _written(line, code.body)
        yield from _written(line, code.orelse)


#: Packages that hold no sentence of their own but return codes: the store's verification.
CODED = ("store",)


@pytest.mark.parametrize("path", modules(CORE + CODED), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_code_is_in_the_catalogue(path: Path) -> None:
    """A ``Message`` code core writes is a key of the catalogue (a built one, a key's prefix)."""
    keys = catalogue("es").entries
    missing = [
        f"{path.name}:{line}: {code!r}"
        for line, code, whole in codes(path)
        if (code not in keys if whole else not any(k.startswith(code) for k in keys))
    ]
    assert [] == missing


def test_every_problem_a_verification_words_is_one_it_finds() -> None:
    """Each sentence of the ``verify`` area (its part names aside) is a code written somewhere."""
    written = {code for path in modules(CORE + CODED) for _, code, _ in codes(path)}
    for lang in LOCALES:
        said = {
            f"verify.{key}"
            for key, entry in catalogue(lang).section("verify").items()
            if key != "parts"
        }
        assert sorted(said - written) == [], lang
        assert {c for c in written if c.startswith("verify.")} <= said, lang


@pytest.mark.parametrize(
    ("table", "known"), [("override_reasons", REASONS), ("offences", OFFENCES)]
)
def test_every_case_code_is_described_in_the_catalogue(table: str, known: tuple[str, ...]) -> None:
    """Core keeps the override reasons and offence categories as codes; the catalogue says them."""
    for lang in LOCALES:
        assert sorted(known) == sorted(catalogue(lang).section("cases")[table]), lang


class TestTheCheck:
    def test_flags_a_spanish_or_english_sentence(self, tmp_path: Path) -> None:
        """A sentence returned to a reader is found, in either language."""
        source = tmp_path / "core.py"
        source.write_text(
            'def f(n):\n    """Docstrings may say anything: el, la, the."""\n'
            '    a = f"La sanción {n} no procede"\n'
            '    b = "the sanction of the case"\n'
            "    return a, b\n",
            encoding="utf-8",
        )
        assert [3, 4] == sorted(line for line, _ in sentences(source))

    def test_allows_codes_and_exception_messages(self, tmp_path: Path) -> None:
        """Codes, identifiers and the English of an exception message pass."""
        source = tmp_path / "core.py"
        source.write_text(
            'WHAT = "an id of the letters of the alphabet"\n'
            "def f(n):\n"
            '    code = f"policy.nearest_{n}"\n'
            '    if n == "sanction_not_eligible":\n'
            '        msg = f"{n}: got the value of {n}, expected one of a, b"\n'
            '        raise ValueError(msg, "is the field")\n'
            '    assert n, "the input is missing"\n'
            '    expected = "one of the " + n\n'
            '    article = "an" if n else "the default"\n'
            '    check.fail("path", n, f"{article} {expected}")\n'
            '    check.want_str(n, "id", "path", what=WHAT)\n'
            "    return code\n",
            encoding="utf-8",
        )
        assert [] == list(sentences(source))

    def test_allows_what_a_function_puts_into_an_exception_message(self, tmp_path: Path) -> None:
        """An argument the module passes to its own function that raises with it is the
        developer's; the same words returned to a reader are not."""
        source = tmp_path / "core.py"
        source.write_text(
            "class Reader:\n"
            "    def check(self, row, what, stored):\n"
            "        if stored != row:\n"
            '            msg = f"record {row}: {what} has changed"\n'
            "            raise ValueError(msg)\n"
            "\n"
            "    def draft(self, row):\n"
            '        self.check(row, "the objective catalogue", 1)\n'
            '        self.check(row, stored=2, what="the policy of the case")\n'
            '        return "the plan of the case"\n',
            encoding="utf-8",
        )
        assert [10] == [line for line, _ in sentences(source)]
