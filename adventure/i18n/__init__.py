"""Translations: a story's words in gettext catalogues, and the program's own words.

``strings`` says which words of a loaded story are translatable and keys each one by
ids (never by position); ``catalog`` reads and writes PO files with Babel; ``translate``
builds a translated story from a PO file, checking every template like the English;
``language`` picks the language from the environment as gettext does; ``program`` is
the gettext domain of the package's own words (title screen, help, prompts).
"""
