"""The roster and raters parsers on their own, on rows made here: no application, no database.

tests/test_roster.py and tests/test_raters.py run the same rules through ``survey roster import``
and ``survey raters import``; here a rule that breaks points at the parser, not at the command, the
session or the database around it.
"""
from __future__ import annotations

import pytest

from survey.campaigns import raters, roster
from survey.campaigns.lifecycle import CampaignError
from survey.core.models import Assessment, Campaign, Person, Rater
from survey.core.tables import Row

HEADER = "employee_id,full_name,position,unit,role,manager_id,email,language"


def person(number, eid, role="servant", manager="", **values) -> Row:
    return Row(number, {"employee_id": eid, "full_name": f"Name {eid}", "position": "Expert", "unit": "Unit A",
                        "role": role, "manager_id": manager, "email": "", "language": "kk", **values})


def body(**changes_of_s1) -> list[Row]:
    """D1 heads H1, who heads S1 and S2; ``changes_of_s1`` replace values of S1's row (row 4)."""
    return [person(2, "D1", "head"), person(3, "H1", "head", "D1"), person(4, "S1", manager="H1", **changes_of_s1),
            person(5, "S2", manager="H1")]


def roster_errors(rows, existing=None) -> list[tuple[int, str]]:
    with pytest.raises(roster.RosterErrors) as caught:
        roster.validate(rows, "body.csv", existing or {})
    return [(error.row, str(error)) for error in caught.value.errors]


def read_roster(text: str, name: str = "body.csv", **kw) -> list[roster.RosterEntry]:
    return roster.parse(name, name=name, data=text.encode("utf-8"), **kw)


def read_errors(data: bytes, name: str = "body.csv") -> list[tuple[int, str]]:
    with pytest.raises(roster.RosterErrors) as caught:
        roster.parse(name, name=name, data=data)
    return [(error.row, str(error)) for error in caught.value.errors]


# --- roster.validate ------------------------------------------------------------------------------

def test_a_valid_roster_gives_one_entry_per_row_with_its_manager_and_row_number():
    entries = roster.validate(body(), "body.csv", {})
    assert [(e.employee_id, e.manager_id, e.role, e.row) for e in entries] == [
        ("D1", None, "head", 2), ("H1", "D1", "head", 3), ("S1", "H1", "servant", 4), ("S2", "H1", "servant", 5)]


def test_role_and_language_are_read_case_insensitively_and_an_empty_language_is_kazakh():
    entries = {e.employee_id: e for e in roster.validate(body(role="Servant", language="RU"), "body.csv", {})}
    assert (entries["S1"].role, entries["S1"].language) == ("servant", "ru")
    entries = {e.employee_id: e for e in roster.validate(body(language=""), "body.csv", {})}
    assert entries["S1"].language == roster.DEFAULT_LANGUAGE == "kk"


def test_an_empty_employee_id_names_the_row():
    assert roster_errors(body(employee_id="")) == [(4, "body.csv:4: employee_id is empty")]


def test_an_employee_id_given_twice_names_both_rows():
    rows = body() + [person(6, "S1", manager="H1")]
    assert roster_errors(rows) == [(6, "body.csv:6: employee_id 'S1' appears twice (also row 4)")]


def test_an_empty_full_name_names_the_row():
    assert roster_errors(body(full_name="")) == [(4, "body.csv:4: full_name of 'S1' is empty")]


def test_an_unknown_role_names_the_row_and_the_roles_allowed():
    assert roster_errors(body(role="director")) == [(4, "body.csv:4: role 'director' is not one of: head, servant")]


def test_an_unknown_language_names_the_row_and_the_languages_allowed():
    assert roster_errors(body(language="de")) == [(4, "body.csv:4: language 'de' is not one of: kk, ru, en")]


def test_an_address_without_a_domain_is_refused():
    assert roster_errors(body(email="s1@body")) == [(4, "body.csv:4: email 's1@body' is not an e-mail address")]


def test_a_value_longer_than_its_database_column_is_refused_before_the_database_sees_it():
    assert roster_errors(body(position="x" * 201)) == [
        (4, "body.csv:4: position is 201 characters long; at most 200 fit")]
    assert roster.validate(body(position="x" * 200), "body.csv", {})


def test_a_person_who_is_their_own_manager_is_refused():
    assert roster_errors(body(manager_id="S1")) == [(4, "body.csv:4: 'S1' is their own manager")]


