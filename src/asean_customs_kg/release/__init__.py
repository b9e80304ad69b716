"""The release of the graph and what changes between two: export, diff, loading into stores."""
