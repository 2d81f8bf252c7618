"""Load the DfE tables shipped in progress/data (estimates and SDs by year, nominal scores)."""

from django.db import migrations


def install(apps, schema_editor):
    from nextsteps.progress.shipped import install_shipped_tables

    install_shipped_tables(apps)


class Migration(migrations.Migration):
    dependencies = [("progress", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
