"""`manage.py indicators`: the dashboard's numbers as JSON, CSV or XLSX; bad arguments are clear errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from activities.exports import sheet_title
from conftest import municipality
from monitoring.engine import Scope
from monitoring.management.commands.indicators import Command
from monitoring.models import Indicator
from monitoring.report import as_dict, compute_all
from monitoring.tests.factories import END, START, build_dataset

pytestmark = pytest.mark.django_db

PERIOD = ["--from", START.isoformat(), "--to", END.isoformat()]


@pytest.fixture
def data():
    return build_dataset()


def run(*args) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_json_equals_compute_all_for_the_same_scope(data):
    printed = json.loads(run(*PERIOD, "--by", "sex,age_band,province", "--format", "json"))
    expected = [as_dict(r) for r in compute_all(Scope(START, END), ["sex", "age_band", "province"])]
    assert [o["code"] for o in printed] == [o["code"] for o in expected]
    for got, want in zip(printed, expected, strict=True):
        assert (got["value"], got["breakdown"]) == (want["value"], want["breakdown"])
    o23 = next(o for o in printed if o["code"] == "O.2.3")
    assert o23["value"] == 8
    assert {c["key"]: c["value"] for c in o23["breakdown"]["sex"]} == {"F": 3, "M": 5}


def test_filters_by_province_code_abbreviation_or_name_and_by_indicator_code(data):
    napoli = municipality("Napoli").province
    scope = Scope(START, END, province_id=napoli.pk)
    expected = compute_all(
        scope, ["sex"], indicators=list(Indicator.objects.filter(code__in=["O.2.3", "R.2.8"]))
    )
    for value in (napoli.istat_code, napoli.abbreviation, napoli.name.upper()):
        printed = json.loads(
            run(*PERIOD, "--province", value, "--by", "sex", "--code", "O.2.3,R.2.8", "--format", "json")
        )
        assert [(o["code"], o["value"]) for o in printed] == [(r.code, r.value) for r in expected]
    assert printed[0]["value"] < 8  # residents of Napoli only


def test_csv_goes_to_stdout_without_a_bom_and_to_a_file_with_one(data, tmp_path):
    text = run(*PERIOD, "--code", "O.2.3", "--by", "sex", "--format", "csv")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == _("Code") and [row[6] for row in rows[1:]] == ["8", "3", "5"]
    target = tmp_path / "o23.csv"
    assert run(*PERIOD, "--code", "O.2.3", "--format", "csv", "--output", str(target)) == ""
    assert target.read_text(encoding="utf-8").startswith("\ufeff" + _("Code"))


def test_controlled_figures(data):
    printed = json.loads(run(*PERIOD, "--code", "O.2.3", "--by", "sex", "--controlled", "--format", "json"))
    assert printed[0]["value"] == 10 and printed[0]["controlled"] is True
    assert [c["value"] for c in printed[0]["breakdown"]["sex"]] == ["<5", 5]


def test_xlsx_is_written_to_the_output_file(data, tmp_path):
    target = tmp_path / "indicatori.xlsx"
    assert run(*PERIOD, "--by", "sex", "--format", "xlsx", "--output", str(target)) == ""
    workbook = load_workbook(target)
    totals = workbook[sheet_title(_("Indicators"), "Indicators")]
    row = next(r for r in totals.iter_rows(values_only=True) if r[0] == "O.2.3")
    assert row[4] == 8
    assert sheet_title(_("Sex"), "Sex") in workbook.sheetnames


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-02-30", "--to", "2025-12-31", "--format", "json"], "2025-02-30"),
        (["--from", "2025-12-31", "--to", "2025-01-01", "--format", "json"], None),
        ([*PERIOD, "--province", "Atlantide", "--format", "json"], "Atlantide"),
        ([*PERIOD, "--municipality", "Atlantide", "--format", "json"], "Atlantide"),
        ([*PERIOD, "--by", "sex,height", "--format", "csv"], "height"),
        ([*PERIOD, "--code", "O.2.3,Q.1", "--format", "csv"], "Q.1"),
        ([*PERIOD, "--action", "07", "--format", "csv"], "07"),
        ([*PERIOD, "--organisation", "999999", "--format", "csv"], "999999"),
        ([*PERIOD, "--format", "xlsx"], "--output"),
    ],
)
def test_bad_arguments_are_a_command_error_and_print_nothing(db, args, message, capsys, monkeypatch):
    message = message or _("The start date cannot be after the end date.")
    # run_from_argv closes the connections when it ends: not the test's.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    out = io.StringIO()
    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        call_command("indicators", *args, stdout=out)
    assert out.getvalue() == ""
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["manage.py", "indicators", *args])
    assert exit_.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err


def test_missing_format_is_refused(db, capsys, monkeypatch):
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["manage.py", "indicators", *PERIOD])
    assert exit_.value.code != 0 and "--format" in capsys.readouterr().err
