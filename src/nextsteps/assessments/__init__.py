"""Tests and timed challenges: marks, question-level analysis, score conversion, personal bests."""
