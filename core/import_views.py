"""Workspace pages for bulk imports: the list of kinds, XLSX templates, upload, dry run and result."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from core.imports import build_template, get_kind, kinds_for, run_import
from core.scoping import require_permission

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run only: check the file and save nothing"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, row_limit: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "An Excel workbook (.xlsx) made from the template, or a CSV file (UTF-8) with the same header; "
            "at most %(rows)s rows and %(size)s."
        ) % {
            "rows": row_limit or settings.IMPORT_MAX_ROWS,
            "size": filesizeformat(settings.IMPORT_MAX_FILE_SIZE),
        }


@login_required
@require_GET
def import_index(request):
    return render(request, "core/import_index.html", {"kinds": kinds_for(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, kind):
    kind = get_kind(kind)
    require_permission(request.user, kind.permission)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, row_limit=kind.row_limit)
        if form.is_valid():
            dry_run = form.cleaned_data["dry_run"]
            report = run_import(kind, form.cleaned_data["file"], request.user, dry_run=dry_run)
            # After a clean dry run the form is offered again for the real import.
            next_form = (
                None
                if report.imported
                else ImportForm(initial={"dry_run": not (report.ok and dry_run)}, row_limit=kind.row_limit)
            )
            return render(
                request,
                "core/import_result.html",
                {
                    "kind": kind,
                    "report": report,
                    "form": next_form,
                    "file_name": form.cleaned_data["file"].name,
                },
            )
    else:
        form = ImportForm(row_limit=kind.row_limit)
    return render(request, "core/import_upload.html", {"kind": kind, "form": form})


@login_required
@require_GET
def import_template(request, kind):
    kind = get_kind(kind)
    require_permission(request.user, kind.permission)
    response = HttpResponse(build_template(kind, request.user), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="interazioni-modello-{kind.slug}.xlsx"'
    return response
