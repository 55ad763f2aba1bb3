"""How an indicator becomes a number: SQL aggregates over one relation of "events", never a loop over people.

A computation (`monitoring.computations`) turns an indicator's parameters and a `Scope` into a `Spec`: one or
more querysets ("sources", e.g. services recorded, attendance at sessions, completed mediations), each already
narrowed to the period and to the organisation, organisation type and action asked for, and each giving the
same columns:

    m_subject   who or what is counted (a participant id, an organisation id, an activity id, ...)
    m_record    the source row (for the drill-down of subjects that are not records themselves)
    m_day       the date the event counts on (month breakdown)
    m_org       the organisation responsible (organisation and organisation-type breakdowns)
    m_act       the plan's action, "01" / "02" / "03"
    m_muni      the municipality of the record (province of records that are not people)
    m_lang      a language (mediation, directory)
    m_amount    what is summed or averaged (hours, 1/0 for a share, days for a median)

The engine puts the sources together with UNION ALL and runs one aggregate over them, grouped by the breakdown
asked for. For participants it joins the registry: only third-country nationals count (no EU or Italian
citizenship, judged on today's registry, so a citizenship corrected to an EU country takes the person out),
each once (COUNT DISTINCT), with the province or municipality of residence, sex, age band on the first day of
the period, citizenship and target groups from the registry.
"""

# Statements are composed from model table names, fixed expressions and querysets compiled by Django; every
# value is a bound parameter.
# ruff: noqa: S608, S611

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import F, IntegerField, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from monitoring.models import AgeBand, Breakdown

COLUMNS = ("m_subject", "m_record", "m_day", "m_org", "m_act", "m_muni", "m_lang", "m_amount")
EMPTY_TYPES = (
    ("m_subject", "bigint"),
    ("m_record", "bigint"),
    ("m_day", "date"),
    ("m_org", "bigint"),
    ("m_act", "varchar(2)"),
    ("m_muni", "bigint"),
    ("m_lang", "varchar(12)"),
    ("m_amount", "decimal(12, 2)"),
)

PARTICIPANT = "participant"
PARTICIPANT_BREAKDOWNS = {"sex", "age_band", "citizenship", "target_group", "municipality"}

COUNT = "count"  # distinct subjects
SUM = "sum"  # of m_amount
SHARE = "share"  # average of a 1/0 m_amount, as a percentage
MEDIAN = "median"  # of m_amount


@dataclass(frozen=True)
class Scope:
    """What a number is about: a period and, optionally, a place, an organisation, a type or an action."""

    start: datetime.date
    end: datetime.date
    province_id: int | None = None
    municipality_id: int | None = None
    organisation_id: int | None = None
    organisation_kind: str = ""
    action: str = ""

    def narrow(self, queryset, *, organisation: str | None, action: str | None):
        """Apply the organisation, organisation-type and action filters to a source (paths to the fields)."""
        if organisation:
            if self.organisation_id:
                queryset = queryset.filter(**{f"{organisation}_id": self.organisation_id})
            if self.organisation_kind:
                queryset = queryset.filter(**{f"{organisation}__kind": self.organisation_kind})
        elif self.organisation_id or self.organisation_kind:
            return queryset.none()
        if self.action:
            queryset = queryset.filter(**{action: self.action}) if action else queryset.none()
        return queryset


@dataclass
class Spec:
    """What a computation hands to the engine."""

    sources: list[QuerySet]
    subject: str = PARTICIPANT  # PARTICIPANT or a label for other subjects ("organisation", "activity", ...)
    aggregate: str = COUNT
    subject_model: type | None = None  # what the drill-down lists (by m_subject), when not participants
    record_model: type | None = None  # ... or by m_record
    target_group: str = ""  # participants only: restrict to a target group
    snapshot: bool = False  # a state at the end of the period rather than events in it (no month breakdown)
    # A computation that cannot be put as events computes itself: (scope, breakdown or None) → Value_ or rows.
    direct: object = None


