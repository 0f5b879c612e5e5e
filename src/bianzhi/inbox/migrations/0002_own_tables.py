"""The inbox's tables get the inbox's names, and the kind column loses its
choices (kinds are registered by the apps, bianzhi.inbox.kinds) and widens
to 64 characters for namespaced codes such as "plan.approved".

Renaming keeps every row (ALTER TABLE … RENAME on SQLite and PostgreSQL).
The content types follow the models, so permissions and admin history that
point at them stay attached.
"""

from typing import Any

from django.db import migrations, models

MODELS = ("notification", "digestrun")


def _move_content_types(apps: Any, schema_editor: Any, source: str, target: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    objects = content_type.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        # On a new database post_migrate creates them later; skip if the
        # target exists already (never two rows for one model).
        if not objects.filter(app_label=target, model=model).exists():
            objects.filter(app_label=source, model=model).update(app_label=target)


def forwards(apps: Any, schema_editor: Any) -> None:
    _move_content_types(apps, schema_editor, "tasks", "inbox")


def backwards(apps: Any, schema_editor: Any) -> None:
    _move_content_types(apps, schema_editor, "inbox", "tasks")


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0001_initial"),
        ("tasks", "0003_notifications_to_inbox"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="digestrun", table=None),
        migrations.AlterModelTable(name="notification", table=None),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(max_length=64, verbose_name="类型"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
