from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "bianzhi.allocation"
    verbose_name = "测算方案"

    def ready(self) -> None:
        from bianzhi.kernel.nav import NavItem, nav_register

        nav_register(NavItem(label="测算方案", url_name="allocation:list", order=40, section="编制测算"))
