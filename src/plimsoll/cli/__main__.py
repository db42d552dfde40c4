from __future__ import annotations

from plimsoll.cli.main import main

main()