def test_an_unknown_manager_names_the_row():
    assert roster_errors(body(manager_id="H9")) == [(4, "body.csv:4: manager_id 'H9' is not in the roster")]


def test_a_manager_imported_earlier_is_known():
    rows = [person(2, "S7", manager="H1")]
    assert [e.manager_id for e in roster.validate(rows, "more.csv", {"H1": "D1", "D1": None})] == ["H1"]


def test_managers_in_a_cycle_are_named_once_with_the_chain():
    rows = [person(2, "A", "head", "C"), person(3, "B", "head", "A"), person(4, "C", "head", "B")]
    assert roster_errors(rows) == [(2, "body.csv:2: managers form a cycle: A -> C -> B -> A")]


def test_a_cycle_through_someone_imported_earlier_is_refused():
    errors = roster_errors([person(2, "D1", "head", "S9")], existing={"S9": "D1"})
    assert errors == [(2, "body.csv:2: managers form a cycle: D1 -> S9 -> D1")]


def test_every_problem_is_reported_in_row_order():
    rows = [person(2, "D1", "boss"), person(3, "H1", "head", "X"), person(4, "", "servant"), person(5, "D1", "head")]
    assert [row for row, _ in roster_errors(rows)] == [2, 3, 4, 5]


# --- the roster file --------------------------------------------------------------------------------

def test_a_semicolon_csv_with_a_byte_order_mark_reads_like_a_comma_csv():
    text = f"{HEADER}\nD1,Director,,,head,,,ru\n"
    semicolons = "\ufeff" + text.replace(",", ";")
    assert read_roster(semicolons) == read_roster(text)


def test_a_missing_required_column_names_the_header_row():
    errors = read_errors(b"employee_id,full_name,role\nD1,Director,head\n")
    assert errors == [(1, "body.csv:1: missing column(s): manager_id (the first row must name the columns: "
                          "employee_id, full_name, role, manager_id, position, unit, email, language, category, in_post_since, "
                          "status, status_since, status_until)")]


def test_an_unknown_column_names_the_header_row():
    errors = read_errors(f"{HEADER},salary\nD1,Director,,,head,,,ru,1\n".encode())
    assert errors == [(1, "body.csv:1: unknown column(s): salary")]


def test_text_that_is_not_utf8_is_refused_with_advice():
    [(row, message)] = read_errors(f"{HEADER}\nD1,Директор,,,head,,,ru\n".encode("cp1251"))
    assert row == 0 and "CSV UTF-8" in message


def test_an_empty_file_and_another_extension_are_refused():
    assert read_errors(b"") == [(1, "body.csv:1: the file is empty")]
    assert read_errors(HEADER.encode(), name="body.ods") == [(0, "body.ods:0: expected a .csv or .xlsx file")]


def test_blank_lines_and_a_cell_over_two_lines_keep_the_row_numbers_excel_shows():
    text = f'{HEADER}\nD1,Director,"Head of\nthe department",,head,,,ru\n,,,,,,,\nH1,Head,,,boss,D1,,ru\n'
    assert read_errors(text.encode()) == [(4, "body.csv:4: role 'boss' is not one of: head, servant")]


def test_a_nul_byte_in_a_cell_is_refused_with_its_row():
    [(row, _message)] = read_errors(f"{HEADER}\nD1,Dir\x00ector,,,head,,,ru\n".encode())
    assert row == 2


# --- raters.apply: the rows checked against the roster and the campaign --------------------------

class Session:
    """What ``raters.apply`` asks of a session: the people, and somewhere to put new raters."""

    def __init__(self, everyone):
        self.everyone, self.added = everyone, []

    def scalars(self, _query):
        return list(self.everyone)

    def execute(self, _statement):
        pass

    def flush(self):
        pass

    def expire(self, _instance, _attributes=None):
        pass

    def add(self, instance):
        self.added.append(instance)


@pytest.fixture
def draft():
    """D1 over H1 over S1 and S2, all four assessed in a draft campaign, and N1 in the roster only."""
    managers = {"D1": None, "H1": 1, "S1": 2, "S2": 2, "N1": None}
    people = {eid: Person(id=n, employee_id=eid, full_name=f"Name {eid}", role="servant", manager_id=managers[eid],
                          status="active") for n, eid in enumerate(managers, 1)}
    campaign = Campaign(name="Draft 2026", status="draft")
    campaign.assessments = [Assessment(assessee=people[eid], assessee_id=people[eid].id, instrument="servant",
                                       full_name=people[eid].full_name, manager_id=managers[eid], participation="full")
                            for eid in ("D1", "H1", "S1", "S2")]
    return campaign, Session(people.values())


