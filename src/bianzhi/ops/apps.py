from django.apps import AppConfig


class OpsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bianzhi.ops"
    verbose_name = "运行维护"

    def ready(self) -> None:
        from bianzhi.jobs.periodic import periodic_register
        from bianzhi.ops import jobs  # noqa: F401 - registers the "立即备份" job kind
        from bianzhi.ops.services import backup_scheduled

        # The worker calls it every few minutes; it backs up once a day (per
        # BIANZHI_BACKUP_INTERVAL_HOURS), whichever worker gets there first.
        periodic_register("ops.backup", backup_scheduled)
