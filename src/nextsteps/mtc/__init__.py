"""Multiplication tables check practice (year 4): forms, fact maps and scores.

Pure kernels with no Django import: `rules` (the STA framework's rules, read from
`data/check_rules.yaml`), `check_form` (forms in the check's shape), `fact_map` (known
quickly / slowly / not yet, and what to practise next), `scores` (0 to 25, against the
pupil's own best) and `cli` (`nextsteps mtc`).
"""
