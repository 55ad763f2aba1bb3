"""Feedback: QR cards with personal links, the public questionnaire (once, anonymous, thank-you, Arabic
right to left, CSRF), questionnaires typed in by staff, and the summary's maths."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from activities import actions
from activities.models import (
    CompletionRule,
    EnrolmentStatus,
    FeedbackChannel,
    FeedbackInvitation,
    FeedbackResponse,
)
from activities.tests.test_certificates import layout
from activities.views_documents import feedback_card_instructions, feedback_cards, summarise_feedback
from conftest import client_for, make_activity, make_member, make_organisation, make_participant
from core.roles import Role
from core.tests import test_browser
from network.models import OrganisationKind

pytestmark = pytest.mark.django_db

browser_page = test_browser.browser_page  # the headless Chromium fixture of the browser tests

# Queries of the QR sheet once the links exist: session, user, membership, the activity in scope (2), the
# people on the register, `actions.feedback_invitations` (the activity in scope (2), the invitations), the
# answers typed in by staff, the header's notifications and memberships, and the session save (3). The same
# for 3 or 12.
QR_SHEET_QUERIES = 15
# The first print also creates the links, all at once: the insert in a savepoint (3) and the links read back.
QR_SHEET_FIRST_PRINT_QUERIES = QR_SHEET_QUERIES + 4

ANSWER = {"helpful_for_integration": "5", "satisfaction": "4", "would_recommend": "yes", "comment": "Grazie!"}


@pytest.fixture
def activity(org_a, trainer_a):
    return make_activity(org_a, title="Orientamento ai servizi", trainers=[trainer_a])


def enrol_people(activity, user, owner, n):
    return [actions.enrol(activity, acting_user=user, participant=make_participant(owner)) for _ in range(n)]


@pytest.fixture
def invitation(activity, operator_a, participant_a):
    enrolment = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    return actions.feedback_invitation(enrolment, acting_user=operator_a)


# ---------------------------------------------------------------------------------------------- QR cards


def test_the_qr_sheet_has_one_card_per_person_with_a_personal_link(activity, trainer_a, operator_a, org_a):
    people = enrol_people(activity, operator_a, org_a, 3)
    waiting = actions.enrol(activity, acting_user=operator_a, participant=make_participant(org_a))
    actions.change_enrolment_status(waiting, EnrolmentStatus.WITHDRAWN, acting_user=operator_a)

    response = client_for(trainer_a).get(reverse("activity_docs:feedback_qr_sheet", args=[activity.pk]))

    assert response.status_code == 200
    cards = response.context["cards"]
    assert len(cards) == 3
    assert FeedbackInvitation.objects.count() == 3
    page = response.content.decode()
    for enrolment in people:
        token = FeedbackInvitation.objects.get(enrolment=enrolment).token
        assert f"{settings.SITE_URL}/questionario/{token}/" in page
        assert enrolment.person_name in page
    assert page.count('class="segno"') == 3
    assert not FeedbackInvitation.objects.filter(enrolment=waiting).exists()


def test_printing_again_reuses_the_links(activity, operator_a, org_a):
    enrol_people(activity, operator_a, org_a, 2)
    client = client_for(operator_a)
    url = reverse("activity_docs:feedback_qr_sheet", args=[activity.pk])
    first = [card["url"] for card in client.get(url).context["cards"]]
    second = [card["url"] for card in client.get(url).context["cards"]]
    assert first == second
    assert FeedbackInvitation.objects.count() == 2


def test_the_qr_sheet_pdf_prints_eight_whole_cards_a_page(activity, operator_a, org_a):
    people = enrol_people(activity, operator_a, org_a, 9)
    response = client_for(operator_a).get(reverse("activity_docs:feedback_qr_sheet_pdf", args=[activity.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 5000

    html = render_to_string(
        "activities/feedback_qr_sheet_pdf.html",
        {
            "activity": activity,
            "cards": feedback_cards(activity, operator_a),
            "instructions": feedback_card_instructions(),
        },
    )
    pages, text = layout(html)
    assert pages == 2
    assert all(enrolment.person_name in text for enrolment in people)


@pytest.mark.parametrize("people", [3, 12])
def test_the_qr_sheet_queries_do_not_grow_with_people(
    activity, operator_a, org_a, people, django_assert_num_queries
):
    enrol_people(activity, operator_a, org_a, people)
    client = client_for(operator_a)
    url = reverse("activity_docs:feedback_qr_sheet", args=[activity.pk])
    client.get(url)  # the first print creates the links
    with django_assert_num_queries(QR_SHEET_QUERIES):
        response = client.get(url)
    assert len(response.context["cards"]) == people


@pytest.mark.parametrize("people", [3, 12])
def test_the_first_print_creates_the_links_in_a_fixed_number_of_queries(
    activity, operator_a, org_a, people, django_assert_num_queries
):
    enrol_people(activity, operator_a, org_a, people)
    client = client_for(operator_a)
    url = reverse("activity_docs:feedback_qr_sheet", args=[activity.pk])
    client.get(reverse("activities:list"))  # the session's first save is not the sheet's
    with django_assert_num_queries(QR_SHEET_FIRST_PRINT_QUERIES):
        response = client.get(url)
    assert len(response.context["cards"]) == people
    assert FeedbackInvitation.objects.filter(enrolment__activity=activity).count() == people


# -------------------------------------------------------------------------------------- public questionnaire


def test_the_questionnaire_asks_the_kept_questions_with_big_choices(client, invitation):
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("helpful_for_integration", "satisfaction"):
        label = str(FeedbackResponse._meta.get_field(name).verbose_name)
        assert escape(label) in page
        for value in range(1, 6):
            assert f'name="{name}" value="{value}"' in page
    assert 'name="anonymous"' in page
    assert 'name="would_recommend"' in page
    assert "<script" not in page.split('<main id="main"')[1].split("</main>")[0]  # works without JS
    assert '<meta name="robots" content="noindex' in page
    assert "Orientamento ai servizi" in page


def test_an_answer_is_saved_once_with_its_language_and_then_thanks(client, invitation):
    url = invitation.get_absolute_url()
    response = client.post(url, ANSWER)

    assert response.status_code == 302
    assert response["Location"] == reverse("feedback_thanks", args=[invitation.token])
    answer = FeedbackResponse.objects.get()
    assert answer.enrolment == invitation.enrolment
    assert (answer.helpful_for_integration, answer.satisfaction, answer.would_recommend) == (5, 4, True)
    assert answer.comment == "Grazie!"
    assert answer.language == "it"
    assert answer.channel == FeedbackChannel.LINK
    assert client.get(response["Location"]).status_code == 200

    # The link answers once: the page says so and a second post changes nothing.
    again = client.get(url)
    assert again.status_code == 200
    assert again.templates[0].name == "activities/feedback_already.html"
    client.post(url, {**ANSWER, "helpful_for_integration": "1"})
    assert FeedbackResponse.objects.count() == 1
    assert FeedbackResponse.objects.get().helpful_for_integration == 5


def test_an_anonymous_answer_keeps_no_link_to_the_person(client, invitation):
    client.post(invitation.get_absolute_url(), {**ANSWER, "anonymous": "on", "would_recommend": ""})
    answer = FeedbackResponse.objects.get()
    assert answer.enrolment is None
    assert answer.activity == invitation.enrolment.activity
    assert answer.would_recommend is None
    invitation.refresh_from_db()
    assert invitation.used_at is not None


def test_a_questionnaire_without_answers_is_shown_again_with_errors(client, invitation):
    response = client.post(invitation.get_absolute_url(), {"comment": "solo commento"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"helpful_for_integration", "satisfaction"}
    assert not FeedbackResponse.objects.exists()
    assert "solo commento" in response.content.decode()


def test_an_unknown_token_is_404(client, db):
    assert client.get(reverse("feedback_answer", args=["not-a-token"])).status_code == 404
    assert client.post(reverse("feedback_answer", args=["not-a-token"]), ANSWER).status_code == 404
    assert client.get(reverse("feedback_thanks", args=["not-a-token"])).status_code == 404
    assert not FeedbackResponse.objects.exists()


def test_the_thank_you_page_before_answering_goes_to_the_questionnaire(client, invitation):
    response = client.get(reverse("feedback_thanks", args=[invitation.token]))
    assert response.status_code == 302
    assert response["Location"] == invitation.get_absolute_url()


def test_the_questionnaire_in_arabic_is_right_to_left_and_the_answer_records_arabic(invitation):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get(invitation.get_absolute_url())
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    client.post(invitation.get_absolute_url(), ANSWER)
    assert FeedbackResponse.objects.get().language == "ar"


def test_the_language_switcher_brings_back_to_the_questionnaire(invitation):
    client = Client()
    url = invitation.get_absolute_url()
    response = client.post(reverse("set_language"), {"language": "ar", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    assert 'dir="rtl"' in client.get(url).content.decode()


def test_a_post_without_the_csrf_token_is_refused(invitation):
    client = Client(enforce_csrf_checks=True)
    response = client.post(invitation.get_absolute_url(), ANSWER)
    assert response.status_code == 403
    assert not FeedbackResponse.objects.exists()


# -------------------------------------------------------------------------------------------- staff entry


def test_an_operator_types_in_a_named_and_an_anonymous_questionnaire(activity, operator_a, org_a):
    first, second = enrol_people(activity, operator_a, org_a, 2)
    url = reverse("activity_docs:feedback_enter", args=[activity.pk])
    client = client_for(operator_a)
    assert client.get(url).status_code == 200

    response = client.post(url, {**ANSWER, "enrolment": first.pk, "language": "ar"})
    assert response.status_code == 302
    named = FeedbackResponse.objects.get(enrolment=first)
    assert (named.channel, named.entered_by, named.language) == (FeedbackChannel.OPERATOR, operator_a, "ar")

    response = client.post(url, {**ANSWER, "enrolment": "", "language": "it"})
    assert response.status_code == 302
    assert (
        FeedbackResponse.objects.filter(enrolment__isnull=True, channel=FeedbackChannel.OPERATOR).count() == 1
    )

    # Who already answered is no longer offered.
    choices = list(client.get(url).context["form"].fields["enrolment"].queryset)
    assert choices == [second]
    response = client.post(url, {**ANSWER, "enrolment": first.pk, "language": "it"})
    assert response.status_code == 200
    assert FeedbackResponse.objects.count() == 2


def test_the_activitys_trainer_may_type_in_questionnaires(activity, trainer_a):
    response = client_for(trainer_a).post(
        reverse("activity_docs:feedback_enter", args=[activity.pk]), {**ANSWER, "language": "it"}
    )
    assert response.status_code == 302
    assert FeedbackResponse.objects.count() == 1


def test_a_person_of_another_activity_cannot_be_chosen(activity, operator_a, org_a):
    other = make_activity(org_a)
    stranger = actions.enrol(other, acting_user=operator_a, participant=make_participant(org_a))
    response = client_for(operator_a).post(
        reverse("activity_docs:feedback_enter", args=[activity.pk]),
        {**ANSWER, "enrolment": stranger.pk, "language": "it"},
    )
    assert response.status_code == 200
    assert "enrolment" in response.context["form"].errors
    assert not FeedbackResponse.objects.exists()


# ---------------------------------------------------------------------------------------------- scoping


def test_read_only_staff_get_403_on_feedback_writes_and_nothing_changes(
    activity, viewer_a, operator_a, org_a
):
    enrol_people(activity, operator_a, org_a, 2)
    client = client_for(viewer_a)
    for name in ("feedback_enter", "feedback_qr_sheet", "feedback_qr_sheet_pdf"):
        assert client.get(reverse(f"activity_docs:{name}", args=[activity.pk])).status_code == 403, name
    response = client.post(
        reverse("activity_docs:feedback_enter", args=[activity.pk]), {**ANSWER, "language": "it"}
    )
    assert response.status_code == 403
    assert not FeedbackResponse.objects.exists()
    assert not FeedbackInvitation.objects.exists()
    # Reading the results is fine.
    assert client.get(reverse("activity_docs:feedback_summary", args=[activity.pk])).status_code == 200


def test_other_organisations_and_other_trainers_get_404(activity, operator_b, org_a):
    other_trainer = make_member(org_a, Role.TRAINER, "trainer2_a@example.org")
    for user in (operator_b, other_trainer):
        client = client_for(user)
        for name in ("feedback_enter", "feedback_qr_sheet", "feedback_qr_sheet_pdf", "feedback_summary"):
            assert client.get(reverse(f"activity_docs:{name}", args=[activity.pk])).status_code == 404, name
        assert (
            client.post(
                reverse("activity_docs:feedback_enter", args=[activity.pk]), {**ANSWER, "language": "it"}
            ).status_code
            == 404
        )
    assert not FeedbackResponse.objects.exists()


# ---------------------------------------------------------------------------------------------- summary


def test_summary_maths_on_known_answers():
    answers = [(5, 4, True), (4, 4, True), (4, 3, False), (2, 5, None), (1, 1, True)]
    summary = summarise_feedback(answers, people=10)
    assert summary["answers"] == 5
    assert str(summary["response_rate"]) == "50.0"
    assert [row["count"] for row in summary["helpful"]] == [1, 1, 0, 2, 1]
    assert [row["count"] for row in summary["satisfaction"]] == [1, 0, 1, 2, 1]
    assert [str(row["percent"]) for row in summary["helpful"]] == ["20.0", "20.0", "0.0", "40.0", "20.0"]
    assert summary["helpful_high"] == 3
    assert str(summary["helpful_high_percent"]) == "60.0"
    assert (summary["recommend_yes"], summary["recommend_no"], summary["recommend_unknown"]) == (3, 1, 1)
    # The longest bar is the most frequent answer.
    assert [row["bar"] for row in summary["helpful"]] == [120, 120, 0, 240, 120]


def test_summary_of_no_answers_has_no_percentages():
    summary = summarise_feedback([], people=0)
    assert summary["answers"] == 0
    assert summary["response_rate"] is None
    assert summary["helpful_high_percent"] is None
    assert all(row["bar"] == 0 and row["percent"] is None for row in summary["helpful"])


def test_the_summary_page_shows_tables_charts_and_escaped_comments(activity, operator_a, org_a):
    people = enrol_people(activity, operator_a, org_a, 4)
    for enrolment, helpful in zip(people[:2], (5, 2), strict=True):
        actions.enter_feedback(
            activity,
            {"helpful_for_integration": helpful, "satisfaction": 4, "would_recommend": True, "comment": ""},
            acting_user=operator_a,
            enrolment=enrolment,
        )
    actions.enter_feedback(
        activity,
        {"helpful_for_integration": 4, "satisfaction": 3, "comment": "<script>alert(1)</script> Bravi"},
        acting_user=operator_a,
    )
    response = client_for(operator_a).get(reverse("activity_docs:feedback_summary", args=[activity.pk]))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary["answers"], summary["people"], str(summary["response_rate"])) == (3, 4, "75.0")
    assert str(summary["helpful_high_percent"]) == "66.7"
    page = response.content.decode()
    assert page.count('role="img"') == 2
    assert page.count("<table") == 3
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Bravi" in page
    assert "<script>alert(1)" not in page
    for enrolment in people:
        assert enrolment.participant.last_name not in page


def test_monitoring_officers_see_the_figures_but_not_the_comments(activity, operator_a, monitoring):
    actions.enter_feedback(
        activity,
        {"helpful_for_integration": 4, "satisfaction": 3, "comment": "Mi chiamo Mario Rossi"},
        acting_user=operator_a,
    )
    response = client_for(monitoring).get(reverse("activity_docs:feedback_summary", args=[activity.pk]))
    assert response.status_code == 200
    assert response.context["summary"]["answers"] == 1
    assert "Mario Rossi" not in response.content.decode()


def test_comments_are_for_the_organiser_its_trainers_and_the_coordinator_not_partners(
    activity, operator_a, viewer_a, trainer_a, org_b, operator_b, coordinator
):
    activity.partners.add(org_b)
    actions.enter_feedback(
        activity,
        {"helpful_for_integration": 4, "satisfaction": 3, "comment": "Mi chiamo Mario Rossi"},
        acting_user=operator_a,
    )
    url = reverse("activity_docs:feedback_summary", args=[activity.pk])

    response = client_for(operator_b).get(url)  # a partner organisation: the figures only
    assert response.status_code == 200
    assert response.context["summary"]["answers"] == 1
    assert response.context["show_comments"] is False and response.context["comments"] == []
    assert "Mario Rossi" not in response.content.decode()

    for user in (operator_a, viewer_a, trainer_a, coordinator):
        response = client_for(user).get(url)
        assert response.status_code == 200, user
        assert "Mario Rossi" in response.content.decode(), user


def test_who_answered_through_their_link_is_not_offered_to_staff(activity, operator_a, org_a):
    named, anonymous, silent = enrol_people(activity, operator_a, org_a, 3)
    for enrolment, is_anonymous in ((named, False), (anonymous, True)):
        invitation = actions.feedback_invitation(enrolment, acting_user=operator_a)
        actions.answer_feedback_link(
            invitation.token,
            {"helpful_for_integration": 4, "satisfaction": 4},
            anonymous=is_anonymous,
            language="it",
        )
    url = reverse("activity_docs:feedback_enter", args=[activity.pk])
    client = client_for(operator_a)

    assert list(client.get(url).context["form"].fields["enrolment"].queryset) == [silent]
    response = client.post(url, {**ANSWER, "enrolment": anonymous.pk, "language": "it"})
    assert response.status_code == 200
    assert "enrolment" in response.context["form"].errors
    assert FeedbackResponse.objects.count() == 2


def test_a_card_says_already_answered_after_a_questionnaire_typed_in_before_the_first_print(
    activity, operator_a, org_a
):
    typed, other = enrol_people(activity, operator_a, org_a, 2)
    actions.enter_feedback(
        activity, {"helpful_for_integration": 4, "satisfaction": 4}, acting_user=operator_a, enrolment=typed
    )
    cards = feedback_cards(activity, operator_a)
    assert {card["name"]: card["answered"] for card in cards} == {
        typed.person_name: True,
        other.person_name: False,
    }


# ---------------------------------------------------------------------------------------------- browser


@pytest.mark.browser
@pytest.mark.parametrize("language", ["it", "ar"])
def test_a_migrant_answers_on_a_small_phone_without_accessibility_errors(
    live_server, reference_data, browser_page, language
):
    # Given a personal link (transactional tests empty every table, the completion rules of the data
    # migration too, so the rule is put back), opened on a 360-pixel-wide phone in the chosen language
    CompletionRule.objects.get_or_create(
        code="presenza-70",
        defaults={
            "name_it": "Almeno il 70% delle ore",
            "name_en": "At least 70% of hours",
            "min_attendance_percent": 70,
        },
    )
    org = make_organisation("Comune di Napoli", kind=OrganisationKind.MUNICIPALITY, town="Napoli")
    operator = make_member(org, Role.OPERATOR, "browser.feedback@example.org")
    activity = make_activity(org, title="Orientamento ai servizi")
    enrolment = actions.enrol(activity, acting_user=operator, participant=make_participant(org))
    invitation = actions.feedback_invitation(enrolment, acting_user=operator)
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page.goto(live_server.url + invitation.get_absolute_url())
    violations = test_browser._serious_violations(page, f"feedback-{language}")
    test_browser.ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(test_browser.ARTIFACTS / f"feedback_{language}.png"), full_page=True)

    # When they tap a face for each question and send
    page.locator("label[for=id_helpful_for_integration_4]").click()
    page.locator("label[for=id_satisfaction_3]").click()
    page.locator("label[for=id_would_recommend_0]").click()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/grazie/")

    # Then the answer is saved in their language, and the page had no serious accessibility problem
    answer = FeedbackResponse.objects.get()
    assert (answer.helpful_for_integration, answer.satisfaction, answer.would_recommend) == (5, 4, True)
    assert answer.language == language
    assert violations == []
