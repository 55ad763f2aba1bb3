"""Work in progress: replaced by the real views in this change."""

from django.http import Http404


def home(request, *args, **kwargs):
    raise Http404


def search(request, *args, **kwargs):
    raise Http404


def service_detail(request, *args, **kwargs):
    raise Http404


def article_list(request, *args, **kwargs):
    raise Http404


def article_detail(request, *args, **kwargs):
    raise Http404


def accessibility(request, *args, **kwargs):
    raise Http404


def privacy(request, *args, **kwargs):
    raise Http404
