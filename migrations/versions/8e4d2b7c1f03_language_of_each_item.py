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


# Plain ALTER TABLE on both databases (SQLite has had ADD and DROP COLUMN since 3.35): a
# batch copy would drop moderation_item, which the kinds' tables point at.


def upgrade():
    op.add_column('moderation_item', sa.Column('language', sa.String(length=12), server_default='en', nullable=False))


def downgrade():
    op.drop_column('moderation_item', 'language')
