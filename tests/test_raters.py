"""Who rates whom (order No. 260, para 36): the suggestion from the structure, the CSV round trip
through HR, the import rules, and the campaign commands that depend on them."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from conftest import excel_csv, person_row
from sqlalchemy import func, select, update

from survey.campaigns import lifecycle as campaigns, people, raters, roster
from survey.core.models import Assessment, Campaign, Invitation, Person

CAMPAIGN = "Бағалау 2026"
CLOSES = "2030-12-20"


# --- helpers ---------------------------------------------------------------------------------------

def department(servants: int = 9):
    """A director D1; a head H1 under D1; servants S1..Sn under H1, with Kazakh and Russian names."""
    rows = [person_row(2, "D1", "Әлия Жұмабаева", "head", language="kk", unit="Басшылық"),
            person_row(3, "H1", "Иванов Пётр", "head", "D1", language="ru")]
    rows += [person_row(3 + i, f"S{i}", f"Қызметші {i}", "servant", "H1") for i in range(1, servants + 1)]
    return rows


def load(store, rows) -> None:
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(rows, "body", {}))


def suggested(store, rows, maximum: int = 7) -> list[tuple[str, str, str]]:
    load(store, rows)
    with store.transaction() as session:
        everyone = [raters.Candidate(p.id, p.employee_id, p.full_name, p.unit, p.role, p.manager_id, True)
                    for p in session.scalars(select(Person).order_by(Person.employee_id))]
        return [(s.assessee_id, s.rater_id, s.relation) for s in raters.suggest(everyone, everyone, maximum)]


def of(suggestions, assessee) -> list[tuple[str, str]]:
    return [(rater, relation) for a, rater, relation in suggestions if a == assessee]


def create(runner, name=CAMPAIGN, closes=CLOSES):
    result = runner.invoke("campaign", "create", name, "--closes", closes)
    assert result.exit_code == 0, result.output
    approved = runner.invoke("campaign", "approve", name, "--by", "Akim", "--on", "2026-01-05")
    assert approved.exit_code == 0, approved.output
    return result


def write_raters(tmp_path: Path, rows, name="raters.csv", header=("assessee_id", "rater_id", "relation")) -> Path:
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def import_raters(runner, path, name=CAMPAIGN):
    return runner.invoke("raters", "import", name, str(path))


def stored_raters(store, name=CAMPAIGN) -> set[tuple[str, str, str]]:
    with store.transaction() as session:
        campaign = campaigns.get(session, name)
        return {(a.assessee.employee_id, r.rater.employee_id, r.relation)
                for a in campaign.assessments for r in a.raters}


def stored_invitations(store, name=CAMPAIGN) -> list[tuple[str, str, str]]:
    with store.transaction() as session:
        campaign = campaigns.get(session, name)
        return sorted((i.assessment.assessee.employee_id, i.rater.employee_id, i.relation)
                      for i in session.scalars(select(Invitation).join(Assessment)
                                               .where(Assessment.campaign_id == campaign.id)))


def status_of(store, name=CAMPAIGN) -> str:
    with store.transaction() as session:
        return campaigns.get(session, name).status


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if not line.startswith("Error:")]


def lawful_raters():
    """3..7 raters for everyone of ``department(9)``."""
    rows = [("D1", "H1", "subordinate"), ("D1", "S1", "peer"), ("D1", "S2", "peer")]
    rows += [("H1", "D1", "manager")] + [("H1", f"S{i}", "subordinate") for i in range(1, 7)]
    for i in range(1, 10):
        peers = [f"S{j}" for j in range(1, 10) if j != i][:4]
        rows += [(f"S{i}", "H1", "manager")] + [(f"S{i}", p, "peer") for p in peers]
    return rows


def ready_campaign(runner, store, tmp_path):
    """``department(9)`` in a draft campaign whose raters all satisfy 3..7."""
    load(store, department(9))
    create(runner)
    result = import_raters(runner, write_raters(tmp_path, lawful_raters(), name="lawful.csv"))
    assert result.exit_code == 0, result.output


# --- raters.suggest on the structure ---------------------------------------------------------------

def test_suggestion_gives_a_servant_their_direct_manager(store):
    assert ("H1", "manager") in of(suggested(store, department(3)), "S1")


def test_suggestion_gives_only_one_manager(store):
    managers = [r for r, rel in of(suggested(store, department(3)), "S1") if rel == "manager"]
    assert managers == ["H1"]


def test_suggestion_gives_a_head_their_direct_subordinates(store):
    assert of(suggested(store, department(3)), "H1") == [
        ("D1", "manager"), ("S1", "subordinate"), ("S2", "subordinate"), ("S3", "subordinate")]


def test_suggestion_gives_peers_under_the_same_manager(store):
    assert of(suggested(store, department(3)), "S2") == [("H1", "manager"), ("S1", "peer"), ("S3", "peer")]


def test_suggestion_does_not_take_peers_from_another_manager(store):
    rows = department(2) + [person_row(20, "H2", "Head Two", "head", "D1"),
                            person_row(21, "T1", "Other Servant", "servant", "H2")]
    suggestions = suggested(store, rows)
    assert "T1" not in [r for r, _ in of(suggestions, "S1")]
    assert of(suggestions, "T1") == [("H2", "manager")]


def test_suggestion_never_names_the_assessee_themself(store):
    suggestions = suggested(store, department(12))
    assert [s for s in suggestions if s[0] == s[1]] == []


def test_suggestion_names_each_rater_once_per_assessee(store):
    suggestions = suggested(store, department(12))
    pairs = [(a, r) for a, r, _ in suggestions]
    assert len(pairs) == len(set(pairs))


def test_suggestion_has_at_most_seven_raters_in_a_unit_of_twelve(store):
    suggestions = suggested(store, department(12))
    counts = {eid: len(of(suggestions, eid)) for eid in ["H1"] + [f"S{i}" for i in range(1, 13)]}
    assert counts == {eid: 7 for eid in counts}


def test_suggestion_keeps_the_manager_when_the_team_is_large(store):
    suggestions = suggested(store, department(12))
    assert of(suggestions, "S12")[0] == ("H1", "manager")
    assert of(suggestions, "H1")[0] == ("D1", "manager")


def mixed_body():
    """H1 under a director D1 with three peer heads H2..H4 and ten servants S01..S10 of their own."""
    rows = [person_row(2, "D1", "Director", "head")]
    rows += [person_row(2 + i, f"H{i}", f"Head {i}", "head", "D1") for i in range(1, 5)]
    rows += [person_row(10 + i, f"S{i:02}", f"Servant {i}", "servant", "H1") for i in range(1, 11)]
    return rows


def test_suggestion_mixes_subordinates_and_peers_when_both_are_many(store):
    relations = [rel for _, rel in of(suggested(store, mixed_body()), "H1")]
    assert relations == ["manager", "subordinate", "peer", "subordinate", "peer", "subordinate", "peer"]


def test_suggestion_respects_a_smaller_maximum(store):
    suggestions = suggested(store, mixed_body(), maximum=4)
    assert of(suggestions, "H1") == [("D1", "manager"), ("S01", "subordinate"), ("H2", "peer"), ("S02", "subordinate")]
    assert max(len(of(suggestions, eid)) for eid in {a for a, _, _ in suggestions}) == 4


def test_person_without_manager_has_only_subordinates_suggested(store):
    assert of(suggested(store, department(3)), "D1") == [("H1", "subordinate")]


# --- survey raters suggest / import round trip -----------------------------------------------------

def test_suggest_command_writes_csv_with_ids_names_and_relations(runner, store, tmp_path):
    load(store, department(3))
    create(runner)
    out = tmp_path / "raters.csv"
    result = runner.invoke("raters", "suggest", CAMPAIGN, "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = excel_csv(out.read_bytes(), ";")
    assert list(rows[0]) == ["assessee_id", "assessee_name", "rater_id", "rater_name", "relation"]
    assert {"assessee_id": "H1", "assessee_name": "Иванов Пётр", "rater_id": "D1",
            "rater_name": "Әлия Жұмабаева", "relation": "manager"} in rows
    assert f"Wrote {len(rows)} suggested raters" in result.stdout


def test_suggested_csv_is_imported_back_unchanged(runner, store, tmp_path):
    load(store, department(9))
    create(runner)
    out = tmp_path / "raters.csv"
    assert runner.invoke("raters", "suggest", CAMPAIGN, "--out", str(out)).exit_code == 0
    in_file = {(r["assessee_id"], r["rater_id"], r["relation"]) for r in excel_csv(out.read_bytes(), ";")}
    result = import_raters(runner, out)
    assert result.exit_code == 0, result.output
    assert f"Imported {len(in_file)} raters" in result.stdout
    assert stored_raters(store) == in_file


def test_suggest_for_unknown_campaign_fails(runner, store, tmp_path):
    result = runner.invoke("raters", "suggest", "Nope", "--out", str(tmp_path / "r.csv"))
    assert result.exit_code == 1
    assert "Error: no campaign named 'Nope'" in result.stderr
    assert not (tmp_path / "r.csv").exists()


# --- import errors as FILE:ROW ---------------------------------------------------------------------

def test_unknown_assessee_names_the_row(runner, store, tmp_path):
    load(store, department(3))
    create(runner)
    path = write_raters(tmp_path, [("S1", "H1", "manager"), ("X9", "H1", "manager")])
    result = import_raters(runner, path)
    assert result.exit_code == 1
    assert error_lines(result) == [f"{path}:3: assessee_id 'X9' is not in the roster"]


def test_person_added_after_the_campaign_was_created_is_not_an_assessee(runner, store, tmp_path):
    load(store, department(3))
    create(runner)
    load(store, [person_row(2, "N1", "Newcomer", "servant", "")])
    path = write_raters(tmp_path, [("N1", "H1", "manager")])
    result = import_raters(runner, path)
    assert result.exit_code == 1
    assert error_lines(result) == [f"{path}:2: assessee_id 'N1' is not assessed in campaign '{CAMPAIGN}'"]


def test_unknown_rater_names_the_row(runner, store, tmp_path):
    load(store, department(3))
    create(runner)
    path = write_raters(tmp_path, [("S1", "H1", "manager"), ("S1", "Z7", "peer")])
    result = import_raters(runner, path)
    assert result.exit_code == 1
    assert error_lines(result) == [f"{path}:3: rater_id 'Z7' is not in the roster"]


def test_rater_who_is_the_assessee_names_the_row(runner, store, tmp_path):
    load(store, department(3))
    create(runner)
    path = write_raters(tmp_path, [("S1", "S1", "peer")])
    result = import_raters(runner, path)
    assert result.exit_code == 1
    assert error_lines(result) == [
        f"{path}:2: 'S1' cannot rate themself here: the self-assessment is added when the campaign opens"]


def test_bad_relation_names_the_row(runner, store, tmp_path):
    load(store, department(3))
    create(runner)
    path = write_raters(tmp_path, [("S1", "H1", "manager"), ("S1", "S2", "friend")])
    result = import_raters(runner, path)
    assert result.exit_code == 1
    assert error_lines(result) == [f"{path}:3: relation 'friend' is not one of: manager, subordinate, peer"]


def test_self_relation_is_not_importable(runner, store, tmp_path):
    load(store, department(3))
    create(runner)
    path = write_raters(tmp_path, [("S1", "S2", "self")])
    result = import_raters(runner, path)
    assert result.exit_code == 1
    assert error_lines(result) == [f"{path}:2: relation 'self' is not one of: manager, subordinate, peer"]


def test_relation_is_read_case_insensitively(runner, store, tmp_path):
    load(store, department(3))
    create(runner)
    result = import_raters(runner, write_raters(tmp_path, [("S1", "H1", "Manager"), ("S1", "S2", "PEER")]))
    assert result.exit_code == 0, result.output
    assert stored_raters(store) == {("S1", "H1", "manager"), ("S1", "S2", "peer")}


def test_duplicate_pair_names_both_rows(runner, store, tmp_path):
    load(store, department(3))
    create(runner)
    path = write_raters(tmp_path, [("S1", "H1", "manager"), ("S1", "S2", "peer"), ("S1", "H1", "peer")])
    result = import_raters(runner, path)
    assert result.exit_code == 1
    assert error_lines(result) == [f"{path}:4: 'H1' already rates 'S1' (row 2)"]


def test_several_import_errors_are_all_reported(runner, store, tmp_path):
    load(store, department(3))
    create(runner)
    path = write_raters(tmp_path, [("X9", "H1", "manager"), ("S1", "H1", "manager"), ("S1", "S1", "peer"),
                                   ("S2", "H1", "boss")])
    result = import_raters(runner, path)
    assert result.exit_code == 1
    assert [line.split(": ", 1)[0] for line in error_lines(result)] == [f"{path}:2", f"{path}:4", f"{path}:5"]
    assert result.stderr.splitlines()[-1] == f"Error: nothing imported: 3 problem(s) in {path}"


def test_missing_column_in_raters_file_names_the_header_row(runner, store, tmp_path):
    load(store, department(3))
    create(runner)
    path = write_raters(tmp_path, [("S1", "H1")], header=("assessee_id", "rater_id"))
    result = import_raters(runner, path)
    assert result.exit_code == 1
    assert error_lines(result)[0].startswith(f"{path}:1: missing column(s): relation")


def test_import_with_an_error_changes_nothing(runner, store, tmp_path):
    load(store, department(3))
    create(runner)
    first = [("S1", "H1", "manager"), ("S1", "S2", "peer"), ("S1", "S3", "peer")]
    assert import_raters(runner, write_raters(tmp_path, first, name="first.csv")).exit_code == 0
    second = [("S1", "D1", "peer"), ("S2", "H1", "manager"), ("S2", "Z7", "peer")]
    result = import_raters(runner, write_raters(tmp_path, second, name="second.csv"))
    assert result.exit_code == 1
    assert stored_raters(store) == set(first)


def test_import_replaces_the_raters_of_the_assessees_it_names(runner, store, tmp_path):
    load(store, department(3))
    create(runner)
    first = [("S1", "H1", "manager"), ("S1", "S2", "peer"), ("S1", "S3", "peer")]
    assert import_raters(runner, write_raters(tmp_path, first, name="first.csv")).exit_code == 0
    second = [("S1", "H1", "manager"), ("S1", "D1", "peer"), ("S1", "S2", "peer")]
    assert import_raters(runner, write_raters(tmp_path, second, name="second.csv")).exit_code == 0
    assert stored_raters(store) == set(second)


def test_import_keeps_the_raters_of_assessees_it_does_not_name(runner, store, tmp_path):
    load(store, department(3))
    create(runner)
    first = [("S1", "H1", "manager"), ("S1", "S2", "peer"), ("S2", "H1", "manager"), ("S2", "S1", "peer")]
    assert import_raters(runner, write_raters(tmp_path, first, name="first.csv")).exit_code == 0
    second = [("S1", "D1", "peer")]
    assert import_raters(runner, write_raters(tmp_path, second, name="second.csv")).exit_code == 0
    assert stored_raters(store) == {("S1", "D1", "peer"), ("S2", "H1", "manager"), ("S2", "S1", "peer")}


def test_import_lists_assessees_still_outside_three_to_seven(runner, store, tmp_path):
    load(store, department(3))
    create(runner)
    rows = [("S1", "H1", "manager"), ("S1", "S2", "peer"), ("S1", "S3", "peer")]
    result = import_raters(runner, write_raters(tmp_path, rows))
    assert result.exit_code == 0, result.output
    assert "Still outside 3-7 raters (4), the campaign cannot open until fixed:" in result.stdout
    assert "  S2 Қызметші 2: 0 rater(s)" in result.stdout.splitlines()
    assert "  S1 Қызметші 1: 3 rater(s)" not in result.stdout.splitlines()


# --- survey campaign open --------------------------------------------------------------------------

def outside_the_rule(runner, store, tmp_path):
    """``department(9)`` with D1 at 1 rater and S1 at 8 raters, everyone else lawful."""
    load(store, department(9))
    create(runner)
    rows = [r for r in lawful_raters() if r[0] not in ("D1", "S1")]
    rows += [("D1", "H1", "subordinate")]
    rows += [("S1", "H1", "manager")] + [("S1", f"S{j}", "peer") for j in range(2, 9)]
    assert import_raters(runner, write_raters(tmp_path, rows, name="outside.csv")).exit_code == 0


def test_open_refuses_and_lists_each_assessee_outside_three_to_seven(runner, store, tmp_path):
    outside_the_rule(runner, store, tmp_path)
    result = runner.invoke("campaign", "open", CAMPAIGN)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (f"Error: cannot open '{CAMPAIGN}': every assessee needs 3 to 7 raters "
                        "(order No. 260, para 36); 2 do not")
    assert lines[1:] == ["  D1 Әлия Жұмабаева: 1 rater(s)", "  S1 Қызметші 1: 8 rater(s)"]


def test_refused_open_creates_no_invitations_and_stays_draft(runner, store, tmp_path):
    outside_the_rule(runner, store, tmp_path)
    assert runner.invoke("campaign", "open", CAMPAIGN).exit_code == 1
    assert stored_invitations(store) == []
    assert status_of(store) == "draft"


def test_open_refuses_an_assessee_without_any_rater(runner, store, tmp_path):
    load(store, department(3))
    create(runner)
    result = runner.invoke("campaign", "open", CAMPAIGN)
    assert result.exit_code == 1
    assert "  D1 Әлия Жұмабаева: 0 rater(s)" in result.stderr.splitlines()
    assert status_of(store) == "draft"


def test_open_after_fixing_creates_one_invitation_per_rater_and_one_self_invitation(runner, store, tmp_path):
    outside_the_rule(runner, store, tmp_path)
    assert runner.invoke("campaign", "open", CAMPAIGN).exit_code == 1
    fix = [r for r in lawful_raters() if r[0] in ("D1", "S1")]
    assert import_raters(runner, write_raters(tmp_path, fix, name="fix.csv")).exit_code == 0
    result = runner.invoke("campaign", "open", CAMPAIGN)
    assert result.exit_code == 0, result.output
    chosen = stored_raters(store)
    assessees = ["D1", "H1"] + [f"S{i}" for i in range(1, 10)]
    expected = sorted(chosen | {(a, a, "self") for a in assessees})
    assert stored_invitations(store) == expected
    assert f"Campaign '{CAMPAIGN}' is open: {len(expected)} invitations." in result.stdout
    assert status_of(store) == "open"


def test_open_campaign_cannot_be_opened_again(runner, store, tmp_path):
    ready_campaign(runner, store, tmp_path)
    assert runner.invoke("campaign", "open", CAMPAIGN).exit_code == 0
    before = stored_invitations(store)
    result = runner.invoke("campaign", "open", CAMPAIGN)
    assert result.exit_code == 1
    assert f"Error: campaign '{CAMPAIGN}' is open; this needs it to be draft" in result.stderr
    assert stored_invitations(store) == before


def test_raters_import_is_refused_once_the_campaign_is_open(runner, store, tmp_path):
    ready_campaign(runner, store, tmp_path)
    assert runner.invoke("campaign", "open", CAMPAIGN).exit_code == 0
    before = stored_raters(store)
    result = import_raters(runner, write_raters(tmp_path, [("S1", "D1", "peer")], name="late.csv"))
    assert result.exit_code == 1
    assert f"Error: campaign '{CAMPAIGN}' is open; this needs it to be draft" in result.stderr
    assert stored_raters(store) == before


# --- survey campaign create / list / close ---------------------------------------------------------

def test_create_with_an_empty_roster_fails_with_a_clear_message(runner, store):
    result = runner.invoke("campaign", "create", CAMPAIGN, "--closes", CLOSES)
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: the roster is empty: import it first"
    with store.transaction() as session:
        assert session.scalar(select(func.count(Campaign.id))) == 0


def test_create_assesses_everyone_in_the_roster_with_their_role_questionnaire(runner, store):
    load(store, department(3))
    result = create(runner)
    assert f"Campaign '{CAMPAIGN}' for {dt.date.today().year} created with 5 assessees" in result.stdout
    with store.transaction() as session:
        campaign = campaigns.get(session, CAMPAIGN)
        assert {(a.assessee.employee_id, a.instrument) for a in campaign.assessments} == {
            ("D1", "head"), ("H1", "head"), ("S1", "servant"), ("S2", "servant"), ("S3", "servant")}
        assert campaign.status == "draft"
        assert campaign.closes_on == dt.date(2030, 12, 20)


def test_create_refuses_a_name_already_used(runner, store):
    load(store, department(3))
    create(runner)
    result = runner.invoke("campaign", "create", CAMPAIGN, "--closes", CLOSES)
    assert result.exit_code == 1
    assert f"Error: a campaign named '{CAMPAIGN}' already exists" in result.stderr


def test_list_without_campaigns_says_so(runner):
    result = runner.invoke("campaign", "list")
    assert result.exit_code == 0
    assert result.stdout.strip() == "No campaigns yet."


def test_list_shows_name_status_closing_date_and_done_over_total(runner, store, open_campaign):
    with store.transaction() as session:
        total = session.scalar(select(func.count(Invitation.id)))
        two = session.scalars(select(Invitation.id).order_by(Invitation.id).limit(2)).all()
        session.execute(update(Invitation).where(Invitation.id.in_(two)).values(done=True))
    closes = dt.date.today() + dt.timedelta(days=10)
    result = runner.invoke("campaign", "list")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"{open_campaign}\topen\tcloses {closes.isoformat()}\t2/{total} done"]
    assert total == 41  # small_body: 34 chosen raters + 7 self-assessments


def test_list_shows_a_draft_campaign_with_nothing_to_do(runner, store):
    load(store, department(3))
    create(runner)
    result = runner.invoke("campaign", "list")
    assert result.stdout.splitlines() == [f"{CAMPAIGN}\tdraft\tcloses {CLOSES}\t0/0 done"]


def test_close_then_list_shows_closed(runner, store, open_campaign):
    result = runner.invoke("campaign", "close", open_campaign)
    assert result.exit_code == 0, result.output
    assert f"Campaign '{open_campaign}' is closed." in result.stdout
    listed = runner.invoke("campaign", "list").stdout.splitlines()
    assert len(listed) == 1
    assert listed[0].split("\t")[:2] == [open_campaign, "closed"]
    assert status_of(store, open_campaign) == "closed"


def test_close_refuses_a_draft_campaign(runner, store):
    load(store, department(3))
    create(runner)
    result = runner.invoke("campaign", "close", CAMPAIGN)
    assert result.exit_code == 1
    assert f"Error: campaign '{CAMPAIGN}' is draft; this needs it to be open" in result.stderr
    assert status_of(store) == "draft"
