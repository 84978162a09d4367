"""The figures of a closed campaign (measurement quality, training needs) kept once computed, so
that the staff pages read a few rows instead of every response

Revision ID: 0010
Revises: 0009

Campaigns closed before this revision get their figures on the first staff page that needs them
(``campaigns.figures``): they depend on the questionnaires and the anonymity threshold the server
is configured with, which a migration does not know, and on a large body they take seconds that
an upgrade should not spend.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaign_figures',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_figures_campaign_id_campaigns'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'kind', name=op.f('pk_campaign_figures'))
    )


def downgrade() -> None:
    op.drop_table('campaign_figures')
