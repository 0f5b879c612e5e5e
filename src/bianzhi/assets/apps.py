from django.apps import AppConfig


class AssetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bianzhi.assets"
    verbose_name = "镇村公有资产"

    def ready(self) -> None:
        from bianzhi.kernel.nav import NavItem, nav_register

        nav_register(NavItem(label="公有资产", url_name="assets:list", order=64))
