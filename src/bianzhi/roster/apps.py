from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "bianzhi.roster"
    verbose_name = "实名制"

    def ready(self) -> None:
        from bianzhi.web.nav import NavItem, nav_register

        nav_register(NavItem(label="实名制", url_name="roster:list", order=50))
        # Registers the "roster.import" background job kind.
        from bianzhi.roster import jobs  # noqa: F401
