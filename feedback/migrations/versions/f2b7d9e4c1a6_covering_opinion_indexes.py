"""covering opinion indexes: the pages' aggregates read an index, not the table

At 100,000 opinions the committee's summary, the public item page, the figures and the
home page counted by reading the wide `opinion` rows (98 MB). Each aggregate now has an
index holding every column it reads, so PostgreSQL answers it by an index-only scan:
- ix_opinion_review: an item's (or every item's) published opinions by concern, stance,
  department, status and day, with the id (committee summary, public "what we heard" and
  its campaigns, home counts, a concern's stance counts);
- ix_opinion_figures: the figures' cohort by department (status, period, moderation,
  answered, due date) with the id that joins the rating;
- ix_opinion_response_reach: how many opinions an answer reaches, and which answers
  reach an item (replaces ix_opinion_response_id);
- ix_opinion_department_due_id: a department's queue by due date, ties by id, so a page
  deep in the queue is read from the index in order (replaces ix_opinion_department_due);
- ix_opinion_reopened (partial) and ix_rating_score: the "not satisfied" list.
ix_opinion_department_status and ix_opinion_disclosure_id are prefixes of the new
indexes and are dropped, so an insert writes as many opinion indexes as before.

Revision ID: f2b7d9e4c1a6
Revises: e5a1c3d7f902
Create Date: 2026-12-07 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2b7d9e4c1a6'
down_revision = 'e5a1c3d7f902'
branch_labels = None
depends_on = None

FIGURES_INCLUDE = ['moderation', 'answered_at', 'due_on', 'id']


def upgrade():
    with op.batch_alter_table('opinion', schema=None) as batch_op:
        batch_op.create_index('ix_opinion_review', ['disclosure_id', 'moderation', 'cluster_id',
                                                    'stance', 'department_id', 'status',
                                                    'created_at'], unique=False,
                                postgresql_include=['id'])
        batch_op.create_index('ix_opinion_figures', ['department_id', 'status', 'created_at'],
                              unique=False, postgresql_include=FIGURES_INCLUDE)
        batch_op.create_index('ix_opinion_response_reach',
                              ['response_id', 'status', 'disclosure_id'], unique=False)
        batch_op.create_index('ix_opinion_department_due_id', ['department_id', 'due_on', 'id'],
                              unique=False)
        batch_op.create_index('ix_opinion_reopened', ['id'], unique=False,
                              postgresql_where=sa.text('reopened_count > 0'),
                              sqlite_where=sa.text('reopened_count > 0'))
        batch_op.drop_index('ix_opinion_department_status')
        batch_op.drop_index('ix_opinion_disclosure_id')
        batch_op.drop_index('ix_opinion_response_id')
        batch_op.drop_index('ix_opinion_department_due')
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.create_index('ix_rating_score', ['score'], unique=False)


def downgrade():
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_score')
    with op.batch_alter_table('opinion', schema=None) as batch_op:
        batch_op.create_index('ix_opinion_department_due', ['department_id', 'due_on'],
                              unique=False)
        batch_op.create_index('ix_opinion_response_id', ['response_id'], unique=False)
        batch_op.create_index('ix_opinion_disclosure_id', ['disclosure_id'], unique=False)
        batch_op.create_index('ix_opinion_department_status', ['department_id', 'status'],
                              unique=False)
        batch_op.drop_index('ix_opinion_reopened')
        batch_op.drop_index('ix_opinion_department_due_id')
        batch_op.drop_index('ix_opinion_response_reach')
        batch_op.drop_index('ix_opinion_figures')
        batch_op.drop_index('ix_opinion_review')
