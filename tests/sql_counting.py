"""Counting the SQL statements an action sends: a page or an import that looks something
up once per row sends more the more rows there are, whatever the machine's speed."""
from __future__ import annotations


def statements_during(db, action):
    """How many SQL statements `action` sends (an executemany counts once)."""
    from sqlalchemy import event

    sent = []

    def count(*_):
        sent.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = action()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return result, len(sent)
