from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People")

    def ready(self):
        from auditlog.registry import auditlog

        from people.models import Consent, Participant, VulnerabilityFlag

        auditlog.register(
            Participant,
            m2m_fields={"citizenships", "languages"},
            mask_fields=["codice_fiscale", "phone", "email"],
        )
        auditlog.register(Consent, m2m_fields={"organisations"})
        auditlog.register(VulnerabilityFlag, mask_fields=["note"])
