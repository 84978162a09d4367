"""Development advice as data: the behavioural indicators in ``survey/reports/data/indicators.yaml``.

The report shows, for each of the least-developed competencies, what colleagues see when the
competency is strong (effective indicators) and what holds it back (ineffective ones), in the
wording of the older corps-B methodologies (seeds 002 and 003). The file is data so that a body
can put its own indicators there without touching code.

Every line carries where it comes from (document, category row, the seed's competency heading),
because the seeds' headings are not the competencies of order No. 260 and a reader should be able
to find the line in its source. A line whose category was written for the other questionnaire is
refused: the seeds write different behaviour for unit heads and for corps-B servants, and a head
judged by a servant's indicator (or the reverse) would be given the wrong standard.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import yaml

from survey.core.instruments import LANGUAGES, Instrument, Text

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "indicators.yaml"
OFFICIAL = LANGUAGES[0]  # the seeds are in Kazakh: a heading's own wording is its kk text
KINDS = ("effective", "ineffective")


class AdviceError(Exception):
    def __init__(self, path: str | Path, message: str):
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class Origin:
    """Where one indicator comes from: ``document`` and ``category`` are keys of ``sources``,
    ``heading`` the seed's competency heading as it prints it."""

    document: str
    category: str
    heading: str
    document_name: Text
    category_name: Text
    heading_name: Text
    written_for: str  # the questionnaire id ("head", "servant") the category row is written for


@dataclass(frozen=True)
class Indicator:
    text: Text
    origin: Origin


@dataclass(frozen=True)
class Advice:
    competency_id: str
    instrument_id: str
    effective: tuple[Indicator, ...]
    ineffective: tuple[Indicator, ...]

    @property
    def origins(self) -> tuple[Origin, ...]:
        """The different origins of the lines, in the order they first appear: the report numbers them."""
        return tuple(dict.fromkeys(item.origin for item in self.effective + self.ineffective))

    def reference(self, indicator: Indicator) -> int:
        """The number under which ``indicator``'s origin is listed (from 1)."""
        return self.origins.index(indicator.origin) + 1


def _text(path, where: str, value) -> Text:
    if not isinstance(value, dict):
        raise AdviceError(path, f"{where} must be a mapping of kk, ru, en")
    missing = [lang for lang in LANGUAGES if not str(value.get(lang) or "").strip()]
    if missing:
        raise AdviceError(path, f"{where} has no {', '.join(missing)} text")
    return Text(**{lang: str(value[lang]).strip() for lang in LANGUAGES})


def _origins(path, data) -> dict[tuple[str, str, str], Origin]:
    """Every (document, category, heading) a line may name, from ``sources`` and ``headings``."""
    if not isinstance(data.get("sources"), dict) or not isinstance(data.get("headings"), dict):
        raise AdviceError(path, "expected the keys 'sources', 'headings' and 'competencies'")
    headings = {str(name): _text(path, f"heading {name}", {OFFICIAL: name, **(value or {})})
                for name, value in data["headings"].items()}
    out = {}
    for key, source in data["sources"].items():
        document = _text(path, f"source {key}", source)
        categories = source.get("categories")
        if not isinstance(categories, dict) or not categories:
            raise AdviceError(path, f"source {key} needs its 'categories'")
        for category, entry in categories.items():
            written_for = str((entry or {}).get("for") or "")
            if not written_for:
                raise AdviceError(path, f"source {key} category {category} needs 'for' (the questionnaire id)")
            name = _text(path, f"source {key} category {category}", entry)
            for heading, heading_name in headings.items():
                out[str(key), str(category), heading] = Origin(str(key), str(category), heading, document, name,
                                                               heading_name, written_for)
    return out


def _indicator(path, where: str, item, origins, instrument_id: str) -> Indicator:
    text = _text(path, where, item)
    written = str(item.get("from") or "")
    document, _, rest = written.partition(" ")
    category, _, heading = rest.partition(":")
    origin = origins.get((document, category, heading.strip()))
    if origin is None:
        raise AdviceError(path, f"{where}: 'from' must name a source, its category and a heading, "
                                f"as in '002 head: ЖЕДЕЛДІЛІК' (got '{written}')")
    if origin.written_for != instrument_id:
        raise AdviceError(path, f"{where}: comes from '{written}', written for {origin.written_for}, "
                                f"not for {instrument_id}")
    return Indicator(text, origin)


def parse(path: str | Path, data) -> dict[tuple[str, str], Advice]:
    """``(competency id, instrument id) -> Advice``; raises :class:`AdviceError` on any problem."""
    if not isinstance(data, dict) or not isinstance(data.get("competencies"), dict):
        raise AdviceError(path, "expected the keys 'sources', 'headings' and 'competencies'")
    origins = _origins(path, data)
    out: dict[tuple[str, str], Advice] = {}
    for competency_id, per_instrument in data["competencies"].items():
        if not isinstance(per_instrument, dict):
            raise AdviceError(path, f"competency '{competency_id}' must map questionnaire ids to advice")
        for instrument_id, entry in per_instrument.items():
            where = f"'{competency_id}' ({instrument_id})"
            if not isinstance(entry, dict):
                raise AdviceError(path, f"{where} must be a mapping")
            lists = {}
            for kind in KINDS:
                items = entry.get(kind)
                if not isinstance(items, list) or not items:
                    raise AdviceError(path, f"{where} needs a non-empty '{kind}' list")
                lists[kind] = tuple(_indicator(path, f"{where} {kind} {i}", item, origins, instrument_id)
                                    for i, item in enumerate(items, 1))
            out[competency_id, instrument_id] = Advice(competency_id, instrument_id, lists["effective"],
                                                       lists["ineffective"])
    return out


@functools.lru_cache(maxsize=4)
def load(path: str | Path = DEFAULT_PATH) -> Mapping[tuple[str, str], Advice]:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise AdviceError(path, f"cannot read the advice: {exc}") from None
    return parse(path, data)


def missing(advice: Mapping[tuple[str, str], Advice], instruments: Mapping[str, Instrument]) -> list[str]:
    """Competencies of the questionnaires that have no advice, as 'instrument/competency'."""
    return [f"{i.id}/{c.id}" for i in instruments.values() for c in i.competencies if (c.id, i.id) not in advice]


def for_competency(competency_id: str, instrument_id: str, path: str | Path = DEFAULT_PATH) -> Advice | None:
    return load(path).get((competency_id, instrument_id))
