"""Progress measures: Progress 8, KS1–KS2 progress and estimates, on files and arrays."""
