"""The logic stage: OWL 2 RL consistency, with owlrl as the reference and ``reasonable`` as the
fast path."""
