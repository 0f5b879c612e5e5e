from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "bianzhi.institutions"
    verbose_name = "机构与编制台账"

    def ready(self) -> None:
        from bianzhi.kernel.nav import NavItem, nav_register

        nav_register(NavItem(label="机构与台账", url_name="institutions:index", order=40, section="机构与人员"))
