"""Writes on organisations."""

from django.db import transaction

from core.scoping import CHANGE, get_for_user, require_permission
from network.models import Organisation


@transaction.atomic
def create_organisation(*, acting_user, form) -> Organisation:
    require_permission(acting_user, "organisation.create")
    return form.save()


@transaction.atomic
def update_organisation(organisation: Organisation, *, acting_user, form) -> Organisation:
    get_for_user(Organisation.objects.all(), acting_user, CHANGE, pk=organisation.pk)
    return form.save()
