"""The command line: the ``ackg`` console script's fast path and the click commands.

The top layer: it may import every other; nothing imports it.
"""
