"""Every entry of the audit log reads in the reader's language: each action the code records has a
name in ``audit.ACTIONS``, and each detail it records is either names and figures only or has one
of the shapes in ``audit.DETAILS``, which the page translates.

The code is read, not run: every call that records an entry (``audit.record``, the pages' ``log_action``,
a job's ``audit_action``) is followed back to the strings it can be given, through the variables,
parameters and callers on the way. A call whose action cannot be followed to a literal fails too:
an action must be written where it is recorded, so that it can be looked up.
"""
from __future__ import annotations

import ast
import datetime as dt
import functools
import html
import itertools
import re
from pathlib import Path

import pytest
from babel.dates import format_date
from flask_babel import force_locale, gettext
from sqlalchemy import select

import crawling
from conftest import ROOT
from survey.core.models import AuditEntry
from survey.operations import every_job, jobs
from survey.staff import audit

PACKAGE = ROOT / "survey"
VALUE = "\x00"  # a name, a number, a date: what a detail carries as it is
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


class Unresolved(Exception):
    pass


class Source:
    """The package's modules, with each node's function and each function's callers."""

    def __init__(self, folder: Path):
        self.trees = {path: ast.parse(path.read_text(encoding="utf-8"), str(path))
                      for path in sorted(folder.rglob("*.py")) if "migrations" not in path.parts}
        self.parent: dict[ast.AST, ast.AST] = {}
        self.module: dict[ast.AST, Path] = {}
        self.functions: dict[str, list[ast.AST]] = {}
        for path, tree in self.trees.items():
            for node in ast.walk(tree):
                self.module[node] = path
                for child in ast.iter_child_nodes(node):
                    self.parent[child] = node
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.functions.setdefault(node.name, []).append(node)

    def where(self, node: ast.AST) -> str:
        return f"{self.module[node].relative_to(ROOT)}:{node.lineno}"

    def scope(self, node: ast.AST) -> ast.AST:
        while node in self.parent and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            node = self.parent[node]
        return node

    def calls(self, name: str):
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and _called(node) == name:
                    yield node

    def recorded(self):
        """(action node, detail node or None) of every call that writes an entry."""
        for tree in self.trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and _called(node) == "record" and _is_audit(node.func):
                    args = _arguments(node, ("session", "actor", "action", "detail"))
                    yield args["action"], args.get("detail")

    def resolve(self, node: ast.AST | None, *, strict: bool, seen=frozenset()) -> set[str]:
        """The strings ``node`` can be; a value it carries as it is is ``VALUE`` (refused if ``strict``)."""
        if node is None:
            return {""}
        if node in seen:
            return {VALUE}
        seen = seen | {node}
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return {node.value}
            return self._value(node, strict)
        if isinstance(node, ast.JoinedStr):
            parts = [self.resolve(v, strict=strict, seen=seen) for v in node.values]
            return {"".join(p) for p in itertools.product(*parts)}
        if isinstance(node, ast.FormattedValue):
            if isinstance(node.value, (ast.Constant, ast.IfExp, ast.JoinedStr, ast.Call)):
                return self.resolve(node.value, strict=strict, seen=seen)
            return self._value(node, strict)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.resolve(node.left, strict=strict, seen=seen), self.resolve(node.right, strict=strict, seen=seen)
            return {a + b for a in left for b in right}
        if isinstance(node, ast.IfExp):
            return self.resolve(node.body, strict=strict, seen=seen) | self.resolve(node.orelse, strict=strict, seen=seen)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join"
                and isinstance(node.func.value, ast.Constant) and node.args
                and isinstance(node.args[0], (ast.GeneratorExp, ast.ListComp))):
            # parts joined: each part is a detail of its own (``audit.described`` reads them apart)
            return self.resolve(node.args[0].elt, strict=strict, seen=seen)
        if isinstance(node, ast.Call) and _called(node) in self.functions:
            # a function of ours (``outcome.describe()``, ``send(...)``): what it returns
            return set().union(*(self.returned(f, strict=strict, seen=seen) for f in self.functions[_called(node)]))
        if isinstance(node, ast.Lambda):
            return self.resolve(node.body, strict=strict, seen=seen)
        # a name, or a detail made by a function given as a parameter: what it is given
        name = node.func if isinstance(node, ast.Call) else node
        given = self._given(name) if isinstance(name, ast.Name) else []
        if given:
            return set().union(*(self.resolve(value, strict=strict, seen=seen) for value in given))
        return self._value(node, strict)

    def returned(self, function: ast.AST, *, strict: bool, seen=frozenset()) -> set[str]:
        found = set()
        for node in ast.walk(function):
            if isinstance(node, ast.Return) and self.scope(node) is function:
                found |= self.resolve(node.value, strict=strict, seen=seen)
        return found

    def at(self, filename: str, line: int) -> ast.AST:
        """The function or lambda that starts on ``line`` of ``filename`` (a job's runner)."""
        tree = self.trees[Path(filename)]
        return next(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda)) and n.lineno == line)

    def _value(self, node: ast.AST, strict: bool) -> set[str]:
        if strict:
            raise Unresolved(f"{self.where(node)}: {ast.unparse(node)}")
        return {VALUE}

    def _given(self, name: ast.Name) -> list[ast.AST]:
        """What a name holds: its assignments in the function, or what the callers pass for a parameter."""
        scope = self.scope(name)
        assigned = [n.value for n in ast.walk(scope) if isinstance(n, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == name.id for t in n.targets)]
        added = [n.value for n in ast.walk(scope) if isinstance(n, ast.AugAssign) and isinstance(n.op, ast.Add)
                 and isinstance(n.target, ast.Name) and n.target.id == name.id]
        if assigned:
            # ``text += …`` in some cases: the value with each selection of what may be added, in order
            return [functools.reduce(lambda a, b: ast.BinOp(a, ast.Add(), b), (first, *chosen))
                    for first in assigned for n in range(len(added) + 1)
                    for chosen in itertools.combinations(added, n)]
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            parameters = [a.arg for a in scope.args.posonlyargs + scope.args.args + scope.args.kwonlyargs]
            if name.id in parameters and not isinstance(scope, ast.Lambda):
                found = []
                for call in self.calls(scope.name):
                    given = _arguments(call, parameters).get(name.id)
                    found += [given.body if isinstance(given, ast.Lambda) else given] if given is not None else []
                defaults = dict(zip(reversed(scope.args.args), reversed(scope.args.defaults)))
                found += [d for a, d in defaults.items() if a.arg == name.id]
                if found:
                    return found
        return []


