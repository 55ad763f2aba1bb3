"""Anonymous feedback on a service: the form, protection without cookies, what is stored (the day only,
pending moderation), refusals, and the public summary that hides counts under 5."""

from __future__ import annotations

import re
import time

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from core import portal_forms
from directory.feedback import MIN_COUNT, feedback_summary
from directory.models import Answer, EditorialState, ModerationStatus, ServiceFeedback, WaitTime
from directory.tests.factories import make_service

pytestmark = pytest.mark.django_db

PURPOSE = "service-feedback"


def token(age=10):
    return portal_forms.make_token(PURPOSE, issued_at=time.time() - age)


def answers(**overrides):
    data = {
        "useful": "yes",
        "could_access": "partly",
        "wait_time": "weeks",
        "comment": "Gentili, ma ho aspettato molto.",
        portal_forms.TOKEN_FIELD: token(),
        portal_forms.HONEYPOT_FIELD: "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def service():
    return make_service("Sportello immigrazione", index=False)


def feedback_url(service, language="it"):
    with translation.override(language):
        return reverse("portal:service_feedback", args=[service.pk])


# ---------------------------------------------------------------------------------------------- form


def test_the_form_posts_to_the_feedback_address_with_a_token_and_the_model_choices(service):
    with translation.override("it"):
        html = render_to_string("directory/_feedback_form.html", {"service": service})
    assert f'action="{feedback_url(service)}"' in html
    assert f'name="{portal_forms.TOKEN_FIELD}"' in html and f'name="{portal_forms.HONEYPOT_FIELD}"' in html
    for field, choices in (("useful", Answer), ("could_access", Answer), ("wait_time", WaitTime)):
        values = re.findall(rf'name="{field}" value="([a-z]+)"', html)
        assert values == list(choices.values)
    assert "csrfmiddlewaretoken" not in html


# ------------------------------------------------------------------------------------------- storing


def test_feedback_is_stored_with_the_day_only_and_waits_for_moderation(client, service):
    response = client.post(feedback_url(service, "fr"), answers())
    assert response.status_code == 200
    assert not response.cookies
    assert '<html lang="fr"' in response.content.decode()
    feedback = ServiceFeedback.objects.get()
    assert feedback.status == ModerationStatus.PENDING
    assert feedback.submitted_on == timezone.localdate()
    assert (feedback.useful, feedback.could_access, feedback.wait_time, feedback.language) == (
        "yes",
        "partly",
        "weeks",
        "fr",
    )
    # Nothing else about the visitor: the model has no field for it.
    stored = {field.name for field in ServiceFeedback._meta.concrete_fields}
    assert stored == {
        "id",
        "service",
        "submitted_on",
        "language",
        "useful",
        "could_access",
        "wait_time",
        "comment",
        "status",
        "moderated_by",
        "moderated_at",
        "is_demo",
    }


def test_the_comment_is_optional(client, service):
    assert client.post(feedback_url(service), answers(comment="")).status_code == 200
    assert ServiceFeedback.objects.get().comment == ""


def test_a_get_goes_back_to_the_service_page(client, service):
    response = client.get(feedback_url(service))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:service_detail", args=[service.pk])


@pytest.mark.parametrize(
    "changes", [{"useful": ""}, {"wait_time": "forever"}, {"could_access": "maybe"}, {"comment": "x" * 1001}]
)
def test_incomplete_answers_are_refused_with_the_form_again_and_nothing_saved(client, service, changes):
    response = client.post(feedback_url(service), answers(**changes))
    assert response.status_code == 400
    assert feedback_url(service) in response.content.decode()  # the form, to try again
    assert not ServiceFeedback.objects.exists()


def test_services_not_on_the_portal_take_no_feedback(client):
    draft = make_service("Bozza", state=EditorialState.DRAFT, index=False)
    stale = make_service("Non verificato", verified_days_ago=3000, index=False)
    for service in (draft, stale):
        assert client.post(feedback_url(service), answers()).status_code == 404
        assert client.get(feedback_url(service)).status_code == 404
    assert not ServiceFeedback.objects.exists()


# ---------------------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "changes, headers",
    [
        (lambda: {portal_forms.TOKEN_FIELD: ""}, {}),
        (lambda: {portal_forms.TOKEN_FIELD: token(age=0)}, {}),
        (lambda: {portal_forms.TOKEN_FIELD: portal_forms.make_token("event-registration", issued_at=0)}, {}),
        (lambda: {portal_forms.HONEYPOT_FIELD: "buy now"}, {}),
        (dict, {"HTTP_ORIGIN": "https://evil.example"}),
        (dict, {"HTTP_SEC_FETCH_SITE": "same-site"}),
    ],
    ids=["no-token", "too-fast", "other-form", "honeypot", "origin", "fetch-site"],
)
def test_suspicious_feedback_is_refused_without_error_and_nothing_saved(client, service, changes, headers):
    response = client.post(feedback_url(service, "ar"), answers(**changes()), **headers)
    assert response.status_code == 400
    assert 'dir="rtl"' in response.content.decode()
    assert not ServiceFeedback.objects.exists()


