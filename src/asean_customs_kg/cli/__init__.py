"""The command line: the ``ackg`` console script's fast path and the click commands."""
