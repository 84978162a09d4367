"""The figures kept at closing are the figures the pages showed when they read the responses: the
same numbers, the same withheld cells, and no page reads the responses any more."""
from __future__ import annotations

import datetime as dt
import json
from itertools import groupby
from operator import itemgetter

import pytest
from sqlalchemy import event, inspect, select

from conftest import answer_all, close_campaign, prepared
from survey.campaigns import closing, figures, lifecycle as campaigns
from survey.core.models import Assessment, CampaignFigures, Person, Response
from survey.operations import jobs
from survey.quality import figures as quality, gather, psychometrics
from survey.results import scoring, tally
from survey.training import needs as training
from survey.web.common import database

import test_training


def quality_from_the_responses(session, campaign, instruments, threshold):
    """The measurement quality as the pages computed it before the figures were kept: every
    response read at once in key order, grouped by assessment, then the pure analysis."""
    instrument_of = dict(session.execute(
        select(Assessment.id, Assessment.instrument).where(Assessment.campaign_id == campaign.id)).all())
    per_assessment = {a: [] for a in instrument_of}
    for assessment_id, is_self, answers in session.execute(
            select(Response.assessment_id, Response.is_self, Response.answers)
            .join(Assessment, Assessment.id == Response.assessment_id)
            .where(Assessment.campaign_id == campaign.id).order_by(Response.id)):
        per_assessment[assessment_id].append(scoring.ScoredResponse(is_self, answers))
    groups = []
    for instrument_id, instrument in instruments.items():
        assessees = [per_assessment[a] for a, i in sorted(instrument_of.items()) if i == instrument_id]
        if assessees:
            groups.append(quality.analyse_group(instrument, assessees, threshold=threshold))
    return quality.CampaignQuality(campaign.id, campaign.name, threshold, tuple(groups))


def statistics_from_lists(instrument, competency, assessees, results):
    """One competency's statistics gathered response by response into lists, as the analysis did
    before it worked on a matrix, and computed by the same statistics."""
    questions = [q.id for q in competency.questions]
    answers, complete, groups, by_question = [], [], [], {q: [] for q in questions}
    for responses, result in zip(assessees, results):
        if result.withheld:
            continue
        means = []
        for response in responses:
            given = [response.answers[q] for q in questions if q in response.answers]
            if response.is_self or not given:
                continue
            answers += given
            for q in questions:
                if q in response.answers:
                    by_question[q].append(response.answers[q])
            if len(given) == len(questions):
                complete.append(given)
            means.append(sum(given) / len(given))
        if means:
            groups.append(means)
    return (len(groups), len(answers), psychometrics.mean(answers), psychometrics.sd(answers),
            psychometrics.shares(answers, instrument.points), psychometrics.cronbach_alpha(complete), len(complete),
            psychometrics.one_way(groups), psychometrics.item_rest_correlations(complete),
            [(len(v), psychometrics.mean(v), psychometrics.sd(v)) for v in by_question.values()])


def test_the_matrix_gives_the_statistics_of_the_lists(app, store, closed):
    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        campaign = campaigns.get(session, closed)
        per_assessment = dict(tally.by_assessee(session, campaign))
        instrument_of = gather.instruments_of(session, campaign)
        kept = figures.campaign_quality(session, campaign, instruments, threshold=3)
    servant = instruments["servant"]
    chosen = [per_assessment.get(a, []) for a, i in sorted(instrument_of.items()) if i == "servant"]
    structure = {c.id: [q.id for q in c.questions] for c in servant.competencies}
    results = [scoring.assess(structure, responses, threshold=3) for responses in chosen]
    group = kept.group("servant")
    assert not group.withheld
    for competency in servant.competencies:
        c = group.competency(competency.id)
        assert statistics_from_lists(servant, competency, chosen, results) == (
            c.assessees, c.answers, c.mean, c.sd, c.shares, c.alpha, c.complete_responses, c.agreement,
            tuple(q.item_rest for q in c.questions), [(q.answers, q.mean, q.sd) for q in c.questions])


