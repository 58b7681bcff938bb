"""opinion indexes for pages bounded by what they show

An answer's reach is counted by response_id (a whole-concern answer covers thousands of
opinions at 100k); an item's opinions are read newest first a page at a time; a
department's queue and the overdue list are read by due date a page at a time.

Revision ID: e5a1c3d7f902
Revises: a41e7c2d9f06
Create Date: 2026-12-07 18:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e5a1c3d7f902'
down_revision = 'a41e7c2d9f06'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('opinion', schema=None) as batch_op:
        batch_op.create_index('ix_opinion_response_id', ['response_id'], unique=False)
        batch_op.create_index('ix_opinion_disclosure_created', ['disclosure_id', 'created_at'],
                              unique=False)
        batch_op.create_index('ix_opinion_department_due', ['department_id', 'due_on'],
                              unique=False)
        batch_op.create_index('ix_opinion_due_on', ['due_on'], unique=False)


def downgrade():
    with op.batch_alter_table('opinion', schema=None) as batch_op:
        batch_op.drop_index('ix_opinion_due_on')
        batch_op.drop_index('ix_opinion_department_due')
        batch_op.drop_index('ix_opinion_disclosure_created')
        batch_op.drop_index('ix_opinion_response_id')