@override_settings(PORTAL_FORM_RATE_LIMIT=3)
def test_feedback_is_rate_limited_per_address(service):
    client = Client(REMOTE_ADDR="203.0.113.5")
    assert [client.post(feedback_url(service), answers()).status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]
    assert ServiceFeedback.objects.count() == 3


def test_the_rate_limit_counts_in_the_shared_cache_and_keeps_no_address_elsewhere(service):
    from django.core.cache import cache

    client = Client(REMOTE_ADDR="203.0.113.77")
    client.post(feedback_url(service), answers())
    import hashlib
    import hmac

    from django.conf import settings

    window = int(time.time() // portal_forms.RATE_WINDOW_SECONDS)
    digest = hmac.new(settings.SECRET_KEY.encode(), b"203.0.113.77", hashlib.sha256).hexdigest()[:32]
    assert cache.get(f"portal-form:{PURPOSE}:{digest}:{window}") == 1
    assert cache.get(f"portal-form:{PURPOSE}:203.0.113.77:{window}") is None  # not even in the cache key
    assert "203.0.113.77" not in str(list(ServiceFeedback.objects.values()))


def test_the_token_checker_explains_each_problem():
    now = time.time()
    assert portal_forms.token_problem(portal_forms.make_token("x", issued_at=now - 5), "x", now=now) is None
    assert (
        portal_forms.token_problem(portal_forms.make_token("x", issued_at=now - 1), "x", now=now)
        == "too-fast"
    )
    assert portal_forms.token_problem(portal_forms.make_token("x", issued_at=now - 7201), "x") == "expired"
    assert portal_forms.token_problem(portal_forms.make_token("y", issued_at=now - 5), "x") == "bad-signature"
    assert portal_forms.token_problem("", "x") == "missing"


def test_an_origin_listed_in_csrf_trusted_origins_is_accepted():
    factory = RequestFactory()
    with override_settings(CSRF_TRUSTED_ORIGINS=["https://www.example.org"]):
        trusted = factory.post("/", HTTP_ORIGIN="https://www.example.org")
        assert not portal_forms.is_cross_site(trusted)
    assert portal_forms.is_cross_site(factory.post("/", HTTP_ORIGIN="https://www.example.org"))
    assert not portal_forms.is_cross_site(factory.post("/", HTTP_SEC_FETCH_SITE="none"))


# ------------------------------------------------------------------------------------------- summary


def add_feedback(service, n, status=ModerationStatus.APPROVED, **answers_):
    fields = {"useful": "yes", "could_access": "yes", "wait_time": "none", "language": "it", "status": status}
    fields.update(answers_)
    ServiceFeedback.objects.bulk_create([ServiceFeedback(service=service, **fields) for _ in range(n)])


def test_the_summary_counts_approved_answers_and_hides_counts_under_5(service, django_assert_num_queries):
    add_feedback(service, 6)
    add_feedback(service, 4, useful="no", wait_time="weeks")
    add_feedback(service, 9, status=ModerationStatus.PENDING, useful="no")
    add_feedback(service, 9, status=ModerationStatus.REJECTED, useful="partly")
    with django_assert_num_queries(1):
        summary = feedback_summary(service)
    assert summary["total"] == 10
    assert summary["useful"] == {"yes": 6, "partly": None, "no": None}
    assert summary["could_access"] == {"yes": 10, "partly": None, "no": None}
    assert summary["wait_time"] == {"none": 6, "days": None, "weeks": None, "months": None, "unknown": None}
    useful = summary["questions"][0]
    assert useful["field"] == "useful"
    assert [(a["value"], a["count"]) for a in useful["answers"]] == [
        ("yes", 6),
        ("partly", None),
        ("no", None),
    ]


def test_the_summary_of_a_service_with_few_opinions_hides_everything(service):
    add_feedback(service, MIN_COUNT - 1)
    summary = feedback_summary(service)
    assert summary["total"] is None
    assert all(
        count is None
        for question in summary["questions"]
        for count in (a["count"] for a in question["answers"])
    )
