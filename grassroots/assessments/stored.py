"""Stored compliance (decision 0037): each organisation's metric values against a standard
set in a year (`ComplianceRecord`), so that a subtree's matrix reads one row per organisation
instead of a year of its attendance.

- Read: `stored_compliance` judges the stored values (the pace of a running year follows
  the day); an organisation not stored yet is computed and stored then, never over a stored
  row (a refresh running at the same time may be newer).
- Kept current: a change to an organisation's records (`changed`, called by the receivers
  in `signals.py`) deletes its stored rows that the change touches in the writing
  transaction, so nothing stale is ever read as current, and recomputes them once that
  transaction has committed (`refresh`), under the organisation's row lock.
- Full recompute: `recompute_all` (`manage.py recompute_compliance`, or an administrator's
  background job) reads everything first, then writes in one transaction.
"""

import logging
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from grassroots.core.bulk import id_batches, insert_ignoring_conflicts
from grassroots.core.jobs import JobOutcome, report
from grassroots.orgs.models import Organization
from grassroots.orgs.rules import FORMED_KINDS
from grassroots.standards.models import Item, StandardSet, applicable_sets

from .choices import ItemStatus
from .compliance import judge, manual_results, measured_codes, set_items, summary
from .measurement import collect, metric_values, year_span
from .models import ComplianceRecord

logger = logging.getLogger(__name__)

BATCH = 5000  # rows per INSERT of a full recompute
UPDATED = ["values", "met", "not_met", "no_data", "until", "computed_at"]


def _encode(values):
    return {code: None if value is None else str(value) for code, value in values.items()}


def _decode(values):
    return {code: None if value is None else Decimal(value) for code, value in values.items()}


class _SetItems:
    """A set's items, the metrics they measure and the shared results of the others."""

    def __init__(self, standard_set):
        self.set = standard_set
        self.items = set_items(standard_set)
        self.codes = measured_codes(self.items)
        self.manual = manual_results(self.items)

    def record(self, org_id, year, values, until, now):
        counts = summary(judge(self.items, self.manual, values, until))
        return ComplianceRecord(
            org_id=org_id,
            standard_set=self.set,
            year=year,
            values=_encode(values),
            met=counts[ItemStatus.MET],
            not_met=counts[ItemStatus.NOT_MET],
            no_data=counts[ItemStatus.NO_DATA],
            until=until,
            computed_at=now,
        )


def compute(orgs, standard_sets, year, today=None) -> list[ComplianceRecord]:
    """A record for each organisation of the queryset `orgs` against each of
    `standard_sets`, from one reading of their records."""
    today = today or timezone.localdate()
    sets = [s if isinstance(s, _SetItems) else _SetItems(s) for s in standard_sets]
    codes = set().union(*(s.codes for s in sets))
    if not codes:
        return []
    now = timezone.now()
    found = []
    for pk, records in collect(orgs, year, today, codes).items():
        values = metric_values(records, codes)
        for s in sets:
            mine = {code: values[code] for code in s.codes}
            found.append(s.record(pk, year, mine, records.until, now))
    return found


def in_key_order(records):
    """`records` in one order for every writer (organisation, set, year): two transactions
    inserting some of the same keys wait for each other's first, never each for the
    other's."""
    return sorted(records, key=lambda r: (r.org_id, r.standard_set_id, r.year))


def stored_compliance(org_ids, standard_set, year, today=None):
    """{organisation id: [ItemResult per item of the set]} for `org_ids`, in their order,
    as `compliance_for` gives them (without the explanations, which need the records)."""
    today = today or timezone.localdate()
    _, until = year_span(year, today)
    s = _SetItems(standard_set)
    rows = ComplianceRecord.objects.filter(standard_set=standard_set, year=year, org_id__in=org_ids)
    stored = dict(rows.values_list("org_id", "values"))
    # A row without one of the set's metrics predates a change to the set's items.
    outdated = [pk for pk, values in stored.items() if not s.codes <= values.keys()]
    missing = [pk for pk in org_ids if pk not in stored or pk in outdated]
    if missing and s.codes:
        if outdated:
            rows.filter(org_id__in=outdated).delete()
        fresh = compute(Organization.objects.filter(pk__in=missing), [s], year, today)
        ComplianceRecord.objects.bulk_create(in_key_order(fresh), ignore_conflicts=True)
        stored.update((r.org_id, r.values) for r in fresh)
    return {
        pk: judge(s.items, s.manual, _decode(stored.get(pk, {})), until)
        for pk in org_ids
        if pk in stored or not s.codes
    }


