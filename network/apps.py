from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Network")

    def ready(self):
        from auditlog.registry import auditlog

        from network import models

        auditlog.register(
            models.Organisation,
            m2m_fields={"areas_served", "districts_served", "provinces_served", "languages_offered"},
        )
        auditlog.register(models.ContactPerson, mask_fields=["email", "phone"])
        auditlog.register(models.Agreement)
        auditlog.register(models.AgreementParty)
        auditlog.register(models.ConsultationTable, m2m_fields={"members"})
        auditlog.register(models.Meeting)
        auditlog.register(models.MeetingParticipant)
        auditlog.register(models.ActionItem)
