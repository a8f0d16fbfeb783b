"""Termly reports read one range of an index on response_update (published_at, id), not the whole table.

Revision ID: a4d2e8c61f57
Revises: f2a7c4d9e1b3
Create Date: 2026-12-01 23:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a4d2e8c61f57'
down_revision = 'f2a7c4d9e1b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_response_update_published', 'response_update', ['published_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_response_update_published', table_name='response_update')