# --- kept current ----------------------------------------------------------------------------


class _Pending:
    """The organisation-years one transaction changed, refreshed once it has committed:
    {organisation id: {year (None: every year): metrics touched (None: all)}}."""

    def __init__(self):
        self.changes = defaultdict(dict)
        self.done = False

    def covers(self, org_id, year, codes):
        if year not in self.changes[org_id]:
            return False
        held = self.changes[org_id][year]
        return held is None or (codes is not None and codes <= held)

    def add(self, org_id, year, codes):
        held = self.changes[org_id].get(year, set())
        self.changes[org_id][year] = None if codes is None or held is None else held | codes


class _Refresh:
    """The on-commit callback refreshing a transaction's `_Pending`: one per savepoint that
    changed something, since a rollback to a savepoint drops the callbacks registered in it
    (and the changes it undid stay harmlessly in the shared `_Pending`); the first to run
    refreshes for all."""

    def __init__(self, pending):
        self.pending = pending
        # Django names a failed robust on-commit callback by its __qualname__, which an
        # instance does not have.
        self.__qualname__ = "stored compliance refresh"

    def __call__(self):
        if not self.pending.done:
            self.pending.done = True
            refresh(self.pending.changes)


def _pending():
    """This transaction's `_Pending`, with a `_Refresh` registered to run on commit at the
    current savepoint."""
    savepoints, pending = set(connection.savepoint_ids), None
    for held, callback, _ in connection.run_on_commit:
        if isinstance(callback, _Refresh) and not callback.pending.done:
            if held == savepoints:
                return callback.pending
            pending = callback.pending
    pending = pending or _Pending()
    # Robust: the records are committed; a refresh that fails leaves the rows deleted, and
    # they are computed again when next read.
    transaction.on_commit(_Refresh(pending), robust=True)
    return pending


def sets_measuring(codes):
    """A queryset of the ids of the sets with an item measuring one of `codes` (None:
    any metric)."""
    items = Item.objects.exclude(metric="").filter(metric__isnull=False)
    if codes is not None:
        items = items.filter(metric__in=codes)
    return items.values("dimension__set")


def changed(org_ids, years=None, codes=None):
    """The records of `org_ids` changed in `years` (None: in every year, as a change of
    members or committee does), touching the metrics `codes` (None: all): delete their
    stored rows now, recompute them once the transaction commits."""
    in_transaction = connection.in_atomic_block
    pending = _pending() if in_transaction else _Pending()
    codes = None if codes is None else set(codes)
    years = [None] if years is None else years
    by_year = defaultdict(list)  # an import changes tens of thousands: one DELETE per batch
    for org_id in org_ids:
        for year in years:
            if not pending.covers(org_id, year, codes):
                pending.add(org_id, year, codes)
                by_year[year].append(org_id)
    _lock({org_id for ids in by_year.values() for org_id in ids})
    for year, ids in by_year.items():
        for batch in id_batches(ids):
            rows = ComplianceRecord.objects.filter(org_id__in=batch)
            if year is not None:
                rows = rows.filter(year=year)
            if codes is not None:
                rows = rows.filter(standard_set__in=sets_measuring(codes))
            rows.delete()
    if not in_transaction:
        _Refresh(pending)()


def _lock(org_ids):
    """Lock the organisations' rows, in id order, before their stored rows are deleted or
    written: a refresh holds the same lock, so a writer deleting rows a refresh is writing
    waits for it rather than each waiting on the other's rows. NO KEY UPDATE: rows that
    merely reference the organisation (a new meeting) are not held up. Outside a
    transaction each statement commits on its own: there is nothing to hold."""
    if not connection.in_atomic_block:
        return
    for batch in id_batches(sorted(set(org_ids) - {None})):  # batches in id order: one order
        rows = Organization.objects.select_for_update(no_key=True).filter(pk__in=batch)
        list(rows.order_by("pk").values_list("pk", flat=True))


