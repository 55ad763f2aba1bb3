from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by organisation administrators, never by open sign-up."""

    def is_open_for_signup(self, request):
        return False
