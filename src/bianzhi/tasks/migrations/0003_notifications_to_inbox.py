"""The notification models moved to ``bianzhi.inbox`` (inbox 0001 took over
their tables): forget them here, state only, so their tables and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0002_notification_kinds"),
        ("inbox", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="DigestRun"),
            ],
            database_operations=[],
        ),
    ]
