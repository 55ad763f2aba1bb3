from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "territory"
    verbose_name = _("Territory")

    def ready(self):
        from auditlog.registry import auditlog

        from territory.models import SocialDistrict

        auditlog.register(SocialDistrict)
