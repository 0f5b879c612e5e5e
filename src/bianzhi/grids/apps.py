from django.apps import AppConfig


class GridsConfig(AppConfig):
    name = "bianzhi.grids"
    verbose_name = "网格与便民服务"

    def ready(self) -> None:
        from bianzhi.kernel.nav import NavItem, nav_register

        nav_register(NavItem(label="网格与便民服务", url_name="grids:index", order=54))
