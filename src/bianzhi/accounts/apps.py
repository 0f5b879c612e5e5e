from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bianzhi.accounts"
    verbose_name = "用户与角色"
