from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "bianzhi.dashboards"
    verbose_name = "统计图"

    def ready(self) -> None:
        from bianzhi.kernel.nav import NavItem, nav_register

        nav_register(NavItem(label="统计图", url_name="dashboards:index", order=55, section="督导与评估"))
