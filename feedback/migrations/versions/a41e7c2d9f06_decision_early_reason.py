"""a decision recorded while comments were still open keeps the reason for deciding early

Revision ID: a41e7c2d9f06
Revises: e5a1c0d7f2b4
Create Date: 2026-12-07 18:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a41e7c2d9f06'
down_revision = 'e5a1c0d7f2b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('early_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_column('early_reason')
