from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "skills"
    verbose_name = _("Skills profiles")

    def ready(self):
        from auditlog.registry import auditlog

        from skills import models

        auditlog.register(models.SkillsProfile, m2m_fields={"mother_tongues"})
        auditlog.register(models.Qualification)
        auditlog.register(models.WorkExperience, m2m_fields={"skills"})
        auditlog.register(models.LanguageSkill)
        auditlog.register(models.DigitalSkill)
        auditlog.register(models.SoftSkill)
        auditlog.register(models.DrivingLicence)
        auditlog.register(models.ProfileConstraint, mask_fields=["note", "kind"])
        auditlog.register(models.NextStep)
