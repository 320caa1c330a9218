"""argparse's own words, marked here so that ``pybabel extract`` puts them in the catalogue.

argparse words usage lines and errors through gettext's global ``_`` (pointed at our
catalogue by :func:`adventure.cli._args.localise_argparse`); its strings are not in our
source, so they are listed here, exactly as Python's ``argparse`` writes them. This module
is never imported. A string Python changes in a later version is simply shown in English
until it is added here.
"""

from __future__ import annotations

from adventure.base.messages import N_


def ngettext(singular: str, plural: str, n: int) -> str:
    """A marker for extraction only."""
    return singular if n == 1 else plural


WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    ngettext("expected %s argument", "expected %s arguments", 2),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)
