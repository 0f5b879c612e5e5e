from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "bianzhi.roster"
    verbose_name = "实名制"

    def ready(self) -> None:
        from bianzhi.kernel.hooks import staff_counter_register
        from bianzhi.kernel.nav import NavItem, nav_register
        from bianzhi.roster import jobs  # noqa: F401  (registers the "roster.import" job kind)
        from bianzhi.roster.selectors import staff_counts

        nav_register(NavItem(label="实名制", url_name="roster:list", order=50, section="机构与人员"))
        # Institution pages count their staff through this hook: institutions
        # sits below roster and does not import it (docs/architecture.md, "Hooks").
        staff_counter_register(staff_counts)
