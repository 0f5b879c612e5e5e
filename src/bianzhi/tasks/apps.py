from django.apps import AppConfig


class TasksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bianzhi.tasks"
    verbose_name = "工作任务与督查督办"

    def ready(self) -> None:
        from bianzhi.kernel.nav import NavItem, nav_register

        nav_register(NavItem(label="工作任务", url_name="tasks:plan_list", order=60))
        nav_register(NavItem(label="消息", url_name="tasks:inbox", order=88))
