from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "bianzhi.web"
    label = "web"
    verbose_name = "网页"
