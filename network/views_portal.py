"""Work in progress: replaced by the real views in this change."""

from django.http import Http404


def association_list(request, *args, **kwargs):
    raise Http404


def association_detail(request, *args, **kwargs):
    raise Http404
