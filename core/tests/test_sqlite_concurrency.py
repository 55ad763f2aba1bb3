"""Two users saving at once on SQLite never see "database is locked"."""

import threading

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper


def _wrapper(path) -> DatabaseWrapper:
    config = {**settings.DATABASES["default"], "NAME": str(path)}
    config.setdefault("TIME_ZONE", None)
    config.setdefault("CONN_HEALTH_CHECKS", False)
    config.setdefault("CONN_MAX_AGE", 0)
    config.setdefault("AUTOCOMMIT", True)
    config.setdefault("ATOMIC_REQUESTS", False)
    return DatabaseWrapper(config, alias="concurrency")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite-only: PostgreSQL has row locks")
def test_concurrent_writers_wait_instead_of_failing(tmp_path, django_db_blocker):
    django_db_blocker.unblock()
    # Given the configured SQLite options on a file database
    path = tmp_path / "concurrency.sqlite3"
    setup = _wrapper(path)
    with setup.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, who TEXT, n INTEGER)")
    setup.close()
    errors: list[Exception] = []
    writes_each = 150

    def writer(name: str) -> None:
        db = _wrapper(path)
        connections["concurrency"] = db  # thread-local, like a request's connection
        try:
            for i in range(writes_each):
                # A read then a write in one atomic block, as a form save does: with SQLite's default
                # DEFERRED transactions the read lock's upgrade fails at once with "database is locked".
                with transaction.atomic(using="concurrency"), db.cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM counter")
                    cursor.execute("INSERT INTO counter (who, n) VALUES (%s, %s)", [name, i])
        except Exception as exc:
            errors.append(exc)
        finally:
            db.close()

    # When two writers save at the same time
    threads = [threading.Thread(target=writer, args=(name,)) for name in ("anna", "bashir")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then nobody failed and every write is there
    assert errors == []
    check = _wrapper(path)
    with check.cursor() as cursor:
        assert cursor.execute("SELECT COUNT(*) FROM counter").fetchone()[0] == 2 * writes_each
    check.close()
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    django_db_blocker.restore()
