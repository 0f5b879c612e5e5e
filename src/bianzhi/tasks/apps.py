from django.apps import AppConfig


class TasksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bianzhi.tasks"
    verbose_name = "工作任务与督查督办"

    def ready(self) -> None:
        from bianzhi.inbox.digest import digest_source_register
        from bianzhi.kernel.nav import NavItem, nav_register
        from bianzhi.tasks import notifications  # noqa: F401  (registers the kinds)
        from bianzhi.tasks.digest import task_digest

        nav_register(NavItem(label="工作任务", url_name="tasks:plan_list", order=60, section="督导与评估"))
        digest_source_register("tasks", task_digest)
