"""The inbox takes over the notification models of ``tasks``, rows and all.

State only: the tables ``tasks_notification`` and ``tasks_digestrun`` already
exist (created by tasks 0001, on a new database as on one migrated by the
release where the inbox was part of ``tasks``). This migration says they now
belong to ``inbox``; tasks 0003 then forgets them, and inbox 0002 renames
them. Nothing is copied, so nothing can be lost.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("tasks", "0002_notification_kinds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DigestRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("day", models.DateField(unique=True)),
                        ("ran_at", models.DateTimeField(auto_now_add=True)),
                        ("notifications", models.PositiveIntegerField(default=0)),
                        ("emails", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "verbose_name": "每日提醒",
                        "verbose_name_plural": "每日提醒",
                        "db_table": "tasks_digestrun",
                    },
                ),
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        # As tasks 0002 left it; 0002 widens it and drops the choices.
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("deadline", "任务时限"),
                                    ("approval", "待审核"),
                                    ("finding", "督导问题"),
                                    ("rule", "规则问题"),
                                    ("result", "办理结果"),
                                    ("other", "其他"),
                                ],
                                max_length=20,
                                verbose_name="类型",
                            ),
                        ),
                        ("title", models.CharField(max_length=255, verbose_name="标题")),
                        ("body", models.TextField(blank=True, verbose_name="内容")),
                        ("url", models.CharField(blank=True, max_length=255, verbose_name="链接")),
                        ("key", models.CharField(max_length=200)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        ("emailed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "消息",
                        "verbose_name_plural": "消息",
                        "ordering": ["-created_at", "-id"],
                        "db_table": "tasks_notification",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "key"), name="notification_key_unique"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
