"""`python -m asyncaudit` -> the CLI."""

from asyncaudit.cli import main

raise SystemExit(main())
