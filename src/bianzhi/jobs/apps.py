from django.apps import AppConfig


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bianzhi.jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from bianzhi.kernel.nav import NavItem, nav_register

        nav_register(NavItem(label="后台任务", url_name="jobs:list", order=85, section="系统"))
