"""Safeguarding that routes and escalates: when a flag was raised, when it is due and when
it was escalated; patterns long enough for the pattern language, with their language;
the old catch-all "abuse" phrases moved to "child at risk" (the most urgent route), the
category list that replaced it having no "abuse".

Revision ID: c4e8a1f6d2b9
Revises: a91c5e3d7b20
Create Date: 2026-12-01 13:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c4e8a1f6d2b9'
down_revision = 'a91c5e3d7b20'
branch_labels = None
depends_on = None


# Plain ADD COLUMN on moderation_item (a batch copy would drop the table the kinds'
# tables point at); safeguarding_phrase has nothing pointing at it, so a batch copy is
# how SQLite widens its column.


def upgrade():
    for name in ('flagged_at', 'flag_due_at', 'flag_escalated_at'):
        op.add_column('moderation_item', sa.Column(name, sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_moderation_item_flag_due', 'moderation_item', ['safeguarding_state', 'flag_due_at'])
    with op.batch_alter_table('safeguarding_phrase') as batch:
        batch.alter_column('phrase', existing_type=sa.String(length=120), type_=sa.String(length=400),
                           existing_nullable=False)
        batch.add_column(sa.Column('language', sa.String(length=12), server_default='en', nullable=False))
    op.execute("UPDATE safeguarding_phrase SET category = 'child_at_risk' WHERE category = 'abuse'")
    # Open flags from before get a due time from when they were sent.
    op.execute("UPDATE moderation_item SET flagged_at = created_at, flag_due_at = created_at "
               "WHERE safeguarding_state = 'open'")


def downgrade():
    with op.batch_alter_table('safeguarding_phrase') as batch:
        batch.drop_column('language')
        batch.alter_column('phrase', existing_type=sa.String(length=400), type_=sa.String(length=120),
                           existing_nullable=False)
    op.drop_index('ix_moderation_item_flag_due', table_name='moderation_item')
    for name in ('flag_escalated_at', 'flag_due_at', 'flagged_at'):
        op.drop_column('moderation_item', name)