def source(queryset, **columns) -> QuerySet:
    """A source with the engine's columns; columns not given are NULL (or 1 for m_amount)."""
    defaults = {
        "m_record": F("pk"),
        # Typed NULLs: PostgreSQL types an untyped NULL column of a union as text, which then fails to join.
        "m_org": Cast(Value(None), IntegerField()),
        "m_act": Value(""),
        "m_muni": Cast(Value(None), IntegerField()),
        "m_lang": Value(""),
        "m_amount": Value(1, output_field=IntegerField()),
    }
    values = {**defaults, **columns}
    missing = [name for name in COLUMNS if name not in values]
    if missing:
        raise ValueError(f"source without {missing}")
    # Annotate under the engine's names, then select exactly those columns, in order.
    return queryset.order_by().annotate(**values).values_list(*COLUMNS)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _union(spec: Spec) -> tuple[str, list]:
    parts, params = [], []
    for queryset in spec.sources:
        if queryset.query.is_empty():
            continue
        sql, sql_params = queryset.query.sql_with_params()
        parts.append(sql)
        params.extend(sql_params)
    if not parts:  # nothing to count: an empty relation whose columns still have types (PostgreSQL)
        return (
            f"SELECT {', '.join(f'CAST(NULL AS {kind}) AS {c}' for c, kind in EMPTY_TYPES)} WHERE 1 = 0",
            [],
        )
    return " UNION ALL ".join(f"SELECT * FROM ({sql}) s{i}" for i, sql in enumerate(parts)), params


def _month(expression: str) -> str:
    if connection.vendor == "postgresql":
        return f"to_char({expression}, 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {expression})"


@dataclass
class Query:
    """The pieces of one SQL statement over the events of a spec, for a scope."""

    spec: Spec
    scope: Scope
    # Counting distinct subjects: reduce the events to distinct (subject, breakdown column) first, so the
    # registry join and the third-country test run once per person, not once per event (attendance rows).
    distinct: tuple[str, ...] = ()
    joins: list[str] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)  # params of joins and where, after the union's

    def __post_init__(self):
        from network.models import Organisation
        from people.models import Participant
        from territory.models import Country, Municipality

        self.union_sql, self.union_params = _union(self.spec)
        place_filter = self.scope.province_id or self.scope.municipality_id
        if (
            self.distinct
            and self.spec.subject != PARTICIPANT
            and place_filter
            and "m_muni" not in self.distinct
        ):
            self.distinct = (*self.distinct, "m_muni")  # the place filter reads the events' municipality
        if self.distinct and self.spec.aggregate == COUNT:
            columns = ", ".join(
                f"{_month('ev0.m_day')} AS m_month" if column == "m_month" else f"ev0.{column} AS {column}"
                for column in self.distinct
            )
            self.union_sql = f"SELECT DISTINCT {columns} FROM ({self.union_sql}) ev0"
        self.month = "ev.m_month" if "m_month" in self.distinct and self.spec.aggregate == COUNT else None
        self._joined: set[str] = set()
        self._Municipality, self._Organisation = Municipality, Organisation
        if self.spec.subject == PARTICIPANT:
            citizenships = Participant.citizenships.through
            self.joins.append(f"JOIN {_table(Participant)} p ON p.id = ev.m_subject")
            self.where.append(
                f"NOT EXISTS (SELECT 1 FROM {_table(citizenships)} pc JOIN {_table(Country)} c "
                "ON c.id = pc.country_id WHERE pc.participant_id = p.id AND c.is_eu = %s)"
            )
            self.params.append(True)
            if self.spec.target_group:
                self.where.append(
                    f"p.id IN ({_target_group_sql(self.spec.target_group, self.scope.start)[0]})"
                )
                self.params.extend(_target_group_sql(self.spec.target_group, self.scope.start)[1])
            place = "p.municipality_id"
        else:
            place = "ev.m_muni"
        if self.scope.municipality_id:
            self.where.append(f"{place} = %s")
            self.params.append(self.scope.municipality_id)
        elif self.scope.province_id:
            self.where.append(f"{place} IN (SELECT id FROM {_table(Municipality)} WHERE province_id = %s)")
            self.params.append(self.scope.province_id)

    def join_municipality(self) -> str:
        if "m" not in self._joined:
            place = "p.municipality_id" if self.spec.subject == PARTICIPANT else "ev.m_muni"
            self.joins.append(f"LEFT JOIN {_table(self._Municipality)} m ON m.id = {place}")
            self._joined.add("m")
        return "m"

    def join_organisation(self) -> str:
        if "o" not in self._joined:
            self.joins.append(f"LEFT JOIN {_table(self._Organisation)} o ON o.id = ev.m_org")
            self._joined.add("o")
        return "o"

    def sql(self, select: str, group: str = "", order: str = "") -> tuple[str, list]:
        where = f" WHERE {' AND '.join(self.where)}" if self.where else ""
        statement = f"SELECT {select} FROM ({self.union_sql}) ev {' '.join(self.joins)}{where}"
        if group:
            statement += f" GROUP BY {group}"
        if order:
            statement += f" ORDER BY {order}"
        return statement, [*self.union_params, *self.params]


