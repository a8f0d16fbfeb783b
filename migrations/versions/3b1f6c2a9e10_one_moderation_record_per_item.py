"""One moderation record per item: the moderation state moves from `submission` to
`moderation_item`, which every kind of item shares (joined-table inheritance: a
submission's id is its moderation item's id). Notes and safeguarding actions now point
at the moderation item. Existing rows keep their ids, so links and audit entries still work.

Revision ID: 3b1f6c2a9e10
Revises: 7d180df9d9db
Create Date: 2026-12-01 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '3b1f6c2a9e10'
down_revision = '7d180df9d9db'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('received', 'in_review')")
MOVED = ("audience", "theme_id", "area_id", "created_at", "due_on", "status", "hidden_reason", "public_text",
         "safeguarding_state", "safeguarding_categories", "reviewed_at", "answered_at", "response_id")


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    op.create_table('moderation_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('hidden_reason', sa.Text(), nullable=True),
    sa.Column('public_text', sa.Text(), nullable=True),
    sa.Column('safeguarding_state', sa.String(length=20), nullable=False),
    sa.Column('safeguarding_categories', sa.String(length=200), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_moderation_item_area_id_area')),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_moderation_item_response_id_response')),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_moderation_item_theme_id_theme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_item'))
    )
    with op.batch_alter_table('moderation_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_item_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_item_theme_id'), ['theme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_item_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_item_response_id'), ['response_id'], unique=False)
        batch_op.create_index('ix_moderation_item_created', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_moderation_item_status_created', ['status', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_moderation_item_safeguarding', ['safeguarding_state', 'created_at'], unique=False)
        batch_op.create_index('ix_moderation_item_open_queue', ['due_on', 'created_at', 'id'], unique=False,
                              sqlite_where=OPEN, postgresql_where=OPEN)

    columns = ", ".join(MOVED)
    op.execute(f"INSERT INTO moderation_item (id, kind, {columns}) SELECT id, 'feedback', {columns} FROM submission")
    if _postgresql():
        op.execute("SELECT setval(pg_get_serial_sequence('moderation_item', 'id'), "
                   "COALESCE((SELECT MAX(id) FROM moderation_item), 0) + 1, false)")

    for table in ("moderation_note", "safeguarding_action"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_submission_id')
            batch_op.drop_constraint(f'fk_{table}_submission_id_submission', type_='foreignkey')
            batch_op.alter_column('submission_id', new_column_name='item_id', existing_type=sa.Integer(),
                                  existing_nullable=False)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_foreign_key(f'fk_{table}_item_id_moderation_item', 'moderation_item', ['item_id'], ['id'])
            batch_op.create_index(f'ix_{table}_item_id', ['item_id'], unique=False)

    with op.batch_alter_table('submission', schema=None) as batch_op:
        for index in ('ix_submission_area_id', 'ix_submission_created', 'ix_submission_response_id',
                      'ix_submission_safeguarding', 'ix_submission_status_created', 'ix_submission_theme_id'):
            batch_op.drop_index(index)
        batch_op.drop_index('ix_submission_open_queue', sqlite_where=OPEN, postgresql_where=OPEN)
        for constraint in ('fk_submission_area_id_area', 'fk_submission_response_id_response',
                           'fk_submission_theme_id_theme'):
            batch_op.drop_constraint(constraint, type_='foreignkey')
        for column in MOVED:
            batch_op.drop_column(column)
        batch_op.create_foreign_key('fk_submission_id_moderation_item', 'moderation_item', ['id'], ['id'])
    if _postgresql():
        # The id now comes from the moderation item, not a sequence of its own.
        op.execute("ALTER TABLE submission ALTER COLUMN id DROP DEFAULT")
        op.execute("DROP SEQUENCE IF EXISTS submission_id_seq")


def downgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_constraint('fk_submission_id_moderation_item', type_='foreignkey')
        batch_op.add_column(sa.Column('audience', sa.String(length=20), nullable=False, server_default='adult'))
        batch_op.add_column(sa.Column('theme_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('area_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=20), nullable=False, server_default='received'))
        batch_op.add_column(sa.Column('hidden_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('public_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('safeguarding_state', sa.String(length=20), nullable=False, server_default='none'))
        batch_op.add_column(sa.Column('safeguarding_categories', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=False,
                                      server_default=sa.text('CURRENT_TIMESTAMP')))
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=False, server_default=sa.text('CURRENT_DATE')))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('response_id', sa.Integer(), nullable=True))
    for column in MOVED:
        op.execute(f"UPDATE submission SET {column} = (SELECT m.{column} FROM moderation_item m WHERE m.id = submission.id)")
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_submission_area_id_area', 'area', ['area_id'], ['id'])
        batch_op.create_foreign_key('fk_submission_response_id_response', 'response', ['response_id'], ['id'])
        batch_op.create_foreign_key('fk_submission_theme_id_theme', 'theme', ['theme_id'], ['id'])
        batch_op.create_index('ix_submission_area_id', ['area_id'], unique=False)
        batch_op.create_index('ix_submission_created', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_submission_open_queue', ['due_on', 'created_at', 'id'], unique=False,
                              sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index('ix_submission_response_id', ['response_id'], unique=False)
        batch_op.create_index('ix_submission_safeguarding', ['safeguarding_state', 'created_at'], unique=False)
        batch_op.create_index('ix_submission_status_created', ['status', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_submission_theme_id', ['theme_id'], unique=False)
    if _postgresql():
        op.execute("CREATE SEQUENCE IF NOT EXISTS submission_id_seq OWNED BY submission.id")
        op.execute("SELECT setval('submission_id_seq', COALESCE((SELECT MAX(id) FROM submission), 0) + 1, false)")
        op.execute("ALTER TABLE submission ALTER COLUMN id SET DEFAULT nextval('submission_id_seq')")

    for table in ("moderation_note", "safeguarding_action"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_item_id')
            batch_op.drop_constraint(f'fk_{table}_item_id_moderation_item', type_='foreignkey')
            batch_op.alter_column('item_id', new_column_name='submission_id', existing_type=sa.Integer(),
                                  existing_nullable=False)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_foreign_key(f'fk_{table}_submission_id_submission', 'submission', ['submission_id'], ['id'])
            batch_op.create_index(f'ix_{table}_submission_id', ['submission_id'], unique=False)

    op.drop_table('moderation_item')
