"""E-mail goes through the task queue, and the worker delivers it."""

import pytest
from django.core import mail
from django.core.mail import get_connection, send_mail
from django.test import override_settings
from django_tasks_db.models import DBTaskResult


def test_task_backend_delivers_mail_through_the_task_worker(settings):
    # Given the task e-mail backend with the immediate task runner (tests), when a message is sent,
    # then the delivery backend receives it.
    connection = get_connection("core.mail.TaskEmailBackend")
    sent = send_mail("Oggetto", "Corpo", "from@example.org", ["to@example.org"], connection=connection)
    assert sent == 1
    assert [m.subject for m in mail.outbox] == ["Oggetto"]
    assert mail.outbox[0].to == ["to@example.org"]


@pytest.mark.django_db
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_mail_is_queued_in_the_database_until_the_worker_runs():
    # Given the database task backend (as in `make run`), when a message is sent, then nothing is
    # delivered yet and a task row waits for the worker.
    from django_tasks import task_backends

    task_backends._settings = None  # reload the backends for the overridden setting
    try:
        connection = get_connection("core.mail.TaskEmailBackend")
        send_mail("In coda", "Corpo", "from@example.org", ["to@example.org"], connection=connection)
        assert mail.outbox == []
        queued = DBTaskResult.objects.get()
        assert queued.task_path == "core.tasks.deliver_email"
        assert queued.args_kwargs["args"][0]["subject"] == "In coda"
    finally:
        task_backends._settings = None
