"""``python -m coldstart.query``: check the SQL library's documentation (exit 1 on errors)."""

from coldstart.query.checker import main

raise SystemExit(main())
