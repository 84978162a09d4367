"""After the report: its release to the assessee (familiarisation), who opened it, the direct
manager's link, disagreement and calibration, the feedback meeting and the development plan
(order No. 260, paras 12-13, 19-21, 37-43)

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_releases',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_report_releases_assessment_id_assessments'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', name=op.f('pk_report_releases'))
    )
    op.create_table('report_openings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('reader_kind', sa.String(length=16), nullable=False),
    sa.Column('reader', sa.String(length=254), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("reader_kind IN ('assessee', 'manager', 'hr-head', 'calibration')",
                       name=op.f('ck_report_openings_reader_kind')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_report_openings_assessment_id_assessments'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_openings'))
    )
    with op.batch_alter_table('report_openings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_openings_assessment_id'), ['assessment_id'], unique=False)
    op.create_table('assessor_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_assessor_links_campaign_id_campaigns'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_assessor_links_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessor_links')),
    sa.UniqueConstraint('campaign_id', 'person_id', name=op.f('uq_assessor_links_campaign_id'))
    )
    op.create_table('calibrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('disagreement', sa.String(length=4000), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decide_by', sa.Date(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('hold_by', sa.Date(), nullable=True),
    sa.Column('session_on', sa.Date(), nullable=True),
    sa.Column('justification', sa.String(length=4000), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('outcome_text', sa.String(length=4000), nullable=False),
    sa.Column('followup_on', sa.Date(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("decision IN ('pending', 'granted', 'refused')", name=op.f('ck_calibrations_decision')),
    sa.CheckConstraint("outcome IN ('', 'upheld', 'changed')", name=op.f('ck_calibrations_outcome')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_calibrations_assessment_id_assessments'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calibrations')),
    sa.UniqueConstraint('assessment_id', name=op.f('uq_calibrations_assessment_id'))
    )
    op.create_table('calibration_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calibration_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['calibration_id'], ['calibrations.id'],
                            name=op.f('fk_calibration_members_calibration_id_calibrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calibration_members'))
    )
    with op.batch_alter_table('calibration_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calibration_members_calibration_id'), ['calibration_id'], unique=False)
    op.create_table('development_plans',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('meeting_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.String(length=254), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'],
                            name=op.f('fk_development_plans_assessment_id_assessments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', name=op.f('pk_development_plans'))
    )
    op.create_table('plan_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.String(length=64), nullable=False),
    sa.Column('actions', sa.String(length=2000), nullable=False),
    sa.Column('topic_id', sa.String(length=64), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['development_plans.assessment_id'],
                            name=op.f('fk_plan_items_assessment_id_development_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_items'))
    )
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_items_assessment_id'), ['assessment_id'], unique=False)


def downgrade() -> None:
    for table in ('plan_items', 'development_plans', 'calibration_members', 'calibrations', 'assessor_links',
                  'report_openings', 'report_releases'):
        op.drop_table(table)
