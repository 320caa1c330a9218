"""A run of a story: the pure state machine and what is read off a run.

Imports ``story`` and ``i18n`` below it, never saves, analysis, the terminal or files.
``engine`` (state in, choice in, new state and events out), ``rng`` (the seeded
generator whose state is one integer), ``runlog`` (the persistent log each state
shares), ``rebase`` (a log replayed onto a possibly edited story, and where it stops,
as data), ``milestone`` (a chapter's next gate as the run stands) and ``divergence``
(how a run left the true path).
"""
