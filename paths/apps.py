from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathsConfig(AppConfig):
    name = "paths"
    verbose_name = _("Individual paths")

    def ready(self):
        from auditlog.registry import auditlog

        from paths import models

        auditlog.register(models.IndividualPlan)
        auditlog.register(models.Goal)
        auditlog.register(models.GoalStep)
        auditlog.register(models.ServiceRecord, mask_fields=["note"])
        auditlog.register(models.Referral, mask_fields=["reason"])
        auditlog.register(models.MediationRequest)
        auditlog.register(models.MediatorProfile, m2m_fields={"languages"})
