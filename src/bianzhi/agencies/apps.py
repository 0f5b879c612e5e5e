from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "bianzhi.agencies"
    verbose_name = "派驻机构与考核"

    def ready(self) -> None:
        from bianzhi.kernel.nav import NavItem, nav_register

        nav_register(NavItem(label="派驻机构与考核", url_name="agencies:index", order=52, section="派驻与考核"))
