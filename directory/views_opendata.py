"""Work in progress: replaced by the real views in this change."""

from django.http import Http404


def open_data(request, *args, **kwargs):
    raise Http404


def hsds_download(request, *args, **kwargs):
    raise Http404
