from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Service directory")

    def ready(self):
        from auditlog.registry import auditlog

        from directory import models

        for model in (
            models.DirectoryOrganization,
            models.Service,
            models.Location,
            models.Article,
            models.Translation,
            models.ContentLanguage,
            models.TaxonomyTerm,
        ):
            auditlog.register(model)
        auditlog.register(models.ServiceFeedback, exclude_fields=["comment"])
