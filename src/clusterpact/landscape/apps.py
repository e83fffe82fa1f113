from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LandscapeConfig(AppConfig):
    name = "clusterpact.landscape"
    verbose_name = _("Network and specialisation")
