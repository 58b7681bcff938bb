"""photos and documents sent with an opinion

Revision ID: a4c1e7f20b55
Revises: a1c3e5f7b9d2
Create Date: 2026-12-07 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
import feedback.models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'a4c1e7f20b55'
down_revision = 'a1c3e5f7b9d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'opinion_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('opinion_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=80), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('location_kept', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('released_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['opinion_id'], ['opinion.id'], ),
        sa.ForeignKeyConstraint(['released_by_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('opinion_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opinion_file_opinion_id'), ['opinion_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('opinion_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opinion_file_opinion_id'))
    op.drop_table('opinion_file')
