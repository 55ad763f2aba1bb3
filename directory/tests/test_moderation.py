"""Workspace pages behind the portal: the feedback moderation queue and the portal usage counts."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_member
from core.roles import Role
from directory.models import ModerationStatus, PageCount, ServiceFeedback
from directory.tests.factories import make_article, make_service

pytestmark = pytest.mark.django_db

QUEUE = "directory_moderation:feedback_queue"
USAGE = "directory_moderation:portal_usage"
TODAY = datetime.date.today()


@pytest.fixture
def editor(region):
    return make_member(region, Role.EDITOR, "editor@example.org")


@pytest.fixture
def service():
    return make_service("Sportello immigrazione", index=False)


def feedback(service, status=ModerationStatus.PENDING, days_ago=0, **fields):
    values = {"useful": "yes", "could_access": "yes", "wait_time": "none", "language": "it", "comment": ""}
    values.update(fields)
    return ServiceFeedback.objects.create(
        service=service, status=status, submitted_on=TODAY - datetime.timedelta(days=days_ago), **values
    )


# ------------------------------------------------------------------------------------------ the queue


def test_the_queue_lists_pending_opinions_first_with_their_comments(editor, service):
    approved = feedback(service, ModerationStatus.APPROVED, comment="Ottimo servizio")
    old_pending = feedback(service, days_ago=5, comment="Ho aspettato tre ore")
    new_pending = feedback(service, days_ago=1)
    response = client_for(editor).get(reverse(QUEUE))
    assert response.status_code == 200
    assert [f.pk for f in response.context["page"].object_list] == [
        new_pending.pk,
        old_pending.pk,
        approved.pk,
    ]
    assert "Ho aspettato tre ore" in response.content.decode()
    assert response.context["pending"] == 2


def test_the_queue_filters_by_status_answer_comment_and_service(editor, service):
    other = make_service("Centro per l'impiego", index=False)
    commented = feedback(service, comment="Utile")
    rejected = feedback(service, ModerationStatus.REJECTED, useful="no")
    elsewhere = feedback(other)
    client = client_for(editor)

    def shown(**params):
        return [f.pk for f in client.get(reverse(QUEUE), params).context["page"].object_list]

    assert shown(status="rejected") == [rejected.pk]
    assert shown(useful="no") == [rejected.pk]
    assert shown(with_comment="on") == [commented.pk]
    assert shown(q="impiego") == [elsewhere.pk]
    assert len(shown(status="bogus")) == 3


def test_an_editor_approves_and_rejects_opinions(editor, service):
    first, second = feedback(service), feedback(service)
    client = client_for(editor)
    response = client.post(reverse(QUEUE), {"feedback": first.pk, "decision": "approved", "next": "/evil"})
    assert response.status_code == 302
    client.post(reverse(QUEUE), {"feedback": second.pk, "decision": "rejected"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.moderated_by) == (ModerationStatus.APPROVED, editor)
    assert second.status == ModerationStatus.REJECTED and second.moderated_at


def test_the_decision_returns_to_the_filtered_page(editor, service):
    item = feedback(service)
    here = reverse(QUEUE) + "?status=pending&page=1"
    response = client_for(editor).post(
        reverse(QUEUE), {"feedback": item.pk, "decision": "approved", "next": here}
    )
    assert response["Location"] == here
    offsite = client_for(editor).post(
        reverse(QUEUE), {"feedback": item.pk, "decision": "rejected", "next": "https://evil.example/"}
    )
    assert offsite["Location"] == reverse(QUEUE)


def test_a_bad_decision_or_unknown_opinion_changes_nothing_and_never_crashes(editor, service):
    item = feedback(service)
    client = client_for(editor)
    assert client.post(reverse(QUEUE), {"feedback": item.pk, "decision": "delete"}).status_code == 302
    assert client.post(reverse(QUEUE), {"feedback": "abc", "decision": "approved"}).status_code == 404
    assert client.post(reverse(QUEUE), {"feedback": "999999", "decision": "approved"}).status_code == 404
    item.refresh_from_db()
    assert item.status == ModerationStatus.PENDING


@pytest.mark.parametrize("persona", ["operator_a", "viewer_a", "admin_b", "monitoring", "trainer_a"])
def test_people_who_do_not_moderate_are_forbidden(request, persona, service):
    item = feedback(service, comment="Commento privato")
    client = client_for(request.getfixturevalue(persona))
    response = client.get(reverse(QUEUE))
    assert response.status_code == 403 and "Commento privato" not in response.content.decode()
    assert client.post(reverse(QUEUE), {"feedback": item.pk, "decision": "approved"}).status_code == 403
    item.refresh_from_db()
    assert item.status == ModerationStatus.PENDING


def test_the_regional_coordinator_moderates_too(coordinator, service):
    item = feedback(service)
    client_for(coordinator).post(reverse(QUEUE), {"feedback": item.pk, "decision": "approved"})
    item.refresh_from_db()
    assert item.status == ModerationStatus.APPROVED


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(reverse(QUEUE)).status_code == 302
    assert client.get(reverse(USAGE)).status_code == 302


def test_the_queue_query_count_does_not_grow_with_opinions(editor, django_assert_max_num_queries):
    for n in range(3):
        service = make_service(f"Servizio {n}", index=False)
        for _ in range(10):
            feedback(service, comment="ok")
    client = client_for(editor)
    client.get(reverse(QUEUE))
    with django_assert_max_num_queries(11):
        response = client.get(reverse(QUEUE))
    assert len(response.context["page"].object_list) == 30


# ------------------------------------------------------------------------------------------- usage


def count(page, key="", language="it", views=1, days_ago=0):
    PageCount.objects.create(
        day=TODAY - datetime.timedelta(days=days_ago), page=page, key=key, language=language, count=views
    )


def test_usage_shows_views_per_page_and_language_over_the_last_30_days(editor):
    count("home", views=10)
    count("search", language="ar", views=4, days_ago=3)
    count("service", key="x", language="uk", views=2, days_ago=29)
    count("home", views=100, days_ago=30)  # outside the default window
    response = client_for(editor).get(reverse(USAGE))
    assert response.status_code == 200
    assert response.context["total"] == 16
    assert [(r["page"], r["views"]) for r in response.context["by_page"]["rows"]] == [
        ("home", 10),
        ("search", 4),
        ("service", 2),
    ]
    assert [(r["language"], r["views"]) for r in response.context["by_language"]["rows"]] == [
        ("it", 10),
        ("ar", 4),
        ("uk", 2),
    ]
    page = response.content.decode()
    assert page.count('<svg class="usage-chart"') == 2 and 'role="img"' in page
    assert response.context["by_page"]["rows"][0]["bar"] == 240


def test_usage_for_a_chosen_period(monitoring):
    count("home", views=100, days_ago=40)
    count("home", views=1, days_ago=2)
    start = (TODAY - datetime.timedelta(days=45)).isoformat()
    end = (TODAY - datetime.timedelta(days=35)).isoformat()
    response = client_for(monitoring).get(reverse(USAGE), {"start": start, "end": end})
    assert response.status_code == 200 and response.context["total"] == 100
    assert response.context["days"] == 11


@pytest.mark.parametrize(
    "params", [{"start": "2025-02-30"}, {"start": "2025-05-01", "end": "2025-01-01"}, {"start": "2000-01-01"}]
)
def test_a_wrong_period_falls_back_to_the_last_30_days(editor, params):
    response = client_for(editor).get(reverse(USAGE), params)
    assert response.status_code == 200
    assert (response.context["days"], response.context["end"]) == (30, timezone.localdate())


def test_usage_names_the_most_viewed_services_and_articles(editor):
    popular = make_service("Sportello molto visto", index=False)
    quiet = make_service("Sportello poco visto", index=False)
    article = make_article("Come rinnovare il permesso", slug="rinnovo-permesso")
    count("service", key=str(popular.pk), views=50)
    count("service", key=str(quiet.pk), views=3)
    count("service", key="not-a-uuid", views=1)
    count("article", key=article.slug, views=7)
    response = client_for(editor).get(reverse(USAGE))
    assert [(row["record"], row["views"]) for row in response.context["top_services"]] == [
        (popular, 50),
        (quiet, 3),
        (None, 1),
    ]
    assert [(row["record"], row["views"]) for row in response.context["top_articles"]] == [(article, 7)]
    assert "Sportello molto visto" in response.content.decode()


@pytest.mark.parametrize("persona", ["operator_a", "viewer_a", "admin_a", "trainer_a", "outsider"])
def test_usage_is_forbidden_without_the_permission(request, persona):
    assert client_for(request.getfixturevalue(persona)).get(reverse(USAGE)).status_code == 403


def test_usage_query_count_does_not_grow_with_days_and_records(editor, django_assert_max_num_queries):
    services = [make_service(f"Servizio {n}", index=False) for n in range(12)]
    for day in range(30):
        for language in ("it", "ar", "en"):
            count("home", language=language, days_ago=day)
        for service in services:
            count("service", key=str(service.pk), days_ago=day)
    client = client_for(editor)
    client.get(reverse(USAGE))
    with django_assert_max_num_queries(13):
        response = client.get(reverse(USAGE))
    assert len(response.context["top_services"]) == 10
    assert timezone.localdate() == response.context["end"]