def _called(call: ast.Call) -> str | None:
    return call.func.id if isinstance(call.func, ast.Name) else (
        call.func.attr if isinstance(call.func, ast.Attribute) else None)


def _is_audit(func: ast.AST) -> bool:
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "audit"


def _arguments(call: ast.Call, names) -> dict[str, ast.AST]:
    given = dict(zip(names, call.args))
    given.update({k.arg: k.value for k in call.keywords if k.arg})
    return given


@pytest.fixture(scope="module")
def source():
    return Source(PACKAGE)


@pytest.fixture(scope="module")
def recorded(source):
    """Every action the code can record, and every shape of detail."""
    actions, details, unresolved = set(), {}, []
    for action, detail in source.recorded():
        if isinstance(action, ast.Attribute) and action.attr == "audit_action":
            continue  # a job's: the registered kinds below
        try:
            codes = source.resolve(action, strict=True)
        except Unresolved as exc:
            unresolved.append(str(exc))
            continue
        actions |= codes
        for shape in source.resolve(detail, strict=False):
            details.setdefault(shape, set()).update(codes)
    assert every_job  # every kind registered
    for kind in jobs.KINDS.values():
        actions.add(kind.audit_action)
        runner = source.at(kind.run.__code__.co_filename, kind.run.__code__.co_firstlineno)
        for shape in source.returned(runner, strict=False) if isinstance(runner, ast.FunctionDef) else (
                source.resolve(runner, strict=False)):
            details.setdefault(shape, set()).add(kind.audit_action)
    return actions, details, unresolved


def test_every_recorded_action_is_written_where_it_is_recorded(recorded):
    assert recorded[2] == []


def test_every_recorded_action_has_a_name(recorded):
    actions = recorded[0]
    assert {"rater-add", "reports-publish", "sign-in", "campaign-exclude", "calibration-decide", "raters-import",
            "campaign-close", "email-invitations", "email-report-links"} <= actions  # the reading follows them all
    assert sorted(actions - set(audit.ACTIONS)) == []


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_action_name_is_translated(app, language):
    with app.test_request_context(), force_locale(language):
        assert [code for code, name in audit.ACTIONS.items() if gettext(name) == name] == []


def _template_shape(template: str) -> re.Pattern:
    """A template of ``audit.DETAILS`` as a pattern of the shapes it reads: any value where it has one."""
    parts = re.split(r"%\(\w+\)s", template)
    return re.compile(".+?".join(re.escape(p) for p in parts))


def test_every_detail_in_words_has_a_translated_shape(recorded):
    """A detail with words («7 reports», «valid 30 days», «with a one-time code») must have its
    shape in ``audit.DETAILS``; one of names and figures only needs none. Parts apart by "; " are
    read apart, as the page reads them."""
    shapes = [_template_shape(t) for t in audit.DETAILS]
    wordy = {}
    for shape, codes in recorded[1].items():
        for part in shape.split("; "):
            if LATIN_WORD.search(part.replace(VALUE, " ")) and not any(s.fullmatch(part) for s in shapes):
                wordy[part.replace(VALUE, "…")] = sorted(codes)
    assert wordy == {}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_page_translates_each_shape_and_the_words_inside(app, language):
    values = {"campaign": "Бағалау 2026", "unit": audit.ALL_UNITS, "only": "S1", "file": "roster.csv", "person": "S1",
              "language": "ru", "email": "a@body.kz", "client": "10.0.0.1", "role": "hr-head", "before": "trainer",
              "status": "leave", "since": "2026-03-14", "until": "2026-03-28", "names": "Әсел Аянова, Аян Бекұлы"}
    with app.test_request_context(), force_locale(language):
        for template in audit.DETAILS:
            names = re.findall(r"%\((\w+)\)s", template)
            detail = template % {n: values.get(n, "7") for n in names}
            shown = audit.described(detail, gettext)
            words = [w for w in LATIN_WORD.findall(re.sub(r"[\w.+-]+@[\w.-]+|roster\.csv", "", shown))]
            assert words == [] and shown != detail, (template, shown)


