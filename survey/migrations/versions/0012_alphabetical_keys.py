"""Names and units in Kazakh and Russian alphabetical order on every page: the sort key of each
person's and each assessment's name and unit kept beside them, and indexed, so that a long list
is sorted and paged by the database (``core.alphabetical.SortedByName``)

Revision ID: 0012
Revises: 0011

Existing rows get their keys here, computed as the platform computes them now.
"""
from alembic import op
import sqlalchemy as sa

from survey.core.collation import sort_key


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TABLES = ('people', 'assessments')
_BATCH = 5000


def upgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column('name_key', sa.LargeBinary(), nullable=True))
            batch_op.add_column(sa.Column('unit_key', sa.LargeBinary(), nullable=True))
        _fill(name)
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.alter_column('name_key', existing_type=sa.LargeBinary(), nullable=False)
            batch_op.alter_column('unit_key', existing_type=sa.LargeBinary(), nullable=False)
    op.create_index('ix_people_alphabetical', 'people', ['unit_key', 'name_key', 'employee_id'], unique=False)
    op.create_index('ix_assessments_alphabetical', 'assessments', ['campaign_id', 'unit_key', 'name_key', 'id'],
                    unique=False)


def _fill(name: str) -> None:
    connection = op.get_bind()
    table = sa.table(name, sa.column('id', sa.Integer), sa.column('full_name', sa.String),
                     sa.column('unit', sa.String), sa.column('name_key', sa.LargeBinary),
                     sa.column('unit_key', sa.LargeBinary))
    rows = connection.execute(sa.select(table.c.id, table.c.full_name, table.c.unit)).all()
    update = (table.update().where(table.c.id == sa.bindparam('row_id'))
              .values(name_key=sa.bindparam('name'), unit_key=sa.bindparam('unit_')))
    for start in range(0, len(rows), _BATCH):
        connection.execute(update, [{'row_id': row_id, 'name': sort_key(full_name), 'unit_': sort_key(unit)}
                                    for row_id, full_name, unit in rows[start:start + _BATCH]])


def downgrade() -> None:
    op.drop_index('ix_assessments_alphabetical', table_name='assessments')
    op.drop_index('ix_people_alphabetical', table_name='people')
    for name in reversed(TABLES):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column('unit_key')
            batch_op.drop_column('name_key')
