"""UK forms as schools in England write them: "22 November 2026", 22/11/2026 in tables, 14:30.

Anything not set here falls back to Django's own en_GB formats (input formats, separators).
"""

DATE_FORMAT = "j F Y"  # 22 November 2026
TIME_FORMAT = "H:i"  # 14:30, the 24-hour clock of a school timetable
DATETIME_FORMAT = "j F Y, H:i"  # 22 November 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # November 2026
MONTH_DAY_FORMAT = "j F"  # 22 November
SHORT_DATE_FORMAT = "d/m/Y"  # 22/11/2026, in tables
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 22/11/2026 14:30
# A form field shows its date in the first input format. Every date field is an
# `<input type="date">`, which takes only ISO dates (a UK date shows blank and blocks the
# form), so ISO comes first; the UK forms are still understood when typed or imported.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-11-22
    "%d/%m/%Y",  # 22/11/2026
    "%d/%m/%y",  # 22/11/26
]
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
