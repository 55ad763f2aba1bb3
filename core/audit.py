"""Glue for django-auditlog: how sensitive values appear in the audit log."""


def mask_value(value: str) -> str:
    """Hide a sensitive value completely; the log still says that the field changed."""
    return "••••••" if value not in (None, "", "None") else value
