"""`flask serve` loads jieba's dictionary, scikit-learn and the search index on a thread
as it starts, so that the first search is not the one that waits for them."""
from __future__ import annotations


def test_the_warm_up_runs_on_an_empty_site_without_error(app):
    from feedback import cli
    from feedback.synthesis import text

    cli.warm_up(app)  # raises if any part of it is broken (an empty index, a missing dictionary)
    assert text._jieba is not None and text._jieba.dt.initialized


def test_serve_warms_up_on_a_thread_that_ends(app):
    from feedback import cli

    thread = cli._warm_up_in_the_background(app)  # it may have ended already: it is fast
    assert thread.name == "warm-up" and thread.daemon  # once everything was loaded
    thread.join(timeout=120)
    assert not thread.is_alive()
