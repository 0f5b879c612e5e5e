from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "bianzhi.duties"
    verbose_name = "权责清单与职责准入"

    def ready(self) -> None:
        from bianzhi.kernel.nav import NavItem, nav_register

        nav_register(NavItem(label="权责清单", url_name="duties:index", order=50, section="权责与职责准入"))
        nav_register(NavItem(label="职责准入", url_name="duties:request-list", order=51, section="权责与职责准入"))
