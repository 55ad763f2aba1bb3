"""The participant's timeline shows the skills profile and recognition applications, in scope only."""

import datetime

import pytest

from paths.views_dashboard import timeline_items
from skills import actions
from skills.models import Qualification
from skills.reference import RecognitionStatus

pytestmark = pytest.mark.django_db


def test_timeline_shows_the_profile_and_recognition_applications(
    participant_a, operator_a, viewer_a, operator_b
):
    profile = actions.start_profile(participant_a, acting_user=operator_a)
    actions.save_claim(
        profile,
        Qualification,
        acting_user=operator_a,
        data={
            "title": "Diploma di infermiere",
            "recognition_status": RecognitionStatus.APPLIED,
            "recognition_applied_on": datetime.date.today() - datetime.timedelta(days=3),
        },
    )
    texts = [item.text for item in timeline_items(participant_a, operator_a)[0]]
    assert any("Diploma di infermiere" in text for text in texts)
    assert len([item for item in timeline_items(participant_a, operator_a)[0] if item.kind == "skills"]) == 2
    assert [i for i in timeline_items(participant_a, viewer_a)[0] if i.kind == "skills"]
    assert not [i for i in timeline_items(participant_a, operator_b)[0] if i.kind == "skills"]
