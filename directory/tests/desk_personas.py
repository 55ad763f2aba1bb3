"""Personas and records shared by the editorial desk's view tests (test_desk_*.py).

The editor works for the Region's editorial desk; org A's staff are the partner whose directory
organisation is linked to their network organisation; org B is another partner."""

from __future__ import annotations

import pytest

from conftest import client_for, make_member
from core.roles import Role
from directory.tests.factories import make_directory_org, make_service


@pytest.fixture
def editor(region):
    return make_member(region, Role.EDITOR, "editor@example.org")


@pytest.fixture
def own_org(org_a):
    return make_directory_org("Comune di Napoli – Ufficio immigrazione", network_organisation=org_a)


@pytest.fixture
def other_org(org_b):
    return make_directory_org("Cooperativa Esempio – Sportelli", network_organisation=org_b)


@pytest.fixture
def own_service(own_org):
    return make_service("Sportello immigrazione", organization=own_org)


@pytest.fixture
def other_service(other_org):
    return make_service("Sportello casa", organization=other_org, town="Caserta")


@pytest.fixture
def as_editor(editor):
    return client_for(editor)


@pytest.fixture
def as_partner(operator_a):
    return client_for(operator_a)


@pytest.fixture
def as_viewer(viewer_a):
    return client_for(viewer_a)


def ui(msgid: str, **values) -> str:
    """A message as the workspace shows it (Italian by default, whatever the catalogue says)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        text = translation.gettext(msgid)
    return text % values if values else text
