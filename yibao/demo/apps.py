from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and reference data loads (`seed_demo`, `load_reference`); the top of the app order,
    so it may use every other app. No models."""

    name = "yibao.demo"
    label = "demo"
    verbose_name = "演示数据"
