"""Public pages of activities: certificate verification and the feedback questionnaire (no account)."""

urlpatterns: list = []
