"""Sign-in: failures counted per account, address and pair (replacing the account lock),
and one-time recovery codes.

Revision ID: b3f8e2a61c47
Revises: d7a3c9e1b5f2
Create Date: 2026-12-01 20:03:04.558822

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3f8e2a61c47'
down_revision = 'd7a3c9e1b5f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_throttle',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle'))
    )
    op.create_table('staff_recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_staff_recovery_code_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_recovery_code')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_staff_recovery_code_code_hash'))
    )
    with op.batch_alter_table('staff_recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_recovery_code_user_id'), ['user_id'], unique=False)

    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35 and later have it): a batch copy of
    # staff_user would drop a table that every audit event and note refers to.
    op.drop_column('staff_user', 'locked_until')
    op.drop_column('staff_user', 'failed_attempts')


def downgrade():
    op.add_column('staff_user', sa.Column('failed_attempts', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('staff_user', sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('staff_recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_recovery_code_user_id'))

    op.drop_table('staff_recovery_code')
    op.drop_table('sign_in_throttle')
