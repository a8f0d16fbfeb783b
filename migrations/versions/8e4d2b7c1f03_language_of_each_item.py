"""The language each item was written in (the page's language), for moderators and for
the emails about it. Items from before languages existed were written in English.

Revision ID: 8e4d2b7c1f03
Revises: 3b1f6c2a9e10
Create Date: 2026-12-01 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '8e4d2b7c1f03'
down_revision = '3b1f6c2a9e10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('moderation_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=12), server_default='en', nullable=False))


def downgrade():
    with op.batch_alter_table('moderation_item', schema=None) as batch_op:
        batch_op.drop_column('language')
