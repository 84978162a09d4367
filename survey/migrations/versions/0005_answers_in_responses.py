"""Each response keeps its answers as one JSON object; the answers table goes

Every submit rewrites all the responses about its assessee (so that storage order and PostgreSQL
transaction ids say nothing). With a row per answer that was up to 288 rows per submit; with the
answers inside the response it is at most eight.

Revision ID: 0005
Revises: 0004
"""
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# SQLite rebuilds the table to change a column; the copy must stay WITHOUT ROWID, or it would get
# a hidden row number in the order of insertion.
_KEEP_WITHOUT_ROWID = {"sqlite_with_rowid": False}
_BATCH = 5000

responses = sa.table('responses', sa.column('id', sa.String), sa.column('answers', sa.JSON))
answers = sa.table('answers', sa.column('response_id', sa.String), sa.column('question_id', sa.String),
                   sa.column('points', sa.SmallInteger))


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column('responses', sa.Column('answers', sa.JSON(), nullable=True))
    given: dict[str, dict[str, int]] = defaultdict(dict)
    for response_id, question_id, points in bind.execute(
            sa.select(answers.c.response_id, answers.c.question_id, answers.c.points)
            .order_by(answers.c.response_id, answers.c.question_id)):
        given[response_id][question_id] = points
    update = (sa.update(responses).where(responses.c.id == sa.bindparam('key'))
              .values(answers=sa.bindparam('given', type_=sa.JSON)))
    rows = [{"key": key, "given": value} for key, value in sorted(given.items())]
    for start in range(0, len(rows), _BATCH):
        bind.execute(update, rows[start:start + _BATCH])
    # Dropped first: rebuilding ``responses`` on SQLite would otherwise cascade into it.
    op.drop_table('answers')
    with op.batch_alter_table('responses', table_kwargs=_KEEP_WITHOUT_ROWID) as batch_op:
        batch_op.alter_column('answers', existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    bind = op.get_bind()
    rows = [{"response_id": key, "question_id": question_id, "points": points}
            for key, given in bind.execute(sa.select(responses.c.id, responses.c.answers).order_by(responses.c.id))
            for question_id, points in sorted(given.items())]
    with op.batch_alter_table('responses', table_kwargs=_KEEP_WITHOUT_ROWID) as batch_op:
        batch_op.drop_column('answers')
    op.create_table('answers',
    sa.Column('response_id', sa.String(length=32), nullable=False),
    sa.Column('question_id', sa.String(length=64), nullable=False),
    sa.Column('points', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_answers_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'question_id', name=op.f('pk_answers')),
    sqlite_with_rowid=False
    )
    for start in range(0, len(rows), _BATCH):
        bind.execute(sa.insert(answers), rows[start:start + _BATCH])
