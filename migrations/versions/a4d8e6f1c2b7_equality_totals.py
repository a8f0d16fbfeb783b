"""Equality totals: the counts kept once equality answers pass their retention period.

Revision ID: a4d8e6f1c2b7
Revises: f2a7c4d9e1b3
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4d8e6f1c2b7'
down_revision = 'f2a7c4d9e1b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'equality_total',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('question', sa.String(length=40), nullable=False),
        sa.Column('answer', sa.String(length=200), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_equality_total')),
        sa.UniqueConstraint('source', 'year', 'question', 'answer',
                            name=op.f("uq_equality_total_source")),
    )


def downgrade():
    op.drop_table('equality_total')
