"""Let `python -m gazebot` behave like the `gazebot` console script."""

from gazebot.cli import main

raise SystemExit(main())
