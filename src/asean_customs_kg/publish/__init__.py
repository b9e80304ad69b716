"""Documents made from the graph: diagrams, the reference docs, resource pages, the static site.

Above ``release/`` and ``validation/``; ``web/`` shares its resource-page renderer (``pages/``).
"""
