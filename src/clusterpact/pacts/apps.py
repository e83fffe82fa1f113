from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PactsConfig(AppConfig):
    name = "clusterpact.pacts"
    verbose_name = _("Cluster pacts")
