from django.apps import AppConfig


class InboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bianzhi.inbox"
    verbose_name = "消息"

    def ready(self) -> None:
        # Registers the kinds every app may use (待审核, 办理结果, 其他).
        from bianzhi.inbox import kinds  # noqa: F401
        from bianzhi.kernel.nav import NavItem, nav_register

        nav_register(NavItem(label="消息", url_name="inbox:list", order=88, section="系统"))
