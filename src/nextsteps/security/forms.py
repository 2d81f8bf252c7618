from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nextsteps.security.models import SchoolSecurity


class SchoolSecurityForm(forms.ModelForm[SchoolSecurity]):
    class Meta:
        model = SchoolSecurity
        fields = ["staff_second_factor_required", "leaver_retention_months", "privacy_contact"]
        error_messages = {
            "leaver_retention_months": {
                "min_value": _("Keep leavers' data for at least 1 month."),
                "max_value": _("Keep leavers' data for at most 300 months (25 years)."),
                "invalid": _("Enter the number of months as a whole number, like 24."),
            }
        }