def rater_row(number, assessee, rater, relation) -> Row:
    return Row(number, {"assessee_id": assessee, "rater_id": rater, "relation": relation})


def rater_errors(draft, rows) -> list[str]:
    campaign, session = draft
    with pytest.raises(raters.RaterErrors) as caught:
        raters.apply(session, campaign, rows, "raters.csv")
    assert session.added == []
    return [str(error) for error in caught.value.errors]


def test_valid_rows_become_raters_with_their_relation(draft):
    campaign, session = draft
    rows = [rater_row(2, "S1", "H1", "Manager"), rater_row(3, "S1", "S2", "peer"), rater_row(4, "H1", "S1", "subordinate")]
    assert raters.apply(session, campaign, rows, "raters.csv") == 3
    assert all(isinstance(r, Rater) for r in session.added)
    assert [(r.assessment.assessee.employee_id, r.rater.employee_id, r.relation) for r in session.added] == [
        ("S1", "H1", "manager"), ("S1", "S2", "peer"), ("H1", "S1", "subordinate")]


def test_an_assessee_not_in_the_roster_names_the_row(draft):
    assert rater_errors(draft, [rater_row(2, "X9", "H1", "peer")]) == ["raters.csv:2: assessee_id 'X9' is not in the roster"]


def test_a_person_the_campaign_does_not_assess_names_the_row(draft):
    assert rater_errors(draft, [rater_row(2, "N1", "H1", "peer")]) == [
        "raters.csv:2: assessee_id 'N1' is not assessed in campaign 'Draft 2026'"]


def test_a_rater_not_in_the_roster_names_the_row(draft):
    assert rater_errors(draft, [rater_row(2, "S1", "X9", "peer")]) == ["raters.csv:2: rater_id 'X9' is not in the roster"]


def test_nobody_rates_themself_through_the_file(draft):
    assert rater_errors(draft, [rater_row(2, "S1", "S1", "peer")]) == [
        "raters.csv:2: 'S1' cannot rate themself here: the self-assessment is added when the campaign opens"]


@pytest.mark.parametrize("relation", ["self", "colleague", ""])
def test_a_relation_outside_manager_subordinate_peer_names_the_row(draft, relation):
    assert rater_errors(draft, [rater_row(2, "S1", "H1", relation)]) == [
        f"raters.csv:2: relation '{relation}' is not one of: manager, subordinate, peer"]


def test_the_same_pair_twice_names_the_row_of_the_first(draft):
    rows = [rater_row(2, "S1", "S2", "peer"), rater_row(3, "S1", "S2", "peer")]
    assert rater_errors(draft, rows) == ["raters.csv:3: 'S2' already rates 'S1' (row 2)"]


def test_every_bad_row_is_reported_and_nothing_is_added(draft):
    rows = [rater_row(2, "X9", "H1", "peer"), rater_row(3, "S1", "H1", "manager"), rater_row(4, "S1", "X8", "peer"),
            rater_row(5, "S2", "H1", "boss")]
    assert [error.split(":")[1] for error in rater_errors(draft, rows)] == ["2", "4", "5"]


def test_raters_of_a_campaign_that_is_no_longer_a_draft_are_refused(draft):
    campaign, session = draft
    campaign.status = "open"
    with pytest.raises(CampaignError, match="is open; this needs it to be draft"):
        raters.apply(session, campaign, [rater_row(2, "S1", "H1", "manager")], "raters.csv")


def test_a_raters_file_without_the_relation_column_names_the_header_row(draft):
    campaign, session = draft
    with pytest.raises(raters.RaterErrors) as caught:
        raters.import_raters(session, campaign, "raters.csv", data=b"assessee_id,rater_id\nS1,H1\n")
    assert [str(e) for e in caught.value.errors] == [
        "raters.csv:1: missing column(s): relation (the first row must name the columns: "
        "assessee_id, rater_id, relation, assessee_name, rater_name)"]


def test_the_names_written_by_suggest_are_read_and_ignored(draft):
    campaign, session = draft
    data = "assessee_id,assessee_name,rater_id,rater_name,relation\nS1,Someone else,H1,Anyone,manager\n".encode()
    assert raters.import_raters(session, campaign, "raters.csv", data=data) == 1
    assert [(r.rater.employee_id, r.relation) for r in session.added] == [("H1", "manager")]
