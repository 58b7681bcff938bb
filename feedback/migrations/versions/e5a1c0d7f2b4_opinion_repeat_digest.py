"""opinion repeat digest: the repeat check looks up one indexed digest

Revision ID: e5a1c0d7f2b4
Revises: a4c1e7f20b55
Create Date: 2026-12-07 18:00:00.000000

"""

import hashlib
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa
import feedback.models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'e5a1c0d7f2b4'
down_revision = 'a4c1e7f20b55'
branch_labels = None
depends_on = None


def _digest(source, day, analysis_text):
    # The same formula as feedback.services.moderation.repeat_digest, frozen here.
    return hashlib.sha256(f"{source}\n{day}\n{analysis_text}".encode("utf-8")).hexdigest()


def upgrade():
    with op.batch_alter_table("opinion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("repeat_digest", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_opinion_repeat_digest", ["repeat_digest"], unique=False)
    # Only the last two days can be repeated within the 24-hour window: fill those.
    opinion = sa.table(
        "opinion",
        sa.column("id", sa.Integer),
        sa.column("source", sa.String),
        sa.column("analysis_text", sa.Text),
        sa.column("created_at", feedback.models.base.UTCDateTime()),
        sa.column("repeat_digest", sa.String),
    )
    since = datetime.now(timezone.utc) - timedelta(days=2)
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            opinion.c.id, opinion.c.source, opinion.c.analysis_text, opinion.c.created_at
        ).where(opinion.c.source.is_not(None), opinion.c.created_at >= since)
    ).all()
    for row in rows:
        day = row.created_at.astimezone(timezone.utc).date()
        connection.execute(
            opinion.update()
            .where(opinion.c.id == row.id)
            .values(repeat_digest=_digest(row.source, day.isoformat(), row.analysis_text or ""))
        )


def downgrade():
    with op.batch_alter_table("opinion", schema=None) as batch_op:
        batch_op.drop_index("ix_opinion_repeat_digest")
        batch_op.drop_column("repeat_digest")
