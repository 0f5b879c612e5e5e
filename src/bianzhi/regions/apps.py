from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "bianzhi.regions"
    verbose_name = "行政区划"
