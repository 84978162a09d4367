"""The training-topics catalogue: which courses answer which competency (order No. 260, para 37).

Para 37 has the least-developed competencies choose the training topics; the order names no
topics, so they are data (``catalogue.yaml``) that a body rewrites for its own training plan, in
Kazakh, Russian and English. The validator reports every problem as ``FILE:LINE: message``, as
``instruments.py`` does for the questionnaires.

A broken catalogue does not stop the platform: respondents keep answering, and the trainers' page
names each problem in place of the proposed topics (``survey training topics-check`` lists them
too). A broken questionnaire is different, since it would spoil answers; a broken list of
courses spoils nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from survey.core.instruments import LANGUAGES, Text

DEFAULT_FILE = Path(__file__).resolve().parent / "catalogue.yaml"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class TopicError(Exception):
    def __init__(self, path: str | Path, line: int, message: str):
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{self.path}:{self.line}: {message}")


class TopicErrors(Exception):
    """Every problem found in the catalogue."""

    def __init__(self, errors: list[TopicError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass(frozen=True)
class Topic:
    id: str
    competency_id: str
    title: Text
    description: Text


@dataclass(frozen=True)
class Catalogue:
    path: Path
    by_competency: Mapping[str, tuple[Topic, ...]]

    def for_competency(self, competency_id: str) -> tuple[Topic, ...]:
        return self.by_competency.get(competency_id, ())

    @property
    def topics(self) -> tuple[Topic, ...]:
        return tuple(t for topics in self.by_competency.values() for t in topics)


class _CatalogueReader:
    def __init__(self, path: Path):
        self.path = path
        self.errors: list[TopicError] = []

    def error(self, node: Node | None, message: str) -> None:
        self.errors.append(TopicError(self.path, node.start_mark.line + 1 if node is not None else 1, message))

    def mapping(self, node: Node, where: str, required: Iterable[str] = (), allowed: Iterable[str] | None = None):
        if not isinstance(node, MappingNode):
            self.error(node, f"{where} must be a mapping")
            return None
        required = tuple(required)
        allowed_set = None if allowed is None else set(required) | set(allowed)
        out: dict[str, tuple[Node, Node]] = {}
        for key_node, value in node.value:
            key = str(key_node.value)
            if key in out:
                self.error(key_node, f"{where}: key '{key}' appears twice")
                continue
            if allowed_set is not None and key not in allowed_set:
                self.error(key_node, f"{where}: unknown key '{key}' (allowed: {', '.join(sorted(allowed_set))})")
                continue
            out[key] = (key_node, value)
        for key in required:
            if key not in out:
                self.error(node, f"{where}: missing '{key}'")
        return out

    def string(self, node: Node, where: str) -> str:
        if not isinstance(node, ScalarNode) or not str(node.value).strip():
            self.error(node, f"{where} must be a non-empty text")
            return ""
        return str(node.value).strip()

    def text(self, node: Node, where: str) -> Text:
        fields = self.mapping(node, where, allowed=LANGUAGES)
        if fields is None:
            return Text("", "", "")
        values = {}
        for language in LANGUAGES:
            if language in fields:
                values[language] = self.string(fields[language][1], f"{where} '{language}'")
            else:
                self.error(node, f"{where} has no '{language}' text")
                values[language] = ""
        return Text(**values)


def parse(path: str | Path, source: str, competencies: Mapping[str, str]) -> Catalogue:
    """The catalogue in ``source``; ``competencies`` maps each competency id of the questionnaires
    to the file that defines it, so that a typo in an id and a competency left without topics are
    both caught."""
    path = Path(path)
    reader = _CatalogueReader(path)
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise TopicErrors([TopicError(path, mark.line + 1 if mark else 1, f"not valid YAML: {problem}")]) from None
    if root is None:
        raise TopicErrors([TopicError(path, 1, "the file is empty")])
    top = reader.mapping(root, "catalogue", ("competencies",), ())
    if top is None or "competencies" not in top:
        raise TopicErrors(reader.errors)
    entries = reader.mapping(top["competencies"][1], "competencies")
    by_competency: dict[str, tuple[Topic, ...]] = {}
    seen: dict[str, int] = {}
    for competency_id, (key_node, value) in (entries or {}).items():
        if competency_id not in competencies:
            known = ", ".join(sorted(competencies))
            reader.error(key_node, f"'{competency_id}' is not a competency of the questionnaires (known: {known})")
            continue
        if not isinstance(value, SequenceNode) or not value.value:
            reader.error(value, f"competency '{competency_id}' must have a list of at least one topic")
            continue
        topics = []
        for item in value.value:
            fields = reader.mapping(item, f"topic of '{competency_id}'", ("id", "title", "description"), ())
            if fields is None:
                continue
            topic_id = reader.string(fields["id"][1], "topic id") if "id" in fields else ""
            if topic_id:
                if not _ID.match(topic_id):
                    reader.error(fields["id"][1], f"topic id '{topic_id}' must be lower-case letters, digits and '_'")
                elif topic_id in seen:
                    reader.error(fields["id"][1], f"duplicate topic id '{topic_id}' (first at line {seen[topic_id]})")
                else:
                    seen[topic_id] = fields["id"][1].start_mark.line + 1
            where = f"topic '{topic_id or '?'}'"
            title = reader.text(fields["title"][1], f"{where} title") if "title" in fields else None
            description = reader.text(fields["description"][1], f"{where} description") if "description" in fields else None
            if topic_id and title and description:
                topics.append(Topic(topic_id, competency_id, title, description))
        by_competency[competency_id] = tuple(topics)
    if entries is not None:
        for competency_id, owner in sorted(competencies.items()):
            if competency_id not in entries:
                reader.error(top["competencies"][1],
                             f"competency '{competency_id}' (in {owner}) has no training topics")
    if reader.errors:
        raise TopicErrors(reader.errors)
    return Catalogue(path, by_competency)


def load(path: str | Path, competencies: Mapping[str, str]) -> Catalogue:
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TopicErrors([TopicError(path, 1, f"cannot read the file: {exc}")]) from None
    return parse(path, source, competencies)


def competencies_of(instruments: Mapping[str, object]) -> dict[str, str]:
    """Competency id -> the questionnaire that first defines it (for error messages)."""
    out: dict[str, str] = {}
    for instrument in instruments.values():
        for competency in instrument.competencies:
            out.setdefault(competency.id, f"{instrument.id} questionnaire")
    return out
