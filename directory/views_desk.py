"""Work in progress: replaced by the real views in this change."""

from django.http import Http404


def dashboard(request, *args, **kwargs):
    raise Http404
