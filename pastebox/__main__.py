from pastebox.cli import main

raise SystemExit(main())
