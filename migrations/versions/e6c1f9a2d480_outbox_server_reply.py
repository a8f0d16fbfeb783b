"""The outbox keeps what the mail server said when it accepted each message (its queue id).

Revision ID: e6c1f9a2d480
Revises: b3f8e2a61c47
Create Date: 2026-12-01 20:16:48.981530

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6c1f9a2d480'
down_revision = 'b3f8e2a61c47'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('outbox_message', sa.Column('server_reply', sa.String(length=200), nullable=True))



def downgrade():
    op.drop_column('outbox_message', 'server_reply')

