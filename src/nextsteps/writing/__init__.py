"""KS2 writing teacher assessment: the end-of-key-stage judgement against "pupil can" statements.

`rules.py` (structure and the secure-fit rule) and `statements_file.py` (the import format)
are pure kernels; the rest is a Django app. See README.md.
"""
