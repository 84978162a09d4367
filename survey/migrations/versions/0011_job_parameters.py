"""A job may be asked for more than its campaign (a workbook's language, a unit): its parameters,
and one active job per kind, campaign and parameters

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

ACTIVE = sa.text("status IN ('queued', 'running')")


def upgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.String(length=500), server_default='', nullable=False))
    op.drop_index('uq_jobs_active', table_name='jobs')
    op.create_index('uq_jobs_active', 'jobs', ['kind', 'campaign_id', 'params'], unique=True,
                    postgresql_where=ACTIVE, sqlite_where=ACTIVE)


def downgrade() -> None:
    op.execute("DELETE FROM jobs WHERE params != ''")
    op.drop_index('uq_jobs_active', table_name='jobs')
    op.create_index('uq_jobs_active', 'jobs', ['kind', 'campaign_id'], unique=True,
                    postgresql_where=ACTIVE, sqlite_where=ACTIVE)
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('params')
