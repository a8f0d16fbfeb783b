"""Staff invitations: single-use links an admin sends so a person sets their own password.

Revision ID: f2a7c4d9e1b3
Revises: e6c1f9a2d480
Create Date: 2026-12-01 22:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2a7c4d9e1b3'
down_revision = 'e6c1f9a2d480'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'staff_invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_staff_invitation_user_id_staff_user'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'],
                                name=op.f('fk_staff_invitation_created_by_id_staff_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_invitation')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_staff_invitation_token_hash')),
    )
    with op.batch_alter_table('staff_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_invitation_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('staff_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_invitation_user_id'))
    op.drop_table('staff_invitation')
