"""Questionnaires as data: load and validate the YAML files in ``instruments/``.

The questionnaires are those of order No. 260, appendices 5 (unit heads) and 6 (corps-B servants).
They are data, not code, so that a body can correct a wording or change the points without a
release; the validator is strict because a silently wrong questionnaire spoils a whole campaign.
Every problem is reported as ``FILE:LINE: message``.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

LANGUAGES = ("kk", "ru", "en")
# Order No. 260 and its forms exist in Kazakh only: the kk text is the order's, ru and en are ours.
OFFICIAL_LANGUAGE = "kk"
SCALE_SIZE = 5  # appendices 5 and 6: five answer options
QUESTIONS_PER_COMPETENCY = 3
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class InstrumentError(Exception):
    def __init__(self, path: str | Path, line: int, message: str):
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{self.path}:{self.line}: {message}")


@dataclass(frozen=True)
class Text:
    """One text in every supported language."""

    kk: str
    ru: str
    en: str

    def __call__(self, language: str) -> str:
        return getattr(self, language, None) or self.kk


@dataclass(frozen=True)
class Option:
    points: int
    label: Text


@dataclass(frozen=True)
class Question:
    id: str
    text: Text
    self_text: Text


@dataclass(frozen=True)
class Competency:
    id: str
    name: Text
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Instrument:
    id: str
    title: Text
    intro: Text
    source: Mapping[str, object]
    scale: tuple[Option, ...]
    competencies: tuple[Competency, ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for c in self.competencies for q in c.questions)

    @property
    def points(self) -> tuple[int, ...]:
        return tuple(o.points for o in self.scale)

    def competency_of(self, question_id: str) -> str:
        return question_id.split(".", 1)[0]

    def question_number(self, question_id: str) -> str:
        """The number the questionnaire shows a rater («3.2»: the competency's, then the question's):
        a page names a question by it, never by its id."""
        for c_number, competency in enumerate(self.competencies, 1):
            for q_number, question in enumerate(competency.questions, 1):
                if question.id == question_id:
                    return f"{c_number}.{q_number}"
        return question_id

    @property
    def max_points(self) -> int:
        return max(self.points)


class _InstrumentReader:
    """Walks the YAML node tree, keeping line numbers, and collects every problem at once."""

    def __init__(self, path: Path):
        self.path = path
        self.errors: list[InstrumentError] = []

    def error(self, node: Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.errors.append(InstrumentError(self.path, line, message))

    def mapping(self, node: Node, where: str, required: Iterable[str], optional: Iterable[str] = ()):
        if not isinstance(node, MappingNode):
            self.error(node, f"{where} must be a mapping")
            return None
        required, allowed = tuple(required), set(required) | set(optional)
        out: dict[str, Node] = {}
        for key_node, value in node.value:
            key = key_node.value
            if key in out:
                self.error(key_node, f"{where}: key '{key}' appears twice")
            elif key not in allowed:
                self.error(key_node, f"{where}: unknown key '{key}' (allowed: {', '.join(sorted(allowed))})")
            out[key] = value
        for key in required:
            if key not in out:
                self.error(node, f"{where}: missing '{key}'")
        return out

    def sequence(self, node: Node, where: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.error(node, f"{where} must be a list")
            return []
        return list(node.value)

    def string(self, node: Node, where: str) -> str:
        if not isinstance(node, ScalarNode) or not str(node.value).strip():
            self.error(node, f"{where} must be a non-empty text")
            return ""
        return str(node.value).strip()

    def integer(self, node: Node, where: str) -> int | None:
        if isinstance(node, ScalarNode) and re.fullmatch(r"-?\d+", str(node.value)):
            return int(node.value)
        self.error(node, f"{where} must be a whole number")
        return None

    def text(self, node: Node, where: str) -> Text:
        fields = self.mapping(node, where, (), LANGUAGES)
        if fields is None:
            return Text("", "", "")
        values = {}
        for language in LANGUAGES:
            if language not in fields:
                self.error(node, f"{where} has no '{language}' text")
                values[language] = ""
            else:
                values[language] = self.string(fields[language], f"{where} '{language}'")
        return Text(**values)


def _read(path: Path, source: str) -> Instrument | None:
    reader = _InstrumentReader(path)
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise InstrumentErrors([InstrumentError(path, line, f"not valid YAML: {problem}")]) from None
    if root is None:
        raise InstrumentErrors([InstrumentError(path, 1, "the file is empty")])

    top = reader.mapping(root, "instrument", ("id", "title", "source", "scale", "competencies"), ("intro",))
    if top is None:
        raise InstrumentErrors(reader.errors)

    instrument_id = reader.string(top["id"], "id") if "id" in top else ""
    if instrument_id and not _ID.match(instrument_id):
        reader.error(top["id"], f"id '{instrument_id}' must be lower-case letters, digits and '_'")
    title = reader.text(top["title"], "title") if "title" in top else None
    intro = reader.text(top["intro"], "intro") if "intro" in top else Text("", "", "")
    source_info: dict[str, object] = {}
    if "source" in top:
        fields = reader.mapping(top["source"], "source", ("document",), ("appendix", "translation"))
        for key, value in (fields or {}).items():
            source_info[key] = reader.string(value, f"source '{key}'")

    scale: list[Option] = []
    if "scale" in top:
        items = reader.sequence(top["scale"], "scale")
        if isinstance(top["scale"], SequenceNode) and len(items) != SCALE_SIZE:
            reader.error(top["scale"], f"scale has {len(items)} options; order No. 260 (appendices 5-6) sets {SCALE_SIZE}")
        previous = None
        for i, item in enumerate(items, 1):
            fields = reader.mapping(item, f"scale option {i}", ("points", "label"))
            if not fields:
                continue
            points = reader.integer(fields["points"], f"scale option {i} points") if "points" in fields else None
            label = reader.text(fields["label"], f"scale option {i} label") if "label" in fields else None
            if points is not None and previous is not None and points <= previous:
                reader.error(fields["points"], f"scale option {i}: points {points} do not increase (previous option has {previous})")
            if points is not None:
                previous = points
                if label is not None:
                    scale.append(Option(points, label))

    competencies: list[Competency] = []
    seen: dict[str, int] = {}

    def claim(node: Node, ident: str, what: str) -> None:
        if ident in seen:
            reader.error(node, f"duplicate {what} id '{ident}' (first at line {seen[ident]})")
        else:
            seen[ident] = node.start_mark.line + 1

    if "competencies" in top:
        c_nodes = reader.sequence(top["competencies"], "competencies")
        if isinstance(top["competencies"], SequenceNode) and not c_nodes:
            reader.error(top["competencies"], "competencies: the questionnaire has no competency")
        for c_node in c_nodes:
            fields = reader.mapping(c_node, "competency", ("id", "name", "questions"))
            if not fields:
                continue
            cid = reader.string(fields["id"], "competency id") if "id" in fields else ""
            where = f"competency '{cid}'"
            if cid:
                if not _ID.match(cid):
                    reader.error(fields["id"], f"{where}: id must be lower-case letters, digits and '_'")
                claim(fields["id"], cid, "competency")
            name = reader.text(fields["name"], f"{where} name") if "name" in fields else None
            questions: list[Question] = []
            q_nodes = reader.sequence(fields["questions"], f"{where} questions") if "questions" in fields else []
            if "questions" in fields and len(q_nodes) != QUESTIONS_PER_COMPETENCY:
                reader.error(fields["questions"], f"{where} has {len(q_nodes)} questions; every competency has {QUESTIONS_PER_COMPETENCY}")
            for q_node in q_nodes:
                q_fields = reader.mapping(q_node, f"question of {where}", ("id", "text"), ("self_text",))
                if not q_fields:
                    continue
                qid = reader.string(q_fields["id"], "question id") if "id" in q_fields else ""
                if qid:
                    if not re.fullmatch(rf"{re.escape(cid)}\.[1-9][0-9]*", qid):
                        reader.error(q_fields["id"], f"question id '{qid}' must be '{cid}.<n>'")
                    claim(q_fields["id"], qid, "question")
                text = reader.text(q_fields["text"], f"question '{qid}' text") if "text" in q_fields else None
                self_text = (
                    reader.text(q_fields["self_text"], f"question '{qid}' self_text")
                    if "self_text" in q_fields else text
                )
                if qid and text and self_text:
                    questions.append(Question(qid, text, self_text))
            if cid and name:
                competencies.append(Competency(cid, name, tuple(questions)))

    if reader.errors:
        raise InstrumentErrors(reader.errors)
    return Instrument(instrument_id, title, intro, source_info, tuple(scale), tuple(competencies))


class InstrumentErrors(Exception):
    """All the problems found in one or more files."""

    def __init__(self, errors: list[InstrumentError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def load(path: str | Path) -> Instrument:
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstrumentErrors([InstrumentError(path, 1, f"cannot read the file: {exc}")]) from None
    return _read(path, source)


def check(paths: Iterable[str | Path]) -> list[InstrumentError]:
    """Every problem in the given files, and ids claimed by two files."""
    return _checked(paths)[0]


def _checked(paths: Iterable[str | Path]) -> tuple[list[InstrumentError], list[Instrument]]:
    """Each file parsed once: its problems, or its questionnaire."""
    errors: list[InstrumentError] = []
    loaded: list[Instrument] = []
    owners: dict[str, Path] = {}
    for path in paths:
        try:
            instrument = load(path)
        except InstrumentErrors as exc:
            errors.extend(exc.errors)
            continue
        if instrument.id in owners:
            errors.append(InstrumentError(path, 1, f"instrument id '{instrument.id}' is also used by {owners[instrument.id]}"))
        owners[instrument.id] = Path(path)
        loaded.append(instrument)
    return errors, loaded


def files_in(directory: str | Path) -> list[Path]:
    return sorted(Path(directory).glob("*.yaml"))


def load_all(directory: str | Path) -> dict[str, Instrument]:
    """Load every instrument of a folder or raise with all the problems of all of them.

    A folder already read, whose files have not changed since, is not parsed again: every
    application built in one process (the public and the staff one, a test's) shares its
    questionnaires, which are frozen."""
    paths = files_in(directory)
    if not paths:
        raise InstrumentErrors([InstrumentError(directory, 1, "no instrument (*.yaml) in this folder")])
    signature = tuple((str(p.resolve()), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    return dict(_load_unchanged(signature))


@functools.lru_cache(maxsize=16)
def _load_unchanged(signature: tuple[tuple[str, int, int], ...]) -> tuple[tuple[str, Instrument], ...]:
    errors, loaded = _checked(Path(name) for name, _mtime, _size in signature)
    if errors:
        raise InstrumentErrors(errors)
    return tuple((i.id, i) for i in loaded)


def for_role(instruments: Mapping[str, Instrument], role: str) -> Instrument:
    """Unit heads answer the appendix 5 questionnaire, corps-B servants appendix 6 (para 34)."""
    return instruments[role]


def is_translation(language: str) -> bool:
    """Whether a text in ``language`` is our translation of the order rather than its own words,
    so that a reader of a questionnaire, a blank or a report is told the Kazakh text prevails."""
    return language != OFFICIAL_LANGUAGE
