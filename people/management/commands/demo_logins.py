from django.core.management.base import BaseCommand

from accounts.models import Membership
from people.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print one demo login per role."

    def handle(self, *args, **options):
        seen = set()
        rows = []
        for m in (
            Membership.objects.filter(user__email__endswith="@demo.interazioni.example.org", is_active=True)
            .select_related("user", "organisation")
            .order_by("role", "user__email")
        ):
            if m.role in seen:
                continue
            seen.add(m.role)
            rows.append((m.get_role_display(), m.user.email, m.organisation.name))
        if not rows:
            self.stdout.write("No demo accounts: run `python manage.py seed_demo`.")
            return
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        width = max(len(r[1]) for r in rows)
        for role, email, org in rows:
            self.stdout.write(f"  {email.ljust(width)}  {role} — {org}")
        self.stdout.write("")
