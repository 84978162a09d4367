"""Development advice as data: the behavioural indicators in ``survey/reports/data/indicators.yaml``.

The report shows, for each of the least-developed competencies, what colleagues see when the
competency is strong (effective indicators) and what holds it back (ineffective ones), in the
wording of the older corps-B methodologies (seeds 002 and 003). The file is data so that a body
can put its own indicators there without touching code.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import yaml

from survey.core.instruments import LANGUAGES, Instrument, Text

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "indicators.yaml"


class AdviceError(Exception):
    def __init__(self, path: str | Path, message: str):
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class Advice:
    competency_id: str
    instrument_id: str
    effective: tuple[Text, ...]
    ineffective: tuple[Text, ...]
    sources: tuple[Text, ...]  # the documents the wording comes from
    headings: str  # the seeds' competency headings, e.g. "002: ЖЕДЕЛДІЛІК"


def _text(path, where: str, value) -> Text:
    if not isinstance(value, dict):
        raise AdviceError(path, f"{where} must be a mapping of kk, ru, en")
    missing = [lang for lang in LANGUAGES if not str(value.get(lang) or "").strip()]
    if missing:
        raise AdviceError(path, f"{where} has no {', '.join(missing)} text")
    return Text(**{lang: str(value[lang]).strip() for lang in LANGUAGES})


def parse(path: str | Path, data) -> dict[tuple[str, str], Advice]:
    """``(competency id, instrument id) -> Advice``; raises :class:`AdviceError` on any problem."""
    if not isinstance(data, dict) or "competencies" not in data or "sources" not in data:
        raise AdviceError(path, "expected the keys 'sources' and 'competencies'")
    sources = {str(key): _text(path, f"source {key}", value) for key, value in data["sources"].items()}
    out: dict[tuple[str, str], Advice] = {}
    for competency_id, per_instrument in data["competencies"].items():
        if not isinstance(per_instrument, dict):
            raise AdviceError(path, f"competency '{competency_id}' must map questionnaire ids to advice")
        for instrument_id, entry in per_instrument.items():
            where = f"'{competency_id}' ({instrument_id})"
            if not isinstance(entry, dict):
                raise AdviceError(path, f"{where} must be a mapping")
            lists = {}
            for kind in ("effective", "ineffective"):
                items = entry.get(kind)
                if not isinstance(items, list) or not items:
                    raise AdviceError(path, f"{where} needs a non-empty '{kind}' list")
                lists[kind] = tuple(_text(path, f"{where} {kind} {i}", item) for i, item in enumerate(items, 1))
            headings = str(entry.get("source") or "")
            keys = sorted({part.split(":", 1)[0].strip() for part in headings.split(";") if ":" in part})
            unknown = [k for k in keys if k not in sources]
            if not keys or unknown:
                raise AdviceError(path, f"{where}: 'source' must name the seeds it quotes, as in '002: ЖЕДЕЛДІЛІК'")
            out[competency_id, instrument_id] = Advice(competency_id, instrument_id, lists["effective"],
                                                       lists["ineffective"], tuple(sources[k] for k in keys), headings)
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
