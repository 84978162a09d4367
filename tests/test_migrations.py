"""The schema comes from the migrations, and the migrations match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from conftest import ROOT, Runner, answer_all, make_app
from survey.core.models import Base
from survey.web.common import database


def test_migrated_schema_matches_the_models(store):
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_survey_db_upgrade_is_safe_to_run_again(runner, store):
    for _ in range(2):
        result = runner.invoke("db", "upgrade")
        assert result.exit_code == 0, result.output
    tables = set(inspect(store.engine).get_table_names())
    assert {"alembic_version", "responses", "invitations", "users"} <= tables


def test_init_builds_a_new_database_through_the_migrations(bare_database_url, tmp_path):
    app = make_app(bare_database_url, tmp_path)
    store = database.get_db(app)
    assert inspect(store.engine).get_table_names() == []
    assert Runner(app).invoke("init").exit_code == 0
    with store.engine.connect() as connection:
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    newest = sorted(p.name.split("_")[0] for p in (ROOT / "survey" / "migrations" / "versions").glob("0*.py"))[-1]
    assert version == newest
    store.engine.dispose()


def test_upgrading_a_database_with_answers_backfills_the_competency_totals(app, store, open_campaign):
    """Responses stored before revision 0003 get their totals, equal to what closing writes."""
    from sqlalchemy import select

    from survey.campaigns import lifecycle as campaigns
    from survey.core.models import Campaign, CompetencyTotal

    answer_all(app, store)
    with store.transaction() as session:
        campaigns.close(session, session.scalar(select(Campaign)))

    def stored():
        with store.transaction() as session:
            return sorted((t.assessment_id, t.is_self, t.competency_id, t.points, t.answers, t.responses)
                          for t in session.scalars(select(CompetencyTotal)))

    written = stored()
    assert len(written) > 50
    store.downgrade("0002")
    assert "competency_totals" not in inspect(store.engine).get_table_names()
    store.upgrade()
    assert stored() == written


def test_moving_answers_into_responses_keeps_every_answer_both_ways(app, store, open_campaign):
    """Revision 0005 packs the answers rows into their response, and its downgrade unpacks them."""
    from sqlalchemy import select

    from survey.core.models import Response

    answer_all(app, store, step=7)

    def stored():
        with store.transaction() as session:
            return sorted((r.id, r.assessment_id, r.is_self, sorted(r.answers.items()))
                          for r in session.scalars(select(Response)))

    written = stored()
    assert len(written) > 10
    store.downgrade("0004")
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT response_id, question_id, points FROM answers").all()
        assert "answers" not in {c["name"] for c in inspect(connection).get_columns("responses")}
    assert sorted(rows) == sorted((key, q, p) for key, _a, _s, given in written for q, p in given)
    store.upgrade()
    assert stored() == written
    assert "answers" not in inspect(store.engine).get_table_names()


def test_upgrading_a_database_with_names_gives_them_their_alphabetical_keys(app, store):
    """Revision 0012 computes the sort key of every name and unit already stored, as the ORM
    would have: the database then puts them in the alphabet's order, not the code points'."""
    import datetime as dt

    from sqlalchemy import select

    from conftest import person_row
    from survey.campaigns import lifecycle, people, roster
    from survey.core.collation import sort_key
    from survey.core.models import Assessment, Person

    names = ["Яна", "Ұлан", "Әсем", "Ілияс", "Бақыт", "Ахмет", "Ёлкин"]
    with store.transaction() as session:
        people.apply_rows(session, roster.validate(
            [person_row(2 + i, f"E{i}", name, "servant", unit=f"{name} бөлімі") for i, name in enumerate(names)],
            "body", {}))
        lifecycle.create(session, "Order 2026", dt.date.today() + dt.timedelta(days=10),
                         app.extensions["survey.instruments"])
    store.downgrade("0011")
    assert "name_key" not in {c["name"] for c in inspect(store.engine).get_columns("people")}
    store.upgrade()
    with store.transaction() as session:
        for model in (Person, Assessment):
            rows = session.execute(select(model.full_name, model.unit, model.name_key, model.unit_key)).all()
            assert len(rows) == len(names)
            assert all(name_key == sort_key(name) and unit_key == sort_key(unit) for name, unit, name_key, unit_key in rows)
            assert session.scalars(select(model.full_name).order_by(model.unit_key)).all() == \
                ["Ахмет", "Әсем", "Бақыт", "Ёлкин", "Ұлан", "Ілияс", "Яна"]
