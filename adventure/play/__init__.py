"""A run in play, for a front end: the session that owns its slot, lock and autosave.

Above ``saves`` and ``analysis``, below ``ui``: ``session`` (the one owner of a run in
play), ``sandbox`` (checked start values for ``play --start/--set``) and ``notices``
(the words for what saves and rebases report as data). No Rich or terminal here.
"""
