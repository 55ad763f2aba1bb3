"""Background tasks of the directory (Django's task API; a database-backed worker in production)."""

from django_tasks import task


@task()
def rebuild_search_index() -> int:
    """Rebuild the public search entries, e.g. after a content language was added or (de)activated."""
    from directory.search import rebuild_index

    return rebuild_index()
