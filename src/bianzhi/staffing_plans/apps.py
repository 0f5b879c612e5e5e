from django.apps import AppConfig


class StaffingPlansConfig(AppConfig):
    name = "bianzhi.staffing_plans"
    verbose_name = "用编进人计划与下沉编制"

    def ready(self) -> None:
        from bianzhi.kernel.nav import NavItem, nav_register

        nav_register(NavItem(label="进人计划与下沉编制", url_name="staffing_plans:index", order=56))
