"""Work in progress: replaced by the real views in this change."""

from django.http import Http404


def service_feedback(request, *args, **kwargs):
    raise Http404
