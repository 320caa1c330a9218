"""``python -m adventure`` runs the same command line as ``million-miles``."""

from adventure.cli import main

raise SystemExit(main())
