"""What every layer may use: typed errors with codes, safe text, the program's words, safe file reading.

The lowest layer: it imports nothing else of the package. ``errors`` (every expected
error, with its code), ``safetext`` (control characters written out), ``messages``
(gettext for the program's own words), ``wording`` (counts in English for diagnostics),
``regularfile`` (the one reader that checks a path is a regular file of bounded size),
``resources`` (where the shipped story, demo runs and author's note live).
"""
