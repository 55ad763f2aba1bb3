from django.core.management.base import BaseCommand
from django.db.models import Count

from accounts.models import Membership, User
from core.roles import Role
from people.demo import DEMO_PASSWORD

DEMO_DOMAIN = "@demo.interazioni.example.org"


class Command(BaseCommand):
    help = "Print one demo login per role, and one that acts for two organisations."

    def handle(self, *args, **options):
        order = {role: index for index, role in enumerate(Role.values)}
        first_by_role = {}
        for m in (
            Membership.objects.filter(user__email__endswith=DEMO_DOMAIN, is_active=True)
            .select_related("user", "organisation")
            .order_by("user__email")
        ):
            first_by_role.setdefault(m.role, m)
        if not first_by_role:
            self.stdout.write("No demo accounts: run `python manage.py seed_demo`.")
            return
        rows = [
            (m.user.email, f"{m.get_role_display()} — {m.organisation.name}")
            for role, m in sorted(first_by_role.items(), key=lambda item: order[item[0]])
        ]
        multi = (
            User.objects.filter(email__endswith=DEMO_DOMAIN)
            .annotate(n=Count("memberships"))
            .filter(n__gt=1)
            .order_by("email")
            .first()
        )
        if multi is not None:
            organisations = ", ".join(
                m.organisation.name for m in multi.memberships.select_related("organisation")
            )
            rows.append((multi.email, f"two memberships, switch in the header: {organisations}"))
        width = max(len(email) for email, _ in rows)
        self.stdout.write("")
        self.stdout.write(
            f"Demo logins at http://127.0.0.1:8000/accounts/login/ (password for all: {DEMO_PASSWORD})"
        )
        for email, what in rows:
            self.stdout.write(f"  {email.ljust(width)}  {what}")
        self.stdout.write("")
