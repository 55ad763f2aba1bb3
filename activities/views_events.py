"""Work in progress: replaced by the real views in this change."""

from django.http import Http404


def event_list(request, *args, **kwargs):
    raise Http404


def event_detail(request, *args, **kwargs):
    raise Http404


def register(request, *args, **kwargs):
    raise Http404


def registration(request, *args, **kwargs):
    raise Http404


def cancel(request, *args, **kwargs):
    raise Http404
