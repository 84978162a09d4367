"""Anonymity by construction: nothing in the response tables can lead back to a rater."""
from __future__ import annotations

from sqlalchemy import DateTime, Date, Integer, Time, inspect, select

from conftest import first_token, full_answers
from survey.core.models import Base, Invitation, Response

RESPONSE_TABLES = ("responses",)


def test_response_tables_have_no_foreign_key_to_invitations_or_people(store):
    inspector = inspect(store.engine)
    for table in RESPONSE_TABLES:
        targets = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert targets <= {"assessments", "responses"}, (table, targets)


def test_response_tables_have_no_date_time_or_relation_column():
    for table in RESPONSE_TABLES:
        columns = Base.metadata.tables[table].columns
        assert not [c.name for c in columns if isinstance(c.type, (DateTime, Date, Time))]
        names = {c.name for c in columns}
        assert not names & {"relation", "rater_id", "invitation_id", "key", "created", "created_at", "submitted_at",
                            "language", "position", "ordinal"}
    assert {c.name for c in Base.metadata.tables["responses"].columns} == {"id", "assessment_id", "is_self", "answers"}


def test_a_stored_response_holds_only_question_ids_and_points(app, store, open_campaign, client):
    """The JSON inside a response is the questionnaire's answers and nothing else."""
    token = first_token(store, relation="other")
    html = client.get(f"/r/{token}").get_data(as_text=True)
    client.post(f"/r/{token}", data={"action": "submit", "extra": "x", "submitted_at": "now", **full_answers(html, 2)})
    questions = {q.id for i in app.extensions["survey.instruments"].values() for q in i.questions}
    with store.transaction() as session:
        (stored,) = session.scalars(select(Response.answers)).all()
    assert set(stored) <= questions and len(stored) == len(full_answers(html))
    assert set(stored.values()) == {2} and list(stored) == sorted(stored)


def test_response_keys_are_random_not_sequential():
    for table in RESPONSE_TABLES:
        for column in Base.metadata.tables[table].primary_key.columns:
            assert not isinstance(column.type, Integer), (table, column.name)
            assert column.autoincrement in (False, "auto") and not column.type.python_type is int


def test_no_column_of_the_response_tables_joins_back_to_an_invitation(store, open_campaign, client):
    """Try every pairing of a response-table column with an invitation column: no value matches."""
    token = first_token(store, relation="other")
    html = client.get(f"/r/{token}").get_data(as_text=True)
    client.post(f"/r/{token}", data={"action": "submit", **full_answers(html)})
    with store.transaction() as session:
        invitation_values = {
            column.name: {str(v) for v in session.scalars(select(column)) if v is not None}
            for column in Invitation.__table__.columns if column.name not in ("done", "relation", "assessment_id")
        }
        for model in (Response,):
            for column in model.__table__.columns:
                if column.name in ("assessment_id", "is_self", "answers"):
                    continue  # the assessee and the answer itself, which the response must keep
                values = {str(v) for v in session.scalars(select(column))}
                for name, others in invitation_values.items():
                    assert not values & others, (model.__tablename__, column.name, name)


def test_stored_response_tables_number_nothing_in_order(store):
    """SQLite: no hidden rowid. PostgreSQL: no sequence behind any column."""
    with store.engine.connect() as conn:
        for table in RESPONSE_TABLES:
            if store.engine.dialect.name == "sqlite":
                sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).scalar()
                assert "WITHOUT ROWID" in sql
            else:
                defaults = conn.exec_driver_sql(
                    "SELECT column_default FROM information_schema.columns WHERE table_name = %s", (table,)).scalars().all()
                assert defaults and not [d for d in defaults if d and "nextval" in d]


def test_closing_a_campaign_leaves_responses_stored_in_random_key_order(app, store, open_campaign, runner):
    """Physical order must not be submission order (a dump lists rows as they are stored)."""
    from survey.campaigns import respond
    from survey.core.models import Assessment

    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        for invitation in session.scalars(select(Invitation).order_by(Invitation.id)):
            instrument = instruments[session.get(Assessment, invitation.assessment_id).instrument]
            form = {q.id: "3" for q in instrument.questions}
            respond.submit(session, invitation, respond.read_answers(instrument, form))
    result = runner.invoke("campaign", "close", open_campaign)
    assert result.exit_code == 0, result.output
    with store.engine.connect() as conn:
        stored = [row[0] for row in conn.exec_driver_sql("SELECT * FROM responses")]  # as a dump reads
    assert len(stored) > 30
    assert stored == sorted(stored)


def _submit_each_in_its_own_transaction(app, store, assessee_id):
    from survey.campaigns import respond
    from survey.core.models import Assessment, Person

    instruments = app.extensions["survey.instruments"]
    with store.transaction() as session:
        ids = session.scalars(
            select(Invitation.id).join(Assessment, Assessment.id == Invitation.assessment_id)
            .join(Person, Person.id == Assessment.assessee_id).where(Person.employee_id == assessee_id)
            .order_by(Invitation.id)).all()
    for invitation_id in ids:
        with store.transaction() as session:
            invitation = session.get(Invitation, invitation_id)
            instrument = instruments[invitation.assessment.instrument]
            respond.submit(session, invitation, respond.read_answers(instrument, {q.id: "4" for q in instrument.questions}))
    return len(ids)


def test_storage_details_do_not_pair_a_response_with_its_invitation(app, store, open_campaign):
    """PostgreSQL's xmin (the writing transaction) and physical order must not identify a response."""
    submitted = _submit_each_in_its_own_transaction(app, store, "S1")
    assert submitted >= 4
    with store.engine.connect() as conn:
        assessment = conn.exec_driver_sql("SELECT DISTINCT assessment_id FROM responses").scalar_one()
        in_storage_order = [row[0] for row in conn.exec_driver_sql("SELECT * FROM responses")  # a full scan, as
                            if row[1] == assessment]                                         # a dump reads
        assert len(in_storage_order) == submitted
        assert in_storage_order == sorted(in_storage_order)  # key order, not submission order
        if store.engine.dialect.name == "postgresql":
            pairs = conn.exec_driver_sql(
                "SELECT i.id, r.id FROM invitations i JOIN responses r ON i.xmin::text = r.xmin::text").all()
            # Only the last submit's transaction appears, and it touches every response alike.
            assert len({i for i, _ in pairs}) <= 1
            assert len({r for _, r in pairs}) in (0, submitted)
