"""The People's Advisory Group: applications (a kind of moderation item), equality answers
kept apart, the seat lock row, emailed links, fair draws, meetings and focus groups.

Revision ID: d7a3c9e1b5f2
Revises: 5e566b34e06f
Create Date: 2026-12-01 19:28:38.418759

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7a3c9e1b5f2'
down_revision = '5e566b34e06f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('advisory_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisory_meeting'))
    )
    with op.batch_alter_table('advisory_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advisory_meeting_held_on'), ['held_on'], unique=False)

    op.create_table('advisory_seat_lock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisory_seat_lock'))
    )
    # The one row every change of seats writes first (portal/advisory/seats.py).
    op.execute("INSERT INTO advisory_seat_lock (id, version) VALUES (1, 0)")
    op.create_table('advisory_draw',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seat_pool', sa.String(length=40), nullable=False),
    sa.Column('characteristic', sa.String(length=30), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('inputs', sa.Text(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_advisory_draw_created_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisory_draw'))
    )
    op.create_table('advisory_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_advisory_invitation_created_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisory_invitation'))
    )
    op.create_table('advisory_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('draft_token', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=60), nullable=True),
    sa.Column('age_band', sa.String(length=20), nullable=False),
    sa.Column('seat_pool', sa.String(length=40), nullable=False),
    sa.Column('why', sa.Text(), nullable=False),
    sa.Column('bring', sa.Text(), nullable=False),
    sa.Column('interests', sa.String(length=400), nullable=False),
    sa.Column('availability', sa.String(length=200), nullable=False),
    sa.Column('access_needs', sa.Text(), nullable=False),
    sa.Column('declaration', sa.Text(), nullable=False),
    sa.Column('declared_on', sa.Date(), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('stage_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('waiting_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('offer_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('term_start', sa.Date(), nullable=True),
    sa.Column('term_end', sa.Date(), nullable=True),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('draw_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['draw_id'], ['advisory_draw.id'], name=op.f('fk_advisory_application_draw_id_advisory_draw')),
    sa.ForeignKeyConstraint(['id'], ['moderation_item.id'], name=op.f('fk_advisory_application_id_moderation_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisory_application')),
    sa.UniqueConstraint('draft_token', name=op.f('uq_advisory_application_draft_token')),
    sa.UniqueConstraint('reference', name=op.f('uq_advisory_application_reference'))
    )
    with op.batch_alter_table('advisory_application', schema=None) as batch_op:
        batch_op.create_index('ix_advisory_application_pool_stage', ['seat_pool', 'stage'], unique=False)

    op.create_table('advisory_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['advisory_application.id'], name=op.f('fk_advisory_attendance_application_id_advisory_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['advisory_meeting.id'], name=op.f('fk_advisory_attendance_meeting_id_advisory_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisory_attendance')),
    sa.UniqueConstraint('meeting_id', 'application_id', name=op.f('uq_advisory_attendance_meeting_id'))
    )
    with op.batch_alter_table('advisory_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advisory_attendance_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('advisory_equality',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('sex', sa.String(length=30), nullable=True),
    sa.Column('ethnic_group', sa.String(length=40), nullable=True),
    sa.Column('ethnic_background', sa.String(length=80), nullable=True),
    sa.Column('religion', sa.String(length=40), nullable=True),
    sa.Column('disability', sa.String(length=30), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['advisory_application.id'], name=op.f('fk_advisory_equality_application_id_advisory_application'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_advisory_equality'))
    )
    op.create_table('advisory_invitation_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('reply', sa.String(length=10), nullable=False),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['advisory_application.id'], name=op.f('fk_advisory_invitation_reply_application_id_advisory_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invitation_id'], ['advisory_invitation.id'], name=op.f('fk_advisory_invitation_reply_invitation_id_advisory_invitation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisory_invitation_reply')),
    sa.UniqueConstraint('invitation_id', 'application_id', name=op.f('uq_advisory_invitation_reply_invitation_id'))
    )
    with op.batch_alter_table('advisory_invitation_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advisory_invitation_reply_invitation_id'), ['invitation_id'], unique=False)

    op.create_table('advisory_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('nonce_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['advisory_application.id'], name=op.f('fk_advisory_link_application_id_advisory_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invitation_id'], ['advisory_invitation.id'], name=op.f('fk_advisory_link_invitation_id_advisory_invitation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisory_link')),
    sa.UniqueConstraint('nonce_hash', name=op.f('uq_advisory_link_nonce_hash'))
    )
    with op.batch_alter_table('advisory_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advisory_link_application_id'), ['application_id'], unique=False)



def downgrade():
    with op.batch_alter_table('advisory_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advisory_link_application_id'))

    op.drop_table('advisory_link')
    with op.batch_alter_table('advisory_invitation_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advisory_invitation_reply_invitation_id'))

    op.drop_table('advisory_invitation_reply')
    op.drop_table('advisory_equality')
    with op.batch_alter_table('advisory_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advisory_attendance_meeting_id'))

    op.drop_table('advisory_attendance')
    with op.batch_alter_table('advisory_application', schema=None) as batch_op:
        batch_op.drop_index('ix_advisory_application_pool_stage')

    op.drop_table('advisory_application')
    op.drop_table('advisory_invitation')
    op.drop_table('advisory_draw')
    op.drop_table('advisory_seat_lock')
    with op.batch_alter_table('advisory_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advisory_meeting_held_on'))

    op.drop_table('advisory_meeting')
