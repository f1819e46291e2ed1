"""A/B and shadow experiments: the challenger alias, results with significance tests, conclusion."""
