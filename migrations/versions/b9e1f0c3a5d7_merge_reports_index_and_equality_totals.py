"""Joins two branches made side by side: the reports' index and the equality totals.

Revision ID: b9e1f0c3a5d7
Revises: a4d2e8c61f57, a4d8e6f1c2b7
Create Date: 2026-12-01 23:20:00

"""

# revision identifiers, used by Alembic.
revision = 'b9e1f0c3a5d7'
down_revision = ('a4d2e8c61f57', 'a4d8e6f1c2b7')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