def kept_kinds(store, campaign_id):
    with store.transaction() as session:
        return {(f.kind, f.threshold) for f in session.scalars(
            select(CampaignFigures).where(CampaignFigures.campaign_id == campaign_id))}


@pytest.fixture
def answered(app, store, open_campaign):
    answer_all(app, store)
    return open_campaign


@pytest.fixture
def closed(answered, runner):
    close_campaign(runner, answered)
    return answered


@pytest.mark.parametrize("threshold", [3, 2])
def test_kept_quality_figures_equal_those_computed_from_the_responses(app, store, closed, threshold):
    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        campaign = campaigns.get(session, closed)
        before = quality_from_the_responses(session, campaign, instruments, threshold)
        kept = figures.campaign_quality(session, campaign, instruments, threshold=threshold)
    assert [g.withheld for g in before.groups] == ([True, False] if threshold == 3 else [False, False])
    assert kept == before


def test_closing_keeps_the_figures_at_the_configured_threshold(app, store, closed):
    with store.transaction() as session:
        campaign_id = campaigns.get(session, closed).id
    threshold = app.config["ANONYMITY_THRESHOLD"]
    assert kept_kinds(store, campaign_id) == {("quality", threshold), ("training", threshold)}


def test_the_closing_job_keeps_the_figures(app, store, answered):
    with store.transaction() as session:
        campaign = campaigns.get(session, answered)
        campaign_id = campaign.id
        jobs.start(session, closing.KIND, campaign, "hr@body.kz")
    jobs.run_pending(store, app.config)
    assert {kind for kind, _ in kept_kinds(store, campaign_id)} == {"quality", "training"}


def test_another_threshold_computes_and_keeps_the_figures_again(app, store, closed):
    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        campaign = campaigns.get(session, closed)
        figures.campaign_quality(session, campaign, instruments, threshold=2)
        expected = quality_from_the_responses(session, campaign, instruments, 2)
        campaign_id = campaign.id
    assert ("quality", 2) in kept_kinds(store, campaign_id)
    with store.transaction() as session:
        assert figures.campaign_quality(session, campaigns.get(session, closed), instruments, threshold=2) == expected


def test_figures_kept_for_other_questionnaires_are_computed_again(app, store, closed):
    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        campaign = campaigns.get(session, closed)
        for row in session.scalars(select(CampaignFigures)):
            row.payload = {**row.payload, "instruments": ["head"]}
    with store.transaction() as session:
        campaign = campaigns.get(session, closed)
        again = figures.campaign_quality(session, campaign, instruments, threshold=3)
        assert again == quality_from_the_responses(session, campaign, instruments, 3)
        figures.training_figures(session, campaign, instruments, threshold=3)
    with store.transaction() as session:
        assert all(set(row.payload["instruments"]) == set(instruments)
                   for row in session.scalars(select(CampaignFigures)))


@pytest.fixture
def body(app, store, runner):
    """The trainers' test body (units of several sizes, withheld assessees), closed as a job would."""
    test_training._build(app, store, close=False)
    close_campaign(runner, test_training.NAME)
    return test_training.NAME


def test_kept_training_pictures_equal_those_computed_from_the_results(app, store, body):
    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        campaign = campaigns.get(session, body)
        population = training.population(session, campaign, instruments, threshold=3)
        kept = figures.training_figures(session, campaign, instruments, threshold=3)
    assert kept.units == population.units and len(kept.units) >= 3
    assert list(kept.instruments) == list(population.instruments)
    for instrument in (None, *instruments):
        for unit in (None, *population.units):
            assert (kept.picture(instrument=instrument, unit=unit)
                    == training.picture(population, threshold=3, instrument=instrument, unit=unit)), (instrument, unit)
    hidden = {s.hidden for unit in kept.units for s in kept.picture(unit=unit).sections}
    assert {training.FEW, training.NONE} <= hidden  # the body has hidden units: the test is not vacuous


