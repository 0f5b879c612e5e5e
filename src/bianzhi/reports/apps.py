from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bianzhi.reports"
    verbose_name = "监测评估与公文"

    def ready(self) -> None:
        from bianzhi.kernel.nav import NavItem, nav_register

        nav_register(NavItem(label="监测评估与公文", url_name="reports:index", order=70, section="督导与评估"))
        # Registers the "reports.sanding_batch" job kind with bianzhi.jobs.
        from bianzhi.reports import jobs  # noqa: F401