def _target_group_sql(group: str, day: datetime.date) -> tuple[str, list]:
    from people.models import Participant, target_group_q

    return Participant.objects.filter(target_group_q(group, day)).values("pk").query.sql_with_params()


def _aggregate(spec: Spec) -> str:
    return {
        COUNT: "COUNT(DISTINCT ev.m_subject)",
        SUM: "COALESCE(SUM(ev.m_amount), 0)",
        SHARE: "AVG(ev.m_amount * 1.0) * 100",
    }[spec.aggregate]


def _fetch(statement: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass
class Value_:
    value: int | float | None
    contributors: int  # how many subjects (or records) stand behind the value: what disclosure control checks


def total(spec: Spec, scope: Scope) -> Value_:
    """The indicator's value for the scope, and how many subjects or records it rests on."""
    if spec.direct is not None:
        return spec.direct(scope, None)
    query = Query(spec, scope)
    if spec.aggregate == MEDIAN:
        rows = _median_rows(query, None)
        return Value_(rows[0][1] if rows else None, rows[0][2] if rows else 0)
    if spec.aggregate == COUNT:
        query = Query(spec, scope, distinct=("m_subject",))
        statement, params = query.sql(_aggregate(spec))
        value = _fetch(statement, params)[0][0] or 0
        return Value_(_number(value), value)
    statement, params = query.sql(f"{_aggregate(spec)}, COUNT(DISTINCT ev.m_subject)")
    value, contributors = _fetch(statement, params)[0]
    if spec.aggregate == SHARE:  # a share of nothing is not a number
        return Value_(_number(round(value, 1)) if contributors else None, contributors or 0)
    return Value_(_number(value), contributors or 0)


def breakdown(spec: Spec, scope: Scope, by: str) -> list[tuple]:
    """[(key, value, contributors)] for one breakdown, sorted by key. Multi-valued dimensions (target group,
    citizenship, organisation) may count a subject under several keys, so they need not add up to the total.
    """
    if spec.direct is not None:
        return spec.direct(scope, by)
    query = Query(spec, scope)
    if by == Breakdown.TARGET_GROUP:
        return _target_groups(Query(spec, scope, distinct=("m_subject",)))
    if spec.aggregate == COUNT:
        query = Query(spec, scope, distinct=("m_subject", *_event_columns(spec, by)))
    key, extra_params = _key(query, by)
    if spec.aggregate == MEDIAN:
        return [(k, v, n) for k, v, n in _median_rows(query, key, extra_params)]
    select = f"{key} AS k, {_aggregate(spec)}, COUNT(DISTINCT ev.m_subject)"
    statement, params = query.sql(select, group="k")
    # Key params (age bands) come first in SELECT, before the union's: put them in statement order.
    params = [*extra_params, *params]
    share = spec.aggregate == SHARE
    rows = [
        (k, _number(round(v, 1) if share and v is not None else v), n)
        for k, v, n in _fetch(statement, params)
    ]
    return _ordered(rows)


def _ordered(rows: list[tuple]) -> list[tuple]:
    """By key, "not stated" (NULL or empty) last, the same on every backend."""
    return sorted(rows, key=lambda row: (row[0] in (None, ""), str(row[0]) if row[0] is not None else ""))


def _event_columns(spec: Spec, by: str) -> tuple[str, ...]:
    """The event columns a breakdown reads (the rest comes from the registry or the organisation table)."""
    participant = spec.subject == PARTICIPANT
    return {
        Breakdown.ACTION: ("m_act",),
        Breakdown.ORGANISATION: ("m_org",),
        Breakdown.ORGANISATION_KIND: ("m_org",),
        Breakdown.MONTH: ("m_month",),
        Breakdown.LANGUAGE: ("m_lang",),
        Breakdown.PROVINCE: () if participant else ("m_muni",),
        Breakdown.MUNICIPALITY: () if participant else ("m_muni",),
    }.get(by, ())


def _key(query: Query, by: str) -> tuple[str, list]:
    participant = query.spec.subject == PARTICIPANT
    if by == Breakdown.SEX and participant:
        return "p.sex", []
    if by == Breakdown.AGE_BAND and participant:
        return _age_band_case(query.scope.start)
    if by == Breakdown.CITIZENSHIP and participant:
        from people.models import Participant
        from territory.models import Country

        through = Participant.citizenships.through
        query.joins.append(
            f"LEFT JOIN {_table(through)} pc2 ON pc2.participant_id = p.id "
            f"LEFT JOIN {_table(Country)} c2 ON c2.id = pc2.country_id"
        )
        return "COALESCE(c2.iso_alpha2, '')", []
    if by == Breakdown.PROVINCE:
        return f"{query.join_municipality()}.province_id", []
    if by == Breakdown.MUNICIPALITY:
        return ("p.municipality_id" if participant else "ev.m_muni"), []
    if by == Breakdown.ACTION:
        return "ev.m_act", []
    if by == Breakdown.ORGANISATION:
        return "ev.m_org", []
    if by == Breakdown.ORGANISATION_KIND:
        return f"{query.join_organisation()}.kind", []
    if by == Breakdown.MONTH:
        return query.month or _month("ev.m_day"), []
    if by == Breakdown.LANGUAGE:
        return "ev.m_lang", []
    raise ValueError(f"unknown breakdown {by!r}")


def _age_band_case(day: datetime.date) -> tuple[str, list]:
    """CASE on the birth date: the age on `day` falls in a band when born on or before (day - min years) and
    after (day - (max+1) years). People born after `day` fall in the first band."""
    from people.models import years_before

    whens, params = [], []
    bands = list(AgeBand.objects.order_by("min_age"))
    for index, band in enumerate(bands):
        conditions = []
        if index > 0:
            conditions.append("p.birth_date <= %s")
            params.append(years_before(day, band.min_age))
        if band.max_age is not None:
            conditions.append("p.birth_date > %s")
            params.append(years_before(day, band.max_age + 1))
        whens.append(f"WHEN {' AND '.join(conditions) or '1 = 1'} THEN %s")
        params.append(band.label)
    if not whens:
        return "''", []
    return f"CASE {' '.join(whens)} ELSE '' END", params


def _target_groups(query: Query) -> list[tuple]:
    from people.models import TargetGroup

    selects, select_params = [], []
    for group in TargetGroup.values:
        sql, params = _target_group_sql(group, query.scope.start)
        selects.append(f"COUNT(DISTINCT CASE WHEN p.id IN ({sql}) THEN ev.m_subject END)")
        select_params.extend(params)
    statement, params = query.sql(", ".join(selects))
    row = _fetch(statement, [*select_params, *params])[0]
    return [(group, value, value) for group, value in zip(TargetGroup.values, row, strict=True)]


def _median_rows(query: Query, key: str | None, key_params: list | None = None) -> list[tuple]:
    """Median of m_amount (per key): the middle row(s) by a window over each group, averaged in SQL."""
    group = key or "''"
    inner, params = query.sql(
        f"{group} AS k, ev.m_amount AS a, "
        f"ROW_NUMBER() OVER (PARTITION BY {group} ORDER BY ev.m_amount) AS rn, "
        f"COUNT(*) OVER (PARTITION BY {group}) AS n"
    )
    # The key expression appears twice in the window (PARTITION BY) and once in the select.
    key_params = list(key_params or [])
    params = [*key_params, *key_params, *key_params, *params]
    statement = (
        f"SELECT k, AVG(a * 1.0), MAX(n) FROM ({inner}) w "
        "WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY k ORDER BY k"
    )
    return _ordered(
        [(k, _number(round(v, 1)) if v is not None else None, n) for k, v, n in _fetch(statement, params)]
    )


def subject_ids_sql(spec: Spec, scope: Scope, column: str = "m_subject") -> RawSQL:
    """The distinct subjects (or records) behind the value, as a subquery for a drill-down queryset."""
    query = Query(spec, scope)
    statement, params = query.sql(f"DISTINCT ev.{column}")
    return RawSQL(statement, params)
