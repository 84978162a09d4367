"""Development advice: every line says where it comes from, and a unit head is never given an
indicator the seeds wrote for corps-B servants (the seeds' rows, tests/data/seed_indicators.yaml)."""
from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
import yaml

from survey.core.instruments import LANGUAGES
from survey.reports import advice

SEEDS = yaml.safe_load((Path(__file__).parent / "data" / "seed_indicators.yaml").read_text(encoding="utf-8"))
# A line whose Kazakh corrects a typing slip of the seed (each marked in indicators.yaml) differs
# from the seed's by a letter or two.
CLOSE = 0.9


def letters(value: str) -> str:
    """Only the letters and digits: the seeds space letters out and run words together."""
    return re.sub(r"[\W_]", "", value.lower())


def found_in(line: str, cell: str) -> bool:
    line, cell = letters(line), letters(cell)
    if line in cell:
        return True
    matcher, width = difflib.SequenceMatcher(None, autojunk=False), len(line)
    matcher.set_seq2(line)
    for start in range(0, max(1, len(cell) - width + 1)):
        matcher.set_seq1(cell[start:start + width])
        if matcher.quick_ratio() >= CLOSE and matcher.ratio() >= CLOSE:
            return True
    return False


def every_line():
    for (competency_id, instrument_id), entry in sorted(advice.load().items()):
        for kind in advice.KINDS:
            for number, indicator in enumerate(getattr(entry, kind), 1):
                yield f"{instrument_id}/{competency_id}/{kind}/{number}", instrument_id, kind, indicator


LINES = list(every_line())


def test_every_line_names_its_document_category_and_heading():
    assert len(LINES) > 100
    for where, _, _, indicator in LINES:
        origin = indicator.origin
        for language in LANGUAGES:
            assert origin.document_name(language) and origin.category_name(language), where
            assert origin.heading_name(language), where


@pytest.mark.parametrize("where, instrument_id, kind, indicator", LINES, ids=[line[0] for line in LINES])
def test_each_line_stands_in_the_seed_row_it_names(where, instrument_id, kind, indicator):
    origin = indicator.origin
    row = SEEDS[origin.document][origin.category]
    assert origin.written_for == row["for"], where
    cell = row["headings"][origin.heading].get(kind, "")
    assert found_in(indicator.text.kk, cell), f"{where}: «{indicator.text.kk}» is not in {origin.document} " \
                                              f"{origin.category} {origin.heading} {kind}"


def test_no_line_for_a_head_comes_from_a_servants_row():
    heads = [(where, indicator) for where, instrument_id, _, indicator in LINES if instrument_id == "head"]
    assert heads
    for where, indicator in heads:
        assert SEEDS[indicator.origin.document][indicator.origin.category]["for"] == "head", where
    # nor does its wording stand only in a servant's row, whatever it claims
    servant_only = [cell for document in SEEDS.values() for row in document.values() if row["for"] == "servant"
                    for heading in row["headings"].values() for cell in heading.values()]
    head_cells = [cell for document in SEEDS.values() for row in document.values() if row["for"] == "head"
                  for heading in row["headings"].values() for cell in heading.values()]
    for where, indicator in heads:
        if any(found_in(indicator.text.kk, cell) for cell in servant_only):
            assert any(found_in(indicator.text.kk, cell) for cell in head_cells), where


def test_the_seeds_servant_line_on_initiative_is_not_given_to_a_head():
    servant_line = "Ұсыныстар мен бастамаларын енгізеді және өзінің негізгі міндеттерінен басқа қосымша жұмыстарды орындайды"
    entry = advice.load()["initiative", "head"]
    assert letters(servant_line) not in {letters(x.text.kk) for x in entry.effective + entry.ineffective}


def test_a_line_from_a_category_written_for_the_other_questionnaire_is_refused():
    path = advice.DEFAULT_PATH
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["competencies"]["initiative"]["head"]["effective"][0]["from"] = "002 servant: БАСТАМАШЫЛДЫҚ"
    with pytest.raises(advice.AdviceError, match="written for servant, not for head"):
        advice.parse(path, data)


def test_a_line_without_a_known_origin_is_refused():
    path = advice.DEFAULT_PATH
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["competencies"]["ethics"]["servant"]["ineffective"][0]["from"]
    with pytest.raises(advice.AdviceError, match="'from' must name a source"):
        advice.parse(path, data)