def forget_below(org, codes):
    """The stored rows of `org`'s descendants that read `codes` of the levels above (its
    committee): deleted, computed again when next read."""
    rows = ComplianceRecord.objects.filter(
        org__path__startswith=org.path, standard_set__in=sets_measuring(codes)
    ).exclude(org=org)
    _lock(rows.values_list("org_id", flat=True).distinct())
    rows.delete()


def refresh(changes, today=None):
    """Recompute the stored rows of `changes` (`_Pending.changes`) in one transaction that
    first locks the organisations' rows: of two refreshes of the same organisation the later
    one reads after the earlier one's write, and after every change committed before it.
    Organisations of the same category and year are read together (an import changes
    hundreds)."""
    today = today or timezone.localdate()
    groups = defaultdict(list)  # (year, set ids) -> organisation ids
    with transaction.atomic():
        orgs = (
            Organization.objects.select_for_update(no_key=True)
            .active()
            .filter(pk__in=sorted(changes), kind__in=FORMED_KINDS)
            .order_by("pk")
            .values_list("pk", "category")
        )
        applicable, measuring = {}, {}
        for org_id, category in orgs:
            touched = changes[org_id]
            codes = None
            if all(c is not None for c in touched.values()):
                codes = frozenset().union(*touched.values())
            if category not in applicable:
                applicable[category] = applicable_sets(category)
            if codes not in measuring:
                measuring[codes] = set(
                    sets_measuring(codes).values_list("dimension__set", flat=True)
                )
            sets = tuple(s for s in applicable[category] if s.pk in measuring[codes])
            for year in {today.year if year is None else year for year in touched}:
                groups[(year, sets)].append(org_id)
        items = {}
        fresh = []
        for (year, sets), org_ids in groups.items():
            for s in sets:
                items.setdefault(s.pk, _SetItems(s))
            found = Organization.objects.filter(pk__in=org_ids)
            fresh.extend(compute(found, [items[s.pk] for s in sets], year, today))
        ComplianceRecord.objects.bulk_create(
            in_key_order(fresh),
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["standard_set", "year", "org"],
            update_fields=UPDATED,
        )


# --- full recompute ----------------------------------------------------------------------------


def measured_sets(code=None):
    """The latest published sets that measure something (or the one named `code`)."""
    sets = StandardSet.objects.latest_published().order_by("-year", "code")
    if code:
        sets = sets.filter(code=code)
    sets = list(sets)
    measuring = set(sets_measuring(None).values_list("dimension__set", flat=True))
    return [s for s in sets if s.pk in measuring]


def recompute_all(year, standard_sets, today=None, progress=None) -> int:
    """Recompute every stored row of `standard_sets` in `year`: each category's formed,
    active organisations read once for all the sets naming the category, then one
    transaction replaces the rows (a row a refresh wrote since the start is newer, and
    kept). Returns the number of rows written."""
    started = timezone.now()
    sets = [_SetItems(s) for s in standard_sets]
    by_category = defaultdict(list)
    for s in sets:
        for category in s.set.categories:
            by_category[category].append(s)
    fresh = []
    for done, (category, category_sets) in enumerate(sorted(by_category.items()), start=1):
        orgs = Organization.objects.active().filter(kind__in=FORMED_KINDS, category=category)
        fresh.extend(compute(orgs, category_sets, year, today))
        if progress:
            progress(done, len(by_category))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Refreshes and readers wait the few seconds of the swap: a refresh upserting
            # rows this deletes and inserts in another order would deadlock with it.
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(ComplianceRecord._meta.db_table)
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        ComplianceRecord.objects.filter(
            standard_set__in=[s.set for s in sets], year=year, computed_at__lt=started
        ).delete()
        insert_ignoring_conflicts(ComplianceRecord, fresh)
    return len(fresh)


def recompute_job(job, year, standard=None):
    """The background job of a full recompute (core.jobs): progress per category."""
    sets = measured_sets(standard)
    written = recompute_all(
        year, sets, progress=lambda done, total: report(job, done, total, "正在计算")
    )
    return JobOutcome(f"已重新计算{year}年度{len(sets)}套标准的达标情况，共{written}条")
