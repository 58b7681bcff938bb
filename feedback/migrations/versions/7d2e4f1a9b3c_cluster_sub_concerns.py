"""cluster sub-concerns found when it was clustered

Revision ID: 7d2e4f1a9b3c
Revises: c168470ac4fa
Create Date: 2026-12-02 18:50:00.000000

"""
from alembic import op
import sqlalchemy as sa
import feedback.models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '7d2e4f1a9b3c'
down_revision = 'c168470ac4fa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cluster', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sub_concerns', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('cluster', schema=None) as batch_op:
        batch_op.drop_column('sub_concerns')
