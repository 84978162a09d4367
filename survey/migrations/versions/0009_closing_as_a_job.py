"""A campaign may be "closing": answering has ended and a job writes its totals, so that closing a
large body's campaign does not hold a web worker

Revision ID: 0009
Revises: 0008
"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_campaigns_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_campaigns_status'), "status IN ('draft', 'open', 'closing', 'closed')")


def downgrade() -> None:
    op.execute("UPDATE campaigns SET status = 'open' WHERE status = 'closing'")
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_campaigns_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_campaigns_status'), "status IN ('draft', 'open', 'closed')")
