"""covering opinion indexes, and opinion tallies kept by a trigger: the pages' aggregates
read an index or a few counted rows, not the table

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

opinion_tally and opinion_day_tally (models/tallies.py): published opinions counted by
item, concern, stance, department, answered, and by item and day. On PostgreSQL a trigger
on opinion writes +1/-1 rows in the changing transaction; they are filled here from the
opinions already stored. SQLite gets the tables (empty, unused) and no trigger.

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


TALLY_FUNCTION = """
CREATE OR REPLACE FUNCTION opinion_tally_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.moderation = 'published' THEN
        INSERT INTO opinion_tally (disclosure_id, cluster_id, stance, department_id, answered,
                                   opinions)
        VALUES (OLD.disclosure_id, OLD.cluster_id, OLD.stance, OLD.department_id,
                OLD.status IN ('answered', 'closed'), -1);
        INSERT INTO opinion_day_tally (disclosure_id, day, opinions)
        VALUES (OLD.disclosure_id, date(timezone('UTC', OLD.created_at)), -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.moderation = 'published' THEN
        INSERT INTO opinion_tally (disclosure_id, cluster_id, stance, department_id, answered,
                                   opinions)
        VALUES (NEW.disclosure_id, NEW.cluster_id, NEW.stance, NEW.department_id,
                NEW.status IN ('answered', 'closed'), 1);
        INSERT INTO opinion_day_tally (disclosure_id, day, opinions)
        VALUES (NEW.disclosure_id, date(timezone('UTC', NEW.created_at)), 1);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""
# Only a change of what is counted writes rows: claiming, a note, a due date write none.
TALLY_TRIGGERS = (
    "CREATE TRIGGER opinion_tally_arrive_leave AFTER INSERT OR DELETE ON opinion "
    "FOR EACH ROW EXECUTE FUNCTION opinion_tally_change()",
    "CREATE TRIGGER opinion_tally_change AFTER UPDATE ON opinion FOR EACH ROW WHEN ("
    "(OLD.moderation = 'published') IS DISTINCT FROM (NEW.moderation = 'published') OR ("
    "NEW.moderation = 'published' AND ("
    "OLD.disclosure_id IS DISTINCT FROM NEW.disclosure_id "
    "OR OLD.cluster_id IS DISTINCT FROM NEW.cluster_id "
    "OR OLD.stance IS DISTINCT FROM NEW.stance "
    "OR OLD.department_id IS DISTINCT FROM NEW.department_id "
    "OR OLD.created_at IS DISTINCT FROM NEW.created_at "
    "OR (OLD.status IN ('answered', 'closed')) IS DISTINCT FROM "
    "(NEW.status IN ('answered', 'closed'))))) "
    "EXECUTE FUNCTION opinion_tally_change()",
)
TALLY_FILL = (
    "INSERT INTO opinion_tally (disclosure_id, cluster_id, stance, department_id, answered, "
    "opinions) SELECT disclosure_id, cluster_id, stance, department_id, "
    "status IN ('answered', 'closed'), count(*) FROM opinion WHERE moderation = 'published' "
    "GROUP BY 1, 2, 3, 4, 5",
    "INSERT INTO opinion_day_tally (disclosure_id, day, opinions) "
    "SELECT disclosure_id, date(timezone('UTC', created_at)), count(*) FROM opinion "
    "WHERE moderation = 'published' GROUP BY 1, 2",
)


COHORT = ("o.status IN ('routed', 'accepted', 'in_progress', 'answered', 'closed') "
          "AND o.department_id IS NOT NULL AND o.moderation <> 'hidden'")
IS_OPEN = "o.answered_at IS NULL AND o.status IN ('routed', 'accepted', 'in_progress')"
ON_TIME = ("o.answered_at IS NOT NULL AND (o.due_on IS NULL OR "
           "date(timezone('Asia/Shanghai', o.answered_at)) <= o.due_on)")
FIGURES_KEY = (f"o.department_id, o.answered_at IS NOT NULL, {ON_TIME}, {IS_OPEN}, "
               f"CASE WHEN {IS_OPEN} THEN o.due_on END")
FIGURES_FUNCTIONS = (
    f"""
CREATE OR REPLACE FUNCTION opinion_figures_add(o opinion, score text, sign integer)
RETURNS void AS $$
BEGIN
    IF {COHORT} THEN
        INSERT INTO opinion_figures_tally (department_id, answered, on_time, open, open_due_on,
                                           rated, satisfied, opinions)
        VALUES ({FIGURES_KEY}, score IS NOT NULL,
                coalesce(score IN ('satisfied', 'basically_satisfied'), false), sign);
    END IF;
END
$$ LANGUAGE plpgsql
""",
    """
CREATE OR REPLACE FUNCTION opinion_figures_change() RETURNS trigger AS $$
DECLARE
    score text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM opinion_figures_add(NEW, NULL, 1);  -- no rating before the opinion
    ELSE
        SELECT r.score INTO score FROM rating r WHERE r.opinion_id = OLD.id;
        PERFORM opinion_figures_add(OLD, score, -1);
        IF TG_OP = 'UPDATE' THEN
            PERFORM opinion_figures_add(NEW, score, 1);
        END IF;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
""",
    """
CREATE OR REPLACE FUNCTION rating_figures_change() RETURNS trigger AS $$
DECLARE
    o opinion;
BEGIN
    -- the opinion moves from rated (OLD.score) to not rated, and from not rated to NEW.score
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT * INTO o FROM opinion WHERE id = OLD.opinion_id;
        IF FOUND THEN
            PERFORM opinion_figures_add(o, OLD.score, -1);
            PERFORM opinion_figures_add(o, NULL, 1);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT * INTO o FROM opinion WHERE id = NEW.opinion_id;
        IF FOUND THEN
            PERFORM opinion_figures_add(o, NULL, -1);
            PERFORM opinion_figures_add(o, NEW.score, 1);
        END IF;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
""",
)
FIGURES_TRIGGERS = (
    "CREATE TRIGGER opinion_figures_arrive_leave AFTER INSERT OR DELETE ON opinion "
    "FOR EACH ROW EXECUTE FUNCTION opinion_figures_change()",
    "CREATE TRIGGER opinion_figures_change AFTER UPDATE ON opinion FOR EACH ROW WHEN ("
    "(OLD.status, OLD.department_id, OLD.moderation, OLD.answered_at, OLD.due_on) "
    "IS DISTINCT FROM (NEW.status, NEW.department_id, NEW.moderation, NEW.answered_at, "
    "NEW.due_on)) EXECUTE FUNCTION opinion_figures_change()",
    "CREATE TRIGGER rating_figures_arrive_leave AFTER INSERT OR DELETE ON rating "
    "FOR EACH ROW EXECUTE FUNCTION rating_figures_change()",
    "CREATE TRIGGER rating_figures_change AFTER UPDATE ON rating FOR EACH ROW WHEN ("
    "(OLD.score, OLD.opinion_id) IS DISTINCT FROM (NEW.score, NEW.opinion_id)) "
    "EXECUTE FUNCTION rating_figures_change()",
)
FIGURES_FILL = (
    "INSERT INTO opinion_figures_tally (department_id, answered, on_time, open, open_due_on, "
    f"rated, satisfied, opinions) SELECT {FIGURES_KEY}, r.id IS NOT NULL, "
    "coalesce(r.score IN ('satisfied', 'basically_satisfied'), false), count(*) "
    f"FROM opinion o LEFT JOIN rating r ON r.opinion_id = o.id WHERE {COHORT} "
    "GROUP BY 1, 2, 3, 4, 5, 6, 7"
)


def _create_tallies():
    op.create_table(
        'opinion_tally',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('disclosure_id', sa.Integer(), nullable=True),
        sa.Column('cluster_id', sa.Integer(), nullable=True),
        sa.Column('stance', sa.String(length=20), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('answered', sa.Boolean(), nullable=False),
        sa.Column('opinions', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_opinion_tally_item', 'opinion_tally', ['disclosure_id'], unique=False)
    op.create_table(
        'opinion_day_tally',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('disclosure_id', sa.Integer(), nullable=True),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('opinions', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_opinion_day_tally_item', 'opinion_day_tally', ['disclosure_id', 'day'],
                    unique=False)
    op.create_table(
        'opinion_figures_tally',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('answered', sa.Boolean(), nullable=False),
        sa.Column('on_time', sa.Boolean(), nullable=False),
        sa.Column('open', sa.Boolean(), nullable=False),
        sa.Column('open_due_on', sa.Date(), nullable=True),
        sa.Column('rated', sa.Boolean(), nullable=False),
        sa.Column('satisfied', sa.Boolean(), nullable=False),
        sa.Column('opinions', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(TALLY_FUNCTION)
        for statement in TALLY_TRIGGERS + TALLY_FILL:
            op.execute(statement)
        for statement in FIGURES_FUNCTIONS + FIGURES_TRIGGERS + (FIGURES_FILL,):
            op.execute(statement)


def upgrade():
    _create_tallies()
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
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS opinion_tally_change ON opinion")
        op.execute("DROP TRIGGER IF EXISTS opinion_tally_arrive_leave ON opinion")
        op.execute("DROP FUNCTION IF EXISTS opinion_tally_change()")
        op.execute("DROP TRIGGER IF EXISTS rating_figures_change ON rating")
        op.execute("DROP TRIGGER IF EXISTS rating_figures_arrive_leave ON rating")
        op.execute("DROP TRIGGER IF EXISTS opinion_figures_change ON opinion")
        op.execute("DROP TRIGGER IF EXISTS opinion_figures_arrive_leave ON opinion")
        op.execute("DROP FUNCTION IF EXISTS rating_figures_change()")
        op.execute("DROP FUNCTION IF EXISTS opinion_figures_change()")
        op.execute("DROP FUNCTION IF EXISTS opinion_figures_add(opinion, text, integer)")
    op.drop_table('opinion_figures_tally')
    op.drop_index('ix_opinion_day_tally_item', table_name='opinion_day_tally')
    op.drop_table('opinion_day_tally')
    op.drop_index('ix_opinion_tally_item', table_name='opinion_tally')
    op.drop_table('opinion_tally')
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
