from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from auditlog.registry import auditlog

        from accounts.models import ApiToken, Membership, User

        auditlog.register(
            User,
            include_fields=["email", "first_name", "last_name", "is_active", "is_staff", "is_superuser"],
        )
        auditlog.register(Membership)
        auditlog.register(ApiToken, exclude_fields=["key_hash", "last_used_at"])
