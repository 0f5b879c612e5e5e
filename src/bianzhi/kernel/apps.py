from django.apps import AppConfig


class KernelConfig(AppConfig):
    # A Django app only for its one model (the shared rate-limit counters);
    # everything else here is plain modules.
    name = "bianzhi.kernel"
    label = "kernel"
    verbose_name = "公共组件"