def test_a_campaign_closed_before_the_figures_were_kept_gets_them_on_the_first_staff_page(app, store, answered,
                                                                                          staff):
    with store.transaction() as session:
        campaign = campaigns.get(session, answered)
        campaigns.close(session, campaign)  # the totals only, as before revision 0010
        campaign_id = campaign.id
    assert kept_kinds(store, campaign_id) == set()
    assert staff("hr-head").get(f"/hr/quality/?campaign={campaign_id}").status_code == 200
    assert staff("trainer").get(f"/trainer/?campaign={campaign_id}").status_code == 200
    assert {kind for kind, _ in kept_kinds(store, campaign_id)} == {"quality", "training"}


def test_pages_charts_and_workbooks_read_no_response(app, store, body, staff):
    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        campaign = campaigns.get(session, body)
        campaign_id = campaign.id
        # an earlier campaign nobody answered, closed as a job would: the year-over-year comparison's first
        earlier = campaigns.create(session, "Training 2024", campaign.closes_on, instruments,
                                   repeat_reason="An earlier round")
        earlier.status, earlier.closes_on = "closing", campaign.closes_on - dt.timedelta(days=365)
        figures.close(session, earlier, instruments, threshold=3)
        earlier_id = earlier.id
    urls = {"hr-head": [f"/hr/quality/?campaign={campaign_id}", f"/hr/quality/{campaign_id}/quality.xlsx",
                        f"/hr/quality/{campaign_id}/charts/servant/distribution.png",
                        f"/hr/quality/compare?a={earlier_id}&b={campaign_id}"],
            "trainer": [f"/trainer/?campaign={campaign_id}", f"/trainer/needs.xlsx?campaign={campaign_id}",
                        f"/trainer/charts/servant/ranking.png?campaign={campaign_id}",
                        f"/trainer/?campaign={campaign_id}&unit={test_training.FINANCE}"]}
    statements = []
    engine = database.get_db(app).engine
    listener = lambda _c, _cur, sql, *_a: statements.append(sql.lower())  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        for role, paths in urls.items():
            client = staff(role)
            for path in paths:
                assert prepared(client, path).status_code == 200, path
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert statements and not [s for s in statements if "from responses" in s or "competency_totals" in s]


def test_kept_figures_name_no_one_and_hold_no_assessment(app, store, body):
    with store.transaction() as session:
        people = session.execute(select(Person.full_name, Person.employee_id)).all()
        ids = {str(i) for i in session.scalars(select(Assessment.id))}
        payloads = [json.dumps(f.payload, ensure_ascii=False) for f in session.scalars(select(CampaignFigures))]
    assert len(payloads) == 2
    for text in payloads:
        assert not [p for p in people if p.full_name in text or f'"{p.employee_id}"' in text]
        assert "assessment" not in text and not any(f'"{i}":' in text for i in ids)


def test_the_migration_adds_and_removes_the_table(store):
    store.downgrade("0009")
    assert "campaign_figures" not in inspect(store.engine).get_table_names()
    store.upgrade()
    assert "campaign_figures" in inspect(store.engine).get_table_names()


def test_figures_are_read_in_one_pass_in_assessment_order(app, store, closed):
    """The stream the totals and the figures share gives each assessment once, its responses in key order."""
    from survey.results import tally

    with store.transaction() as session:
        campaign = campaigns.get(session, closed)
        streamed = [(a, [r.answers for r in rs]) for a, rs in tally.by_assessee(session, campaign)]
        rows = session.execute(select(Response.assessment_id, Response.id, Response.answers)
                               .order_by(Response.assessment_id, Response.id)).all()
    assert [a for a, _ in streamed] == sorted({a for a, _ in streamed})
    assert streamed == [(a, [answers for _a, _i, answers in group]) for a, group in groupby(rows, key=itemgetter(0))]
