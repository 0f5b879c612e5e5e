from django.apps import AppConfig


class TownshipsConfig(AppConfig):
    name = "bianzhi.townships"
    verbose_name = "乡镇与指标"

    def ready(self) -> None:
        from bianzhi.kernel.nav import NavItem, nav_register

        nav_register(NavItem(label="乡镇与指标", url_name="townships:index", order=30, section="编制测算"))
