"""Glue for django-axes: which account a login attempt is for."""


def login_username(request, credentials=None) -> str | None:
    """The e-mail typed at login. allauth authenticates with `email=...`, its form posts it as `login`;
    axes alone would look for `login` in the credentials and find nothing."""
    value = ""
    if credentials:
        value = credentials.get("email") or credentials.get("username") or credentials.get("login") or ""
    if not value and request is not None:
        value = request.POST.get("login", "")
    return value.strip().lower() or None
