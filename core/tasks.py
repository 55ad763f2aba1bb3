"""Background tasks of the core: e-mail delivery."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django_tasks import task


@task()
def deliver_email(message: dict) -> int:
    """Send one e-mail through the real delivery backend (SMTP in production, console locally)."""
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND)
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message["from_email"],
        to=message["to"],
        cc=message["cc"],
        bcc=message["bcc"],
        reply_to=message["reply_to"],
        headers=message["headers"],
        connection=connection,
    )
    for content, mimetype in message["alternatives"]:
        email.attach_alternative(content, mimetype)
    return email.send()
