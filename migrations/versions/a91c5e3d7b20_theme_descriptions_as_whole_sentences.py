"""Two theme descriptions as whole sentences: one began with a lower-case "and", one read
"mix- work". Only rows still holding the old wording change: an admin's edit is kept.

Revision ID: a91c5e3d7b20
Revises: 8e4d2b7c1f03
Create Date: 2026-12-01 10:05:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'a91c5e3d7b20'
down_revision = '8e4d2b7c1f03'
branch_labels = None
depends_on = None

CHANGES = [
    ("and the things that make people afraid of or angry with each other",
     "Tackling hate crime and intolerance, and the things that make people afraid of or angry with each other"),
    ("Creating spaces where everyone from the local area can mix- work, play and socialise together",
     "Creating spaces where everyone from the local area can mix, work, play and socialise together"),
]


def _replace(pairs):
    theme = sa.table("theme", sa.column("description", sa.Text))
    for old, new in pairs:
        op.execute(theme.update().where(theme.c.description == old).values(description=new))


def upgrade():
    _replace(CHANGES)


def downgrade():
    _replace([(new, old) for old, new in CHANGES])
