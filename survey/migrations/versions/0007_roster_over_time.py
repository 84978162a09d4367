"""The roster over time and campaigns frozen at creation: status, dates and category on people; the
period, scope and schedule approval on campaigns; each assessment's snapshot of the assessee;
people in scope who are not assessed (order No. 260, paras 5-7, 11, 34, 36)

Campaigns made before this revision get their snapshot from the roster as it is now, which is
what they showed until then, and a period taken from their closing date.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=16), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('in_post_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=False, server_default='active'))
        batch_op.add_column(sa.Column('status_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('status_until', sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_people_status'), "status IN ('active', 'leave', 'sick', 'trip', 'training', 'dismissed')")

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('period', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('units', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('approved_by', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('approved_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('repeat_reason', sa.String(length=1000), nullable=False, server_default=''))
    connection = op.get_bind()
    campaigns = sa.table('campaigns', sa.column('id', sa.Integer), sa.column('closes_on', sa.Date),
                         sa.column('period', sa.Integer))
    for campaign_id, closes_on in connection.execute(sa.select(campaigns.c.id, campaigns.c.closes_on)).all():
        # A campaign closing in January assesses the year before (para 5: by the 10th of the next month).
        period = closes_on.year - 1 if closes_on.month == 1 else closes_on.year
        connection.execute(campaigns.update().where(campaigns.c.id == campaign_id).values(period=period))
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.alter_column('period', existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('full_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('position', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('unit', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('category', sa.String(length=16), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('manager_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('participation', sa.String(length=16), nullable=False, server_default='full'))
        batch_op.add_column(sa.Column('absence', sa.String(length=16), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('inclusion_reason', sa.String(length=1000), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('rater_rule_reason', sa.String(length=1000), nullable=False, server_default=''))
        batch_op.create_foreign_key(op.f('fk_assessments_manager_id_people'), 'people', ['manager_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_assessments_participation'), "participation IN ('full', 'without')")
    for column in ('full_name', 'position', 'unit', 'manager_id'):
        op.execute(f"UPDATE assessments SET {column} = "
                   f"(SELECT people.{column} FROM people WHERE people.id = assessments.assessee_id)")

    op.create_table('campaign_exclusions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.CheckConstraint("rule IN ('short-tenure', 'by-hand')", name=op.f('ck_campaign_exclusions_rule')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_exclusions_campaign_id_campaigns'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_campaign_exclusions_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_exclusions')),
    sa.UniqueConstraint('campaign_id', 'person_id', name=op.f('uq_campaign_exclusions_campaign_id'))
    )
    with op.batch_alter_table('campaign_exclusions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_exclusions_campaign_id'), ['campaign_id'], unique=False)


def downgrade() -> None:
    op.drop_table('campaign_exclusions')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_assessments_participation'), type_='check')
        batch_op.drop_constraint(op.f('fk_assessments_manager_id_people'), type_='foreignkey')
        for column in ('rater_rule_reason', 'inclusion_reason', 'absence', 'participation', 'manager_id',
                       'category', 'unit', 'position', 'full_name'):
            batch_op.drop_column(column)
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        for column in ('repeat_reason', 'approved_on', 'approved_by', 'units', 'period'):
            batch_op.drop_column(column)
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_people_status'), type_='check')
        for column in ('status_until', 'status_since', 'status', 'in_post_since', 'category'):
            batch_op.drop_column(column)
