from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bianzhi.accounts"
    verbose_name = "用户与角色"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from bianzhi.accounts.signals import session_register

        user_logged_in.connect(session_register, dispatch_uid="bianzhi_session_register")
