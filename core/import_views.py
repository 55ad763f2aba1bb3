from django.http import HttpResponse


def import_index(request):
    return HttpResponse("")


def import_upload(request, kind):
    return HttpResponse("")


def import_template(request, kind):
    return HttpResponse("")
