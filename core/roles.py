"""Roles a membership can carry and what each may do.

Capabilities are checked here; *which records* a capability reaches is decided by the scoped querysets
(`core.scoping`). Both live in one place so that views, API, exports and forms agree.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Organisation administrator")
    OPERATOR = "operator", _("Operator")
    TRAINER = "trainer", _("Trainer")
    MEDIATOR = "mediator", _("Cultural mediator")
    EDITOR = "editor", _("Directory editor")
    VIEWER = "viewer", _("Viewer (read only)")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
    MONITORING_OFFICER = "monitoring_officer", _("Monitoring officer")


REGIONAL_ROLES = frozenset({Role.REGIONAL_COORDINATOR, Role.MONITORING_OFFICER})
# Roles that see every organisation's records (each read of personal data is logged).
ALL_RECORDS_ROLES = frozenset({Role.REGIONAL_COORDINATOR})

_CASEWORK = {Role.ORG_ADMIN, Role.OPERATOR}

PERMISSIONS: dict[str, frozenset[str]] = {
    "participant.view": frozenset(_CASEWORK | {Role.VIEWER, Role.REGIONAL_COORDINATOR}),
    "participant.change": frozenset(_CASEWORK),
    "participant.import": frozenset(_CASEWORK),
    "consent.change": frozenset(_CASEWORK),
    "organisation.view": frozenset(Role.values),
    "organisation.change": frozenset({Role.ORG_ADMIN, Role.REGIONAL_COORDINATOR}),
    "organisation.create": frozenset({Role.REGIONAL_COORDINATOR}),
    "organisation.import": frozenset({Role.REGIONAL_COORDINATOR}),
    "staff.view": frozenset({Role.ORG_ADMIN, Role.REGIONAL_COORDINATOR}),
    "staff.change": frozenset({Role.ORG_ADMIN, Role.REGIONAL_COORDINATOR}),
    "district.change": frozenset({Role.REGIONAL_COORDINATOR}),
    "audit.view": frozenset({Role.REGIONAL_COORDINATOR}),
    # Individual paths, services, referrals, mediation (issue 3)
    "plan.change": frozenset(_CASEWORK),
    "service.record": frozenset(_CASEWORK),
    "service.import": frozenset(_CASEWORK),
    "referral.view": frozenset(_CASEWORK | {Role.VIEWER, Role.REGIONAL_COORDINATOR}),
    "referral.send": frozenset(_CASEWORK),
    "referral.answer": frozenset(_CASEWORK),
    # Sending without a consent that covers the receiver is recorded and audited; only admins may.
    "referral.override_consent": frozenset({Role.ORG_ADMIN}),
    "mediation.request": frozenset(_CASEWORK | {Role.TRAINER}),
    "mediation.manage": frozenset({Role.ORG_ADMIN, Role.REGIONAL_COORDINATOR}),
    "mediation.perform": frozenset({Role.MEDIATOR}),
    # Activities: courses, trainings, events (issue 4). Which activities a trainer reaches is decided by
    # the scope (the ones they are assigned to).
    "activity.view": frozenset(_CASEWORK | {Role.TRAINER, Role.VIEWER} | REGIONAL_ROLES),
    "activity.change": frozenset(_CASEWORK | {Role.REGIONAL_COORDINATOR}),
    "activity.import": frozenset(_CASEWORK | {Role.TRAINER}),
    "enrolment.view": frozenset(_CASEWORK | {Role.TRAINER, Role.VIEWER, Role.REGIONAL_COORDINATOR}),
    "attendance.record": frozenset(_CASEWORK | {Role.TRAINER, Role.REGIONAL_COORDINATOR}),
    "certificate.issue": frozenset(_CASEWORK | {Role.REGIONAL_COORDINATOR}),
    # Governance of the network (issue 5): agreements, consultation tables, meetings, action items. Which
    # records a role changes is decided by the scope (parties, coordinators, owners; the Region: all).
    "governance.view": frozenset(Role.values),
    "governance.change": frozenset(_CASEWORK | {Role.REGIONAL_COORDINATOR}),
    "governance.import": frozenset({Role.REGIONAL_COORDINATOR}),
    "association.approve": frozenset({Role.REGIONAL_COORDINATOR}),
    "network.analytics": frozenset({Role.ORG_ADMIN, Role.REGIONAL_COORDINATOR, Role.MONITORING_OFFICER}),
    # Skills profiles (issue 6): on the same people as plans. Constraints (health, family) are for the case's
    # operators only: not the read-only viewer, not the Region.
    "skills.view": frozenset(_CASEWORK | {Role.VIEWER, Role.REGIONAL_COORDINATOR}),
    "skills.change": frozenset(_CASEWORK),
    "skills.sensitive": frozenset(_CASEWORK),
    "skills.overview": frozenset({Role.ORG_ADMIN, Role.REGIONAL_COORDINATOR, Role.MONITORING_OFFICER}),
    # Public directory (issue 7). Editors run the editorial desk for the whole network; partners propose
    # changes to their own organisation's services; usage counts are aggregates (no visitor data).
    "directory.view": frozenset(_CASEWORK | {Role.EDITOR, Role.VIEWER, Role.REGIONAL_COORDINATOR}),
    "directory.edit": frozenset({Role.EDITOR, Role.REGIONAL_COORDINATOR}),
    "directory.propose": frozenset(_CASEWORK),
    "directory.moderate": frozenset({Role.EDITOR, Role.REGIONAL_COORDINATOR}),
    "portal.usage": frozenset({Role.EDITOR, Role.REGIONAL_COORDINATOR, Role.MONITORING_OFFICER}),
    "event.checkin": frozenset(_CASEWORK | {Role.TRAINER, Role.REGIONAL_COORDINATOR}),
    # Monitoring and FAMI reporting (issue 8). The Region sees the whole network; an organisation's admin,
    # operators and viewers see their own organisation's figures. Monitoring officers get controlled figures
    # (disclosure control) and no lists of people; the drill-down to people follows participant.view.
    "monitoring.view": frozenset(_CASEWORK | {Role.VIEWER} | REGIONAL_ROLES),
    "monitoring.network": frozenset(REGIONAL_ROLES),
    "monitoring.manage": frozenset({Role.REGIONAL_COORDINATOR}),
    "monitoring.workbook": frozenset({Role.REGIONAL_COORDINATOR, Role.MONITORING_OFFICER}),
}


def role_can(role: str | None, permission: str) -> bool:
    return role is not None and role in PERMISSIONS[permission]
