from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "clusterpact.demo"
    verbose_name = "Demo landscape"
