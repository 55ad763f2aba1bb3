"""API endpoints for the organisation registry."""

from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from core.scoping import VIEW, get_for_user, require_permission
from network.models import Organisation

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    tax_code: str
    municipality_istat: str = Field(..., alias="municipality.istat_code")
    municipality_name: str = Field(..., alias="municipality.name")
    migrant_led: bool
    email: str
    phone: str
    website: str
    is_active: bool


def _scoped(user):
    return Organisation.objects.visible_to(user, VIEW).select_related("municipality").order_by("name", "pk")


@router.get("/", response=list[OrganisationOut], summary="List organisations")
@paginate(PageNumberPagination, page_size=50)
def list_organisations(request, kind: str | None = None, q: str | None = None):
    require_permission(request.user, "organisation.view")
    qs = _scoped(request.user)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


@router.get("/{int:organisation_id}", response=OrganisationOut, summary="One organisation")
def get_organisation(request, organisation_id: int):
    return get_for_user(_scoped(request.user), request.user, VIEW, pk=organisation_id)
