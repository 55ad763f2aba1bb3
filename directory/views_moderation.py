"""Work in progress: replaced by the real views in this change."""

from django.http import Http404


def feedback_queue(request, *args, **kwargs):
    raise Http404


def portal_usage(request, *args, **kwargs):
    raise Http404
