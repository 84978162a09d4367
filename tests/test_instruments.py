"""The questionnaires of order No. 260 (appendices 5 and 6) as shipped, and the validator that
refuses a broken one with ``FILE:LINE: message``."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

import survey
from survey.core import instruments

ROOT = Path(__file__).resolve().parent.parent
HEAD = ROOT / "survey" / "questionnaires" / "head.yaml"
SERVANT = ROOT / "survey" / "questionnaires" / "servant.yaml"
SERVANT_SOURCE = SERVANT.read_text(encoding="utf-8")

SERVANT_COMPETENCIES = ["communication", "ethics", "change", "results", "decisions", "cooperation",
                        "promptness", "self_development"]
HEAD_COMPETENCIES = ["management", "communication", "ethics", "change", "results", "decisions", "team",
                     "leadership", "cooperation", "promptness", "self_development", "initiative"]


# --- helpers ---------------------------------------------------------------------------------------

def replaced(source: str, old: str, new: str) -> str:
    """``source`` with the single occurrence of ``old`` replaced (fails loudly if it is not unique)."""
    assert source.count(old) == 1, f"{old!r} occurs {source.count(old)} times in servant.yaml"
    return source.replace(old, new)


def line_of(source: str, fragment: str, after: int = 0) -> int:
    """1-based number of the first line after line ``after`` that contains ``fragment``."""
    for number, line in enumerate(source.splitlines(), 1):
        if number > after and fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not found in the test file")


def line_equal_to(source: str, text: str, after: int = 0) -> int:
    """1-based number of the first line after line ``after`` that is exactly ``text``."""
    for number, line in enumerate(source.splitlines(), 1):
        if number > after and line == text:
            return number
    raise AssertionError(f"{text!r} not found in the test file")


def write(tmp_path: Path, source: str, name: str = "servant.yaml") -> Path:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return path


def errors_of(path: Path) -> list[str]:
    return [str(e) for e in instruments.check([path])]


def raw(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def question_block(source: str, qid: str) -> str:
    """The lines of one question of servant.yaml, from its ``- id:`` line to the next question or
    competency (exclusive)."""
    lines = source.splitlines(keepends=True)
    start = line_of(source, f"- id: {qid}") - 1
    end = start + 1
    while end < len(lines) and not lines[end].lstrip().startswith(("- id:", "# ")):
        end += 1
    return "".join(lines[start:end])


# --- the shipped questionnaires --------------------------------------------------------------------

def test_shipped_instruments_pass_the_check():
    assert instruments.check([HEAD, SERVANT]) == []


def test_head_instrument_has_twelve_competencies_of_three_questions():
    head = instruments.load(HEAD)
    assert head.id == "head"
    assert [c.id for c in head.competencies] == HEAD_COMPETENCIES
    assert [len(c.questions) for c in head.competencies] == [3] * 12
    assert len(head.questions) == 36


def test_servant_instrument_has_eight_competencies_of_three_questions():
    servant = instruments.load(SERVANT)
    assert servant.id == "servant"
    assert [c.id for c in servant.competencies] == SERVANT_COMPETENCIES
    assert [len(c.questions) for c in servant.competencies] == [3] * 8
    assert len(servant.questions) == 24


def test_shipped_instruments_name_their_appendix():
    assert str(instruments.load(HEAD).source["appendix"]) == "5"
    assert str(instruments.load(SERVANT).source["appendix"]) == "6"


def test_question_ids_are_competency_id_dot_number():
    for path in (HEAD, SERVANT):
        for competency in instruments.load(path).competencies:
            assert [q.id for q in competency.questions] == [f"{competency.id}.{n}" for n in (1, 2, 3)]


def test_competency_ids_shared_by_both_instruments():
    head = {c.id for c in instruments.load(HEAD).competencies}
    servant = {c.id for c in instruments.load(SERVANT).competencies}
    assert head & servant == set(SERVANT_COMPETENCIES)
    assert head - servant == {"management", "team", "leadership", "initiative"}


def test_every_servant_competency_exists_in_head():
    head = {c.id for c in instruments.load(HEAD).competencies}
    missing = [c.id for c in instruments.load(SERVANT).competencies if c.id not in head]
    assert missing == []


def test_shared_competencies_have_the_same_name_in_both_instruments():
    head = {c.id: c.name for c in instruments.load(HEAD).competencies}
    for competency in instruments.load(SERVANT).competencies:
        assert competency.name == head[competency.id], competency.id


@pytest.mark.parametrize("path", [HEAD, SERVANT], ids=["head", "servant"])
def test_scale_has_five_options_with_points_one_to_five(path):
    instrument = instruments.load(path)
    assert instrument.points == (1, 2, 3, 4, 5)
    assert instrument.max_points == 5


@pytest.mark.parametrize("path", [HEAD, SERVANT], ids=["head", "servant"])
def test_every_scale_option_is_labelled_in_kazakh_russian_and_english(path):
    for option in instruments.load(path).scale:
        assert option.label.kk and option.label.ru and option.label.en
        assert len({option.label.kk, option.label.ru, option.label.en}) == 3


def test_scale_labels_are_the_appendix_answer_options_in_kazakh():
    labels = [o.label.kk for o in instruments.load(SERVANT).scale]
    assert labels == ["Құзырет көрінбейді", "Құзырет сирек көрінеді", "Құзырет жағдайлардың жартысында көрінеді",
                      "Құзырет көп жағдайда көрінеді", "Құзырет әрқашан көрінеді"]
    assert [o.label.kk for o in instruments.load(HEAD).scale] == labels


def test_head_ethics_question_is_the_kazakh_text_of_the_order():
    head = instruments.load(HEAD)
    question = next(q for q in head.questions if q.id == "ethics.1")
    assert question.text.kk == "Әдеп кодексіне сәйкес барлық жағдайларда әдеп мінез-құлық ережелерін қатаң сақтайды"


def test_servant_communication_question_is_the_kazakh_text_of_the_order():
    servant = instruments.load(SERVANT)
    question = next(q for q in servant.questions if q.id == "communication.1")
    assert question.text.kk == ("Өз қызметін әріптестерімен үйлестіре алады, коммуникацияларға ашық, іскерлік "
                                "ынтымақтастыққа дайындық танытады, қажет болған жағдайда әріптестеріне көмектеседі")


def test_head_initiative_question_is_the_kazakh_text_of_the_order():
    head = instruments.load(HEAD)
    question = next(q for q in head.questions if q.id == "initiative.3")
    assert question.text.kk == "Мемлекеттік органның қызметін жетілдіру үшін жобаларға бастамашылық етеді"


def test_titles_are_the_kazakh_titles_of_the_appendices():
    assert instruments.load(HEAD).title.kk == "Құрылымдық бөлімшелер басшыларының 360 әдісімен бағалау парағы"
    assert instruments.load(SERVANT).title.kk == "«Б» корпусы қызметшілерін 360 әдісімен бағалау парағы"


@pytest.mark.parametrize("path", [HEAD, SERVANT], ids=["head", "servant"])
def test_every_question_has_self_text_in_three_languages_in_the_file(path):
    for competency in raw(path)["competencies"]:
        for question in competency["questions"]:
            assert set(question.get("self_text") or {}) == {"kk", "ru", "en"}, question["id"]
            assert all(str(t).strip() for t in question["self_text"].values()), question["id"]


@pytest.mark.parametrize("path", [HEAD, SERVANT], ids=["head", "servant"])
def test_self_text_is_a_first_person_wording_distinct_from_the_text(path):
    for question in instruments.load(path).questions:
        assert question.self_text.kk != question.text.kk, question.id
        assert question.self_text.ru != question.text.ru, question.id
        assert question.self_text.en != question.text.en, question.id


def test_question_without_self_text_uses_its_text_for_the_self_assessment(tmp_path):
    block = question_block(SERVANT_SOURCE, "ethics.1")
    without_self = block[:block.index("        self_text:")]
    path = write(tmp_path, replaced(SERVANT_SOURCE, block, without_self))
    question = next(q for q in instruments.load(path).questions if q.id == "ethics.1")
    assert question.self_text == question.text


def test_copy_of_servant_file_is_valid(tmp_path):
    assert errors_of(write(tmp_path, SERVANT_SOURCE)) == []


# --- every validation error as FILE:LINE: message -------------------------------------------------

RU_OF_ETHICS_1 = '          ru: "Строго соблюдает правила этического поведения во всех ситуациях в соответствии с Этическим кодексом"\n'
KK_OF_ETHICS_1 = 'kk: "Әдеп кодексіне сәйкес барлық жағдайларда әдеп мінез-құлық ережелерін қатаң сақтайды"'


def test_question_text_missing_a_language_names_the_file_and_line(tmp_path):
    source = replaced(SERVANT_SOURCE, RU_OF_ETHICS_1, "")
    path = write(tmp_path, source)
    assert errors_of(path) == [f"{path}:{line_of(source, KK_OF_ETHICS_1)}: question 'ethics.1' text has no 'ru' text"]


def test_scale_label_missing_a_language_names_the_file_and_line(tmp_path):
    source = replaced(SERVANT_SOURCE, 'ru: "Компетенция проявляется редко", ', "")
    path = write(tmp_path, source)
    line = line_of(source, 'kk: "Құзырет сирек көрінеді"')
    assert errors_of(path) == [f"{path}:{line}: scale option 2 label has no 'ru' text"]


def test_empty_text_in_one_language_is_refused(tmp_path):
    source = replaced(SERVANT_SOURCE, RU_OF_ETHICS_1, '          ru: ""\n')
    path = write(tmp_path, source)
    line = line_of(source, '          ru: ""')
    assert errors_of(path) == [f"{path}:{line}: question 'ethics.1' text 'ru' must be a non-empty text"]


def test_duplicate_question_id_names_both_lines(tmp_path):
    source = replaced(SERVANT_SOURCE, "      - id: ethics.2\n", "      - id: ethics.1\n")
    path = write(tmp_path, source)
    first = line_of(source, "- id: ethics.1")
    second = line_of(source, "- id: ethics.1", after=first)
    assert errors_of(path) == [f"{path}:{second}: duplicate question id 'ethics.1' (first at line {first})"]


def test_duplicate_competency_id_names_both_lines(tmp_path):
    source = replaced(SERVANT_SOURCE, "  - id: change\n", "  - id: ethics\n")
    path = write(tmp_path, source)
    first = line_equal_to(source, "  - id: ethics")
    second = line_equal_to(source, "  - id: ethics", after=first)
    assert f"{path}:{second}: duplicate competency id 'ethics' (first at line {first})" in errors_of(path)


def test_question_id_of_another_competency_is_refused(tmp_path):
    source = replaced(SERVANT_SOURCE, "      - id: ethics.3\n", "      - id: change.4\n")
    path = write(tmp_path, source)
    line = line_of(source, "- id: change.4")
    assert errors_of(path) == [f"{path}:{line}: question id 'change.4' must be 'ethics.<n>'"]


def test_question_id_without_a_number_is_refused(tmp_path):
    source = replaced(SERVANT_SOURCE, "      - id: ethics.3\n", "      - id: ethics.\n")
    path = write(tmp_path, source)
    line = line_equal_to(source, "      - id: ethics.")
    assert errors_of(path) == [f"{path}:{line}: question id 'ethics.' must be 'ethics.<n>'"]


def test_scale_with_four_options_is_refused(tmp_path):
    fifth = '  - points: 5\n    label: {kk: "Құзырет әрқашан көрінеді", ru: "Компетенция проявляется всегда", en: "Always shown"}\n'
    source = replaced(SERVANT_SOURCE, fifth, "")
    path = write(tmp_path, source)
    line = line_of(source, "  - points: 1")  # the scale list starts with its first option
    assert errors_of(path) == [f"{path}:{line}: scale has 4 options; order No. 260 (appendices 5-6) sets 5"]


def test_scale_with_six_options_is_refused(tmp_path):
    source = replaced(SERVANT_SOURCE, "competencies:\n",
                      '  - points: 6\n    label: {kk: "Алты", ru: "Шесть", en: "Six"}\ncompetencies:\n')
    path = write(tmp_path, source)
    line = line_of(source, "  - points: 1")
    assert errors_of(path) == [f"{path}:{line}: scale has 6 options; order No. 260 (appendices 5-6) sets 5"]


def test_scale_with_no_options_is_refused(tmp_path):
    start = SERVANT_SOURCE.index("scale:\n")
    end = SERVANT_SOURCE.index("competencies:\n")
    source = SERVANT_SOURCE[:start] + "scale: []\n" + SERVANT_SOURCE[end:]
    path = write(tmp_path, source)
    line = line_of(source, "scale: []")
    errors = errors_of(path)
    assert any(e.startswith(f"{path}:{line}: scale") for e in errors), errors


def test_points_that_do_not_increase_are_refused(tmp_path):
    source = replaced(SERVANT_SOURCE, "  - points: 3\n", "  - points: 2\n")
    path = write(tmp_path, source)
    line = line_of(source, "  - points: 2", after=line_of(source, "  - points: 2"))
    assert errors_of(path) == [f"{path}:{line}: scale option 3: points 2 do not increase (previous option has 2)"]


def test_points_that_are_not_whole_numbers_are_refused(tmp_path):
    source = replaced(SERVANT_SOURCE, "  - points: 4\n", "  - points: four\n")
    path = write(tmp_path, source)
    assert errors_of(path) == [f"{path}:{line_of(source, 'points: four')}: scale option 4 points must be a whole number"]


def test_unknown_top_level_key_is_refused(tmp_path):
    source = replaced(SERVANT_SOURCE, "id: servant\n", "id: servant\nversion: 2\n")
    path = write(tmp_path, source)
    assert errors_of(path) == [
        f"{path}:{line_of(source, 'version: 2')}: instrument: unknown key 'version' "
        "(allowed: competencies, id, intro, scale, source, title)"]


def test_unknown_key_in_a_question_is_refused(tmp_path):
    source = replaced(SERVANT_SOURCE, "      - id: ethics.2\n", "      - id: ethics.2\n        hint: optional\n")
    path = write(tmp_path, source)
    assert errors_of(path) == [
        f"{path}:{line_of(source, 'hint: optional')}: question of competency 'ethics': unknown key 'hint' "
        "(allowed: id, self_text, text)"]


def test_unknown_language_in_a_text_is_refused(tmp_path):
    source = replaced(SERVANT_SOURCE, RU_OF_ETHICS_1, RU_OF_ETHICS_1 + '          de: "Hält sich streng an"\n')
    path = write(tmp_path, source)
    assert errors_of(path) == [
        f"{path}:{line_of(source, 'de: ')}: question 'ethics.1' text: unknown key 'de' (allowed: en, kk, ru)"]


def test_missing_required_key_is_refused(tmp_path):
    source = replaced(SERVANT_SOURCE, "id: servant\n", "")
    path = write(tmp_path, source)
    line = line_of(source, "source:")  # the top-level mapping starts at its first key
    assert errors_of(path) == [f"{path}:{line}: instrument: missing 'id'"]


def test_competency_with_two_questions_is_refused(tmp_path):
    source = replaced(SERVANT_SOURCE, question_block(SERVANT_SOURCE, "ethics.3"), "")
    path = write(tmp_path, source)
    line = line_of(source, "- id: ethics.1")  # the questions list starts with its first question
    assert errors_of(path) == [f"{path}:{line}: competency 'ethics' has 2 questions; every competency has 3"]


def test_competency_with_four_questions_is_refused(tmp_path):
    block = question_block(SERVANT_SOURCE, "ethics.3")
    source = replaced(SERVANT_SOURCE, block, block + block.replace("ethics.3", "ethics.4"))
    path = write(tmp_path, source)
    line = line_of(source, "- id: ethics.1")
    assert errors_of(path) == [f"{path}:{line}: competency 'ethics' has 4 questions; every competency has 3"]


def test_instrument_without_competencies_is_refused(tmp_path):
    start = SERVANT_SOURCE.index("competencies:\n")
    source = SERVANT_SOURCE[:start] + "competencies: []\n"
    path = write(tmp_path, source)
    line = line_of(source, "competencies: []")
    errors = errors_of(path)
    assert any(e.startswith(f"{path}:{line}: ") and "competenc" in e for e in errors), errors


def test_broken_yaml_syntax_names_the_line(tmp_path):
    source = replaced(SERVANT_SOURCE, "  - points: 3\n", "  - points: 3\n   stray text\n")
    path = write(tmp_path, source)
    assert errors_of(path) == [
        f"{path}:{line_of(source, 'stray text')}: not valid YAML: expected <block end>, but found '<scalar>'"]


def test_unclosed_flow_mapping_names_the_line(tmp_path):
    source = replaced(SERVANT_SOURCE, 'en: "Always shown"}', 'en: "Always shown"')
    path = write(tmp_path, source)
    errors = errors_of(path)
    assert len(errors) == 1
    # PyYAML notices the missing '}' on the line after the broken label (where it finds 'competencies').
    unclosed = line_of(source, 'en: "Always shown"')
    assert errors[0].startswith(f"{path}:{unclosed + 1}: not valid YAML: expected ',' or '}}'"), errors


def test_empty_file_is_refused(tmp_path):
    path = write(tmp_path, "")
    assert errors_of(path) == [f"{path}:1: the file is empty"]


def test_file_of_only_comments_is_refused_as_empty(tmp_path):
    path = write(tmp_path, "# nothing but a comment\n")
    assert errors_of(path) == [f"{path}:1: the file is empty"]


def test_file_that_is_not_a_mapping_is_refused(tmp_path):
    path = write(tmp_path, "- a\n- b\n")
    assert errors_of(path) == [f"{path}:1: instrument must be a mapping"]


def test_several_problems_in_one_file_are_all_reported(tmp_path):
    source = replaced(SERVANT_SOURCE, "id: servant\n", "id: servant\nversion: 2\n")
    source = replaced(source, "  - points: 3\n", "  - points: 2\n")
    source = replaced(source, RU_OF_ETHICS_1, "")
    path = write(tmp_path, source)
    lines = [int(e.split(":")[1]) for e in errors_of(path)]
    assert lines == [line_of(source, "version: 2"), line_of(source, "  - points: 2", after=line_of(source, "  - points: 2")),
                     line_of(source, KK_OF_ETHICS_1)]


def test_two_files_with_the_same_instrument_id_are_refused(tmp_path):
    first = write(tmp_path, SERVANT_SOURCE, "a.yaml")
    second = write(tmp_path, SERVANT_SOURCE, "b.yaml")
    assert [str(e) for e in instruments.check([first, second])] == [
        f"{second}:1: instrument id 'servant' is also used by {first}"]


def test_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "servant.yaml"
    path.write_bytes(SERVANT_SOURCE.encode("cp1251", errors="replace"))
    errors = errors_of(path)
    assert len(errors) == 1 and errors[0].startswith(f"{path}:1: cannot read the file")


# --- survey instruments check ----------------------------------------------------------------------

def test_check_command_prints_file_line_message_and_exits_1_for_a_bad_file(runner, tmp_path):
    source = replaced(SERVANT_SOURCE, RU_OF_ETHICS_1, "")
    path = write(tmp_path, source)
    result = runner.invoke("instruments", "check", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:{line_of(source, KK_OF_ETHICS_1)}: question 'ethics.1' text has no 'ru' text"]
    assert "valid" not in result.stdout


def test_check_command_exits_0_for_good_files(runner):
    result = runner.invoke("instruments", "check", str(HEAD), str(SERVANT))
    assert result.exit_code == 0, result.output
    assert "2 questionnaire(s) valid" in result.stdout
    assert result.stderr == ""


def test_check_command_without_files_checks_the_shipped_folder(runner):
    result = runner.invoke("instruments", "check")
    assert result.exit_code == 0, result.output
    assert str(HEAD) in result.stdout and str(SERVANT) in result.stdout


def test_check_command_fails_and_names_the_folder_when_it_holds_no_questionnaire(runner, tmp_path, monkeypatch):
    from survey.core.config import Defaults

    empty = tmp_path / "instruments"
    empty.mkdir()
    monkeypatch.setattr(Defaults, "INSTRUMENTS_DIR", str(empty))
    result = runner.invoke("instruments", "check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Error: no questionnaire (*.yaml) in {empty}"]
    assert result.stdout == ""


def test_check_command_reports_only_the_bad_file_of_several(runner, tmp_path):
    good = write(tmp_path, SERVANT_SOURCE.replace("id: servant\n", "id: good\n", 1), "good.yaml")
    bad = write(tmp_path, "", "bad.yaml")
    result = runner.invoke("instruments", "check", str(good), str(bad))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{bad}:1: the file is empty"]


# --- the app refuses to start with an invalid questionnaire ---------------------------------------

def test_app_refuses_to_start_with_an_invalid_instrument(tmp_path):
    bad_dir = tmp_path / "instruments"
    bad_dir.mkdir()
    shutil.copy(HEAD, bad_dir / "head.yaml")
    source = replaced(SERVANT_SOURCE, "      - id: ethics.2\n", "      - id: ethics.1\n")
    bad = write(bad_dir, source)
    with pytest.raises(instruments.InstrumentErrors) as caught:
        survey.create_app({"INSTRUMENTS_DIR": str(bad_dir), "DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    first = line_of(source, "- id: ethics.1")
    second = line_of(source, "- id: ethics.1", after=first)
    assert [str(e) for e in caught.value.errors] == [
        f"{bad}:{second}: duplicate question id 'ethics.1' (first at line {first})"]
    assert f"{bad}:{second}:" in str(caught.value)


def test_app_refuses_to_start_without_any_instrument(tmp_path):
    empty_dir = tmp_path / "instruments"
    empty_dir.mkdir()
    with pytest.raises(instruments.InstrumentErrors) as caught:
        survey.create_app({"INSTRUMENTS_DIR": str(empty_dir), "DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    assert str(caught.value) == f"{empty_dir}:1: no instrument (*.yaml) in this folder"


def test_app_starts_with_valid_instruments_and_keeps_them_by_id(tmp_path):
    good_dir = tmp_path / "instruments"
    good_dir.mkdir()
    shutil.copy(HEAD, good_dir / "head.yaml")
    shutil.copy(SERVANT, good_dir / "servant.yaml")
    app = survey.create_app({"INSTRUMENTS_DIR": str(good_dir), "DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    loaded = app.extensions["survey.instruments"]
    assert sorted(loaded) == ["head", "servant"]
    assert instruments.for_role(loaded, "servant").id == "servant"
