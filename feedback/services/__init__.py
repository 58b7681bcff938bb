"""The domain layer: plain functions, keyword arguments, ids in, rows out.

No request, no flash, no current_user: views and jobs call the same functions.
Each call is one unit of work: validate → check permission → save → audit →
commit → enqueue follow-up jobs after the commit.
"""
