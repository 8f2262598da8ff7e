"""gridgov.tui: the Textual terminal UI started by ``gridgov tui`` (see :mod:`gridgov.tui.app`)."""
