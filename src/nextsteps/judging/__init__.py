"""Comparative judgement and moderation kernels: pure Python, NumPy and SciPy, no Django.

- `bradley_terry`: fit a Bradley–Terry scale to paired comparisons, with standard errors,
  infit and outfit for scripts and judges, Scale Separation Reliability, anchors and grade
  boundaries.
- `pairing`: choose the next pair of scripts for a judge, keeping the design balanced and
  connected.
- `agreement`: agreement between markers for moderation (exact, within one level, weighted
  kappa, Krippendorff's alpha, generosity and severity).
- `files` and `cli`: the `nextsteps cj` command on CSV files.

The formulas are written out in README.md beside this file.
"""
