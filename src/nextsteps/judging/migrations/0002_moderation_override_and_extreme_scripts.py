"""Outcomes agreed without two independent levels keep the leader's reason; a session keeps
the warnings that qualify its reliability; a script is flagged extreme only when it won or lost
every comparison (it was: outside the fitted core)."""

from typing import Any

from django.db import migrations, models
from django.db.models import F, Q


def extreme_from_the_record(apps: Any, schema_editor: Any) -> None:
    Script = apps.get_model("judging", "Script")
    Script.objects.filter(comparisons=0).update(extreme=False)
    scripts = Script.objects.filter(comparisons__gt=0)
    scripts.filter(Q(wins=0) | Q(wins=F("comparisons"))).update(extreme=True)
    scripts.exclude(Q(wins=0) | Q(wins=F("comparisons"))).update(extreme=False)


class Migration(migrations.Migration):
    dependencies = [
        ("judging", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="moderationoutcome",
            name="override_reason",
            field=models.TextField(
                blank=True, verbose_name="why it was agreed without two independent judgements"
            ),
        ),
        migrations.AddField(
            model_name="cjsession",
            name="reliability_warnings",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(extreme_from_the_record, migrations.RunPython.noop),
    ]
