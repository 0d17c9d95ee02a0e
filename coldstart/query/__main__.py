"""``python -m coldstart.query``: check the SQL library's documentation (exit 1 on errors)."""

from coldstart.query.docs import main

raise SystemExit(main())
