"""Workspace pages for one's own account and for managing an organisation's staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import actions
from accounts.forms import ApiTokenForm, MembershipForm, PreferencesForm, StaffMemberForm
from accounts.models import ApiToken, Membership
from core.scoping import CHANGE, VIEW, get_for_user, require_permission


@login_required
@require_POST
def switch_membership(request):
    membership_id = request.POST.get("membership", "")
    if (
        not membership_id.isdigit()
        or actions.switch_membership(acting_user=request.user, membership_id=int(membership_id)) is None
    ):
        messages.error(request, _("You cannot act for that organisation."))
    target = request.POST.get("next", "")
    # After a switch the previous page may be out of scope: go home unless it is a list.
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}) or any(c.isdigit() for c in target):
        target = reverse("core:home")
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Preferences saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "memberships": request.user.memberships.active().select_related("organisation"),
            "tokens": request.user.api_tokens.all()[:50],
            "token_form": ApiTokenForm(),
        },
    )


@login_required
@require_POST
def token_create(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("accounts:profile")
    token, raw = actions.issue_api_token(acting_user=request.user, **form.cleaned_data)
    return render(request, "accounts/token_created.html", {"token": token, "raw": raw})


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    actions.revoke_api_token(token, acting_user=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")


@login_required
@require_GET
def staff_list(request):
    require_permission(request.user, "staff.view")
    qs = Membership.objects.visible_to(request.user, VIEW).select_related("user", "organisation")
    organisation = request.GET.get("organisation", "")
    if organisation.isdigit():
        qs = qs.filter(organisation_id=organisation)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(user__email__icontains=q) | qs.filter(user__last_name__icontains=q)
    page = Paginator(qs.order_by("organisation__name", "user__last_name", "user__email"), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/staff_list.html", {"page": page, "query": query.urlencode(), "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def staff_create(request):
    require_permission(request.user, "staff.change")
    form = StaffMemberForm(request.POST or None, acting_membership=request.membership)
    if request.method == "POST" and form.is_valid():
        actions.add_staff_member(
            acting_user=request.user,
            data=form.cleaned_data,
            existing_user=form.existing_user,
            request=request,
        )
        messages.success(request, _("Staff member added."))
        return redirect("accounts:staff_list")
    return render(
        request,
        "generic_form.html",
        {
            "form": form,
            "title": _("Add a staff member"),
            "breadcrumbs": [(_("Staff"), reverse("accounts:staff_list"))],
            "back_url": reverse("accounts:staff_list"),
            "intro": _("If the person already has an account, only the new role is added."),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_edit(request, pk):
    membership = get_for_user(
        Membership.objects.select_related("user", "organisation"), request.user, CHANGE, pk=pk
    )
    form = MembershipForm(request.POST or None, instance=membership, acting_membership=request.membership)
    if request.method == "POST" and form.is_valid():
        if membership.pk == request.membership.pk and not form.cleaned_data["is_active"]:
            form.add_error("is_active", _("You cannot deactivate the membership you are acting with."))
        else:
            actions.update_membership(
                membership,
                acting_user=request.user,
                role=form.cleaned_data["role"],
                is_active=form.cleaned_data["is_active"],
            )
            messages.success(request, _("Changes saved."))
            return redirect("accounts:staff_list")
    return render(
        request,
        "generic_form.html",
        {
            "form": form,
            "title": _("%(user)s at %(organisation)s")
            % {"user": membership.user, "organisation": membership.organisation},
            "breadcrumbs": [(_("Staff"), reverse("accounts:staff_list"))],
            "back_url": reverse("accounts:staff_list"),
        },
    )
