"""Documents made from the graph: diagrams, the reference docs, resource pages, the static site."""