# --- the page, as a reader in Kazakh or Russian reads it ------------------------------------------

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture
def world(app, store, staff):
    return crawling.world(app, store)


def _details(page: str) -> list[str]:
    """The details column of the audit page, one cell a row."""
    return [html.unescape(cell) for cell in re.findall(r'<td data-label="[^"]+">([^<]*)</td></tr>', page)]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_page_writes_days_and_questionnaires_as_its_reader_does(app, store, world, language):
    """A new last day, a schedule's approval, a status's period and a cohort download keep their
    days and questionnaire as codes (ISO days, ``servant``); the page writes a day as every other
    page does and names the questionnaire in the reader's language."""
    with store.transaction() as session:
        recorded = {e.action for e in session.scalars(select(AuditEntry))}
    assert {"campaign-extend", "campaign-approve", "person-standing", "training-cohorts-export"} <= recorded
    client = crawling.signed_in(app, "hr", language)
    details = _details(client.get(f"/hr/audit?lang={language}").get_data(as_text=True))
    today = format_date(dt.date.today(), "medium", locale=language)
    with app.test_request_context(), force_locale(language):
        servants = gettext("Corps-B servants")
    assert [d for d in details if ISO_DAY.search(d)] == []
    assert [d for d in details if re.search(r"\b(servant|head)\b", d)] == []
    assert any(d.startswith(f"Бағалау 2027: {crawling.NAMES['D1']}, {today}") for d in details), details
    assert any(d.startswith("Бағалау 2025") and servants in d for d in details), details
    assert any(d.startswith("S5: ") and today in d for d in details), details


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_an_entry_recorded_before_reads_the_same(app, language):
    """Older entries hold the same text: a day and a questionnaire in them are read on showing."""
    with app.test_request_context(), force_locale(language):
        shown = audit.described("Бағалау 2024: 2024-12-20", gettext, action="campaign-extend",
                                day=lambda d: format_date(d, "medium", locale=language),
                                questionnaire={"head": gettext("Unit heads")}.get)
        cohort = audit.described("Бағалау 2024, head, Қаржы басқармасы", gettext, action="training-cohorts-export",
                                 questionnaire={"head": gettext("Unit heads")}.get)
        unit_only = audit.described("Бағалау 2024, Қаржы басқармасы", gettext, action="training-cohorts-export",
                                    questionnaire={"head": gettext("Unit heads")}.get)
    assert shown == "Бағалау 2024: " + format_date(dt.date(2024, 12, 20), "medium", locale=language)
    assert cohort == f"Бағалау 2024, {gettext_in(app, language, 'Unit heads')}, Қаржы басқармасы"
    assert unit_only == "Бағалау 2024, Қаржы басқармасы"


def gettext_in(app, language: str, message: str) -> str:
    with app.test_request_context(), force_locale(language):
        return gettext(message)



def test_a_staff_page_records_an_entry_in_one_place(source):
    """Every entry a staff page records goes through one function, which names the signed-in
    account as the actor: no page writes its own."""
    recording = {(source.module[n].relative_to(ROOT).as_posix(), source.scope(n).name)
                 for tree in source.trees.values() for n in ast.walk(tree)
                 if isinstance(n, ast.Call) and _called(n) == "record" and _is_audit(n.func)
                 and (PACKAGE / "web") in source.module[n].parents}
    assert len(recording) == 1, sorted(recording)


def test_a_status_period_reads_as_words_in_english_too(app):
    """A period is recorded as a notation (``leave 2026-03-14..2026-03-28``); the page writes it in
    words in every language, English included, where the recorded shape has no translation."""
    day = lambda d: format_date(d, "medium", locale="en")  # noqa: E731
    with app.test_request_context(), force_locale("en"):
        shown = [audit.described(detail, gettext, day=day) for detail in
                 ("S1: leave 2026-03-14..2026-03-28", "S1: leave 2026-03-14", "S1: leave..2026-03-28")]
    assert [".." in text for text in shown] == [False] * 3, shown
    assert " from Mar 14, 2026 to Mar 28, 2026" in shown[0] and shown[1].endswith(" since Mar 14, 2026"), shown
    assert shown[2].endswith(" until Mar 28, 2026"), shown
