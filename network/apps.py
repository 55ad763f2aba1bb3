from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Network")

    def ready(self):
        from auditlog.registry import auditlog

        from network.models import Organisation

        auditlog.register(Organisation, m2m_fields={"areas_served", "districts_served"})
