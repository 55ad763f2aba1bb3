"""An e-mail backend that queues each message for the task worker, so a slow mail server never slows a page."""

from django.core.mail.backends.base import BaseEmailBackend


class TaskEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from core.tasks import deliver_email

        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            deliver_email.enqueue(
                {
                    "subject": str(message.subject),
                    "body": str(message.body),
                    "from_email": message.from_email,
                    "to": list(message.to),
                    "cc": list(message.cc),
                    "bcc": list(message.bcc),
                    "reply_to": list(message.reply_to),
                    "headers": {str(k): str(v) for k, v in (message.extra_headers or {}).items()},
                    "alternatives": [
                        (str(content), mimetype) for content, mimetype in getattr(message, "alternatives", [])
                    ],
                }
            )
            sent += 1
        return sent
