"""Statutory checks: the phonics screening check, the multiplication tables check's statutory
scores and the Reception baseline assessment (administered, never scored).

The rules that change with national policy (the phonics threshold mark of each year, national
figures, the reasons a pupil did not take a check) are data in `data/`, each row with its
source; `rules.py` reads them and holds the pure rules (no Django import).
"""
