from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bianzhi.enforcement"
    verbose_name = "综合行政执法"

    def ready(self) -> None:
        from bianzhi.enforcement import notifications  # noqa: F401  (registers the kinds)
        from bianzhi.enforcement.digest import certificate_digest
        from bianzhi.inbox.digest import digest_source_register
        from bianzhi.kernel.nav import NavItem, nav_register

        nav_register(NavItem(label="综合执法", url_name="enforcement:index", order=62))
        digest_source_register("enforcement", certificate_digest)
