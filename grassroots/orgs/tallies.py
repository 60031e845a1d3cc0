"""Subtree tallies: the statistics of a subtree read from counts kept per organisation
instead of scanning its members on every request (docs/decisions/0036).

A `Tally` row (org, code, n) counts what the organisation's strict descendants hold —
members by status, sex, age band, education, ethnicity and joining period, organisations by
kind and category, current terms by planned end, host units by coverage, meetings by type
and month — on the clock's date (`TallyClock`). A
subtree's figures on that date are what the organisation holds itself (one organisation's
rows, scanned) plus its tally rows; on a later date, plus the rows whose codes changed in
between (a birthday into the next band, a date reached), which `advance` folds in nightly.

Each counted model is a `Source`: which rows count on a date and, as SQL expressions, the
codes a row adds. The same expressions build the tallies (`rebuild`), keep them (`tracked`
around a save reads a row's codes before and after and adds the difference to the
ancestors; `added` after a bulk insert) and scan a subtree on an earlier date, so the three
cannot disagree. Writers insert their changes (`TallyChange`) rather than update the rows
the whole city shares, and one `fold` at a time moves them into the rows after each commit;
readers add the changes not folded yet, in the same statement.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, NullIf
from django.utils import timezone

from .choices import Gender, MemberStatus
from .models import (
    HostUnit,
    HostUnitLink,
    Member,
    Organization,
    Tally,
    TallyChange,
    TallyClock,
    Term,
    UnitGuide,
    units_under,
)
from .rules import AGE_BANDS, JOINING_PERIODS, YOUNG_BELOW, birth_range, latest_birth

UNKNOWN = "unknown"  # members whose education is not recorded
BATCH = 500  # rows per INSERT, well under SQLite's parameter limit
CLOCK = 1  # the clock's one row


@dataclass(frozen=True)
class Source:
    model: type
    org: str  # the lookup of a row's organisation ("" for the organisation itself)
    counted: Callable  # on -> Q: the rows that count on `on`
    codes: Callable  # on -> {family: expression of the code a row adds, or NULL}
    changes: Callable  # (start, end) -> Q: rows whose codes may differ between the two dates
    # A row under several organisations (a host unit: its responsible organisation and
    # those sitting in it) counts once in each subtree holding any of them: `paths(rows)`
    # gives {pk: (paths…)}, `under(paths, exact)` the rows under (or at) those paths, and
    # `prepare(rows, on)` annotates what the codes read.
    paths: Callable | None = None
    under: Callable | None = None
    prepare: Callable = staticmethod(lambda rows, on: rows)
    # Counted in the tallies of the organisations holding the row too, not only of those
    # above: for rows an organisation may hold thousands of (a street's host units).
    at_own: bool = False

    def lookup(self, field):
        return f"{self.org}__{field}" if self.org else field

    def rows(self):
        return self.model._default_manager.order_by()

    def within(self, path):
        """The rows of the subtree at `path`."""
        if self.under:
            return self.rows().filter(self.under([path], exact=False))
        return self.rows().filter(**{f"{self.lookup('path')}__startswith": path})

    def held_by(self, paths):
        """The rows the organisations at `paths` hold themselves."""
        if self.under:
            return self.rows().filter(self.under(paths, exact=True))
        return self.rows().filter(**{f"{self.lookup('path')}__in": list(paths)})


SOURCES: dict[type, Source] = {}


def register(source: Source):
    SOURCES[source.model] = source


def dated(field, start, end):
    """`field` in (start, end]."""
    return Q(**{f"{field}__gt": start, f"{field}__lte": end})


def between(field, start, end):
    """`field` in [start, end], an end None for an open one."""
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{field}__gte": start})
    if end is not None:
        condition &= Q(**{f"{field}__lte": end})
    return condition


def code_case(*whens, default=None):
    return Case(*whens, default=default, output_field=CharField())


# --- members and organisations ---------------------------------------------------------------


def current_on(on):
    """Members of the Party on `on`: joined by then and not left."""
    return Q(joined_on__lte=on) & (Q(left_on__isnull=True) | Q(left_on__gt=on))


def full_on(on):
    """A full member on `on`: full now and confirmed by then (or joined as full)."""
    return Q(status=MemberStatus.FULL) & (Q(confirmed_on__isnull=True) | Q(confirmed_on__lte=on))


def existing_on(on):
    """Organisations that existed on `on`."""
    established = Q(established_on__isnull=True) | Q(established_on__lte=on)
    not_dissolved = Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on)
    return established & not_dissolved


def member_codes(on):
    return {
        "total": Value("m"),
        "full": code_case(When(full_on(on), then=Value("m.full")), default=Value("m.probationary")),
        "female": code_case(When(gender=Gender.FEMALE, then=Value("m.female"))),
        "young": code_case(
            When(birth_date__gt=latest_birth(on, YOUNG_BELOW), then=Value("m.young"))
        ),
        "age": code_case(
            *(
                When(
                    between("birth_date", *birth_range(band.low, band.high, on)),
                    then=Value(f"m.age:{band.code}"),
                )
                for band in AGE_BANDS
            )
        ),
        "education": Concat(
            Value("m.edu:"),
            Coalesce(NullIf("education", Value("")), Value(UNKNOWN)),
            output_field=CharField(),
        ),
        "ethnicity": Concat(Value("m.eth:"), "ethnicity", output_field=CharField()),
        "joined": code_case(
            *(
                When(between("joined_on", p.start, p.end), then=Value(f"m.joined:{p.code}"))
                for p in JOINING_PERIODS
            )
        ),
    }


# The ages at which a member moves into another band or out of the young.
AGE_BOUNDARIES = sorted({band.low for band in AGE_BANDS if band.low} | {YOUNG_BELOW})


def member_changes(start, end):
    birthdays = Q()
    for years in AGE_BOUNDARIES:
        birthdays |= dated("birth_date", latest_birth(start, years), latest_birth(end, years))
    dates = (dated(f, start, end) for f in ("joined_on", "left_on", "confirmed_on"))
    return birthdays | Q(*dates, _connector=Q.OR)


def org_codes(on):
    return {
        "total": Value("o"),
        "kind": Concat(Value("o.kind:"), "kind", output_field=CharField()),
        "category": Concat(Value("o.category:"), "category", output_field=CharField()),
    }


register(
    Source(
        Member,
        org="org",
        counted=current_on,
        codes=member_codes,
        changes=member_changes,
    )
)
register(
    Source(
        Organization,
        org="",
        counted=existing_on,
        codes=org_codes,
        changes=lambda start, end: (
            dated("established_on", start, end) | dated("dissolved_on", start, end)
        ),
    )
)


def term_codes(on):
    """A current term by its planned end, so that "overdue" and "ending soon" are read for
    any date and reminder window."""
    return {
        "end": Concat(
            Value("t.end:"), Cast("planned_end_on", CharField()), output_field=CharField()
        )
    }


register(
    Source(
        Term,
        org="org",
        counted=lambda on: Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gt=on)),
        codes=term_codes,
        changes=lambda start, end: (
            dated("started_on", start, end) | dated("ended_on", start, end)
        ),
    )
)


def unit_paths(pks):
    """{unit pk: (paths…)}: its responsible organisation's and those sitting in it."""
    paths = defaultdict(set)
    responsible = HostUnit.objects.filter(pk__in=pks, responsible_org__isnull=False)
    sitting = HostUnitLink.objects.filter(unit__in=pks, ended_on__isnull=True)
    for rows in (
        responsible.values_list("pk", "responsible_org__path"),
        sitting.values_list("unit_id", "org__path"),
    ):
        for pk, path in rows:
            paths[pk].add(path)
    return {pk: tuple(sorted(found)) for pk, found in paths.items()}


def unit_codes(on):
    return {
        "total": Value("u"),
        "coverage": code_case(
            When(has_org=True, then=Value("u.org")),
            When(guided=True, then=Value("u.work")),
            default=Value("u.none"),
        ),
        "should_form": code_case(When(should_form=True, then=Value("u.should_form"))),
    }


def unit_changes(start, end):
    """Units whose coverage may differ: a link ended, a guide began or ended, a member
    working there left."""
    unit = OuterRef("pk")
    return (
        Exists(HostUnitLink.objects.filter(dated("ended_on", start, end), unit=unit))
        | Exists(
            UnitGuide.objects.filter(
                dated("started_on", start, end) | dated("ended_on", start, end), unit=unit
            )
        )
        | Exists(Member.objects.filter(dated("left_on", start, end), work_unit=unit))
    )


register(
    Source(
        HostUnit,
        org="responsible_org",
        counted=lambda on: Q(),
        codes=unit_codes,
        changes=unit_changes,
        paths=unit_paths,
        under=units_under,
        prepare=lambda rows, on: rows.with_coverage(on),
        at_own=True,
    )
)


# --- the clock -------------------------------------------------------------------------------


def clock(lock=False):
    """The tallies' date, or None if they were never built. `lock`: for a writer, a shared
    lock that `advance` waits for (and that waits for it), so that no row is counted on a
    date the clock has left. An advisory lock rather than a share lock on the clock's row:
    that would write the row's header (and WAL) for every writer of the city."""
    if lock:
        _advisory_lock(CLOCK_LOCK, shared=True)
    return TallyClock.objects.filter(pk=CLOCK).values_list("on", flat=True).first()


def qn(name):
    return connection.ops.quote_name(name)


# --- reading codes ---------------------------------------------------------------------------


def _named(source, on):
    return {f"tally_{family}": expr for family, expr in source.codes(on).items()}


def codes_of(source, queryset, on):
    """[((organisation paths), [codes])] of the rows of `queryset` that count on `on`."""
    named = _named(source, on)
    rows = source.prepare(queryset.filter(source.counted(on)), on).annotate(**named)
    if source.paths is None:
        found = rows.values_list(source.lookup("path"), *named)
        return [((path,), [code for code in codes if code]) for path, *codes in found]
    found = list(rows.values_list("pk", *named))
    paths = source.paths([pk for pk, *_ in found])
    return [(paths.get(pk, ()), [code for code in codes if code]) for pk, *codes in found]


def counts(source, queryset, on):
    """Counter of the codes of the rows of `queryset` that count on `on`: one GROUP BY."""
    named = _named(source, on)
    rows = (
        source.prepare(queryset.filter(source.counted(on)), on)
        .annotate(**named)
        .values(*named)
        .annotate(tally_n=Count("pk"))
        .values_list(*named, "tally_n")
    )
    total = Counter()
    for *codes, n in rows:
        for code in codes:
            if code:
                total[code] += n
    return total


def own_counts(orgs, on):
    """{organisation pk: Counter} of what each of `orgs` holds itself."""
    result = {org.pk: Counter() for org in orgs}
    by_path = {org.path: org.pk for org in orgs}
    for source in SOURCES.values():
        if source.at_own:
            continue  # in the tallies
        for paths, codes in codes_of(source, source.held_by(by_path), on):
            for path in paths:
                if path in by_path:
                    result[by_path[path]].update(codes)
    return result


def scan_counts(org, on):
    """Counter of `org`'s subtree on `on`, counted from the rows themselves."""
    total = Counter()
    for source in SOURCES.values():
        total.update(counts(source, source.within(org.path), on))
    return total


def subtree_counts(orgs, on):
    """{organisation pk: Counter of its subtree on `on`} from the tallies, in a fixed number
    of queries; None when they cannot say (never built, or `on` before their date): the
    caller scans (`scan_counts`)."""
    start = clock()
    if start is None or on < start:
        return None
    result = own_counts(orgs, on)
    for org_id, code, n in _kept([org.pk for org in orgs]):
        result[org_id][code] += n
    if on > start:
        for source, change in _shift(orgs, start, on):
            for (paths, code), n in change.items():
                for org_id in _tallied_in(source, paths) & result.keys():
                    result[org_id][code] += n
    return result


def _shift(orgs, start, end):
    """[(source, Counter {(paths, code): change})] of the rows below `orgs` (all rows when
    None) whose codes differ between `start` and `end`."""
    shifts = []
    for source in SOURCES.values():
        change = Counter()
        queryset = source.rows().filter(source.changes(start, end))
        if orgs is not None:
            below = source.rows().none()
            for org in orgs:
                below |= source.within(org.path)
            queryset = queryset.filter(pk__in=below.values("pk"))
        for day, sign in ((start, -1), (end, 1)):
            for paths, codes in codes_of(source, queryset, day):
                for code in codes:
                    change[(paths, code)] += sign
        shifts.append((source, change))
    return shifts


# --- writing ---------------------------------------------------------------------------------


def _tallied_in(source, paths):
    """The organisations whose tallies count a row of `source` at `paths`: those above any
    of them that are not one of them (those count it as their own), or with `at_own` those
    too."""
    ids = [[int(part) for part in path.strip("/").split("/")] for path in paths]
    above = {org_id for chain in ids for org_id in chain[:-1]}
    own = {chain[-1] for chain in ids}
    return above | own if source.at_own else above - own


def add(source, changes):
    """Add `changes` ({((organisation paths), code): change}) of rows of `source` to the
    tallies that count them: inserted as `TallyChange` rows, folded once committed."""
    rows = Counter()
    for (paths, code), change in changes.items():
        if change:
            for org_id in _tallied_in(source, paths):
                rows[(org_id, code)] += change
    found = [TallyChange(org_id=org_id, code=code, n=n) for (org_id, code), n in rows.items() if n]
    if found:
        TallyChange.objects.bulk_create(found, batch_size=BATCH)
        if not any(callback is fold for _, callback, _ in connection.run_on_commit):
            transaction.on_commit(fold, robust=True)


def _kept(org_ids=None):
    """(organisation id, code, n) of the tally rows and the changes not folded yet, of
    `org_ids` (None: all), in one statement: a fold committing in between cannot make a
    change count twice or not at all."""
    kept = Tally.objects.exclude(n=0)
    pending = TallyChange.objects.all()
    if org_ids is not None:
        kept, pending = kept.filter(org__in=org_ids), pending.filter(org__in=org_ids)
    fields = ("org_id", "code", "n")
    return kept.values_list(*fields).union(pending.values_list(*fields), all=True)


# Transaction-level advisory locks: the clock's (writers shared, the advance and the
# rebuild exclusive) and the fold's (one fold or rebuild at a time).
CLOCK_LOCK, FOLD_LOCK = 0x7A11C1, 0x7A11E5


def _upsert(table):
    return f" ON CONFLICT (org_id, code) DO UPDATE SET n = {table}.n + excluded.n"


def _advisory_lock(key, shared=False, wait=True):
    """Take the advisory lock `key` until the transaction ends; without `wait`, whether it
    was free. SQLite needs none: its one writer holds the whole database."""
    if connection.vendor != "postgresql":
        return True
    function = f"pg_{'' if wait else 'try_'}advisory_xact_lock{'_shared' if shared else ''}"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [key])
        return wait or cursor.fetchone()[0]


def fold():
    """Move the committed changes into the tally rows, in one short transaction that alone
    updates them. A fold already running is left to finish: what it did not see waits for
    the next one (readers count it meanwhile). Run after each commit that added changes."""
    table, changes = qn(Tally._meta.db_table), qn(TallyChange._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        if not _advisory_lock(FOLD_LOCK, wait=False):
            return
        cursor.execute(f"DELETE FROM {changes} RETURNING org_id, code, n")
        moved = Counter()
        for org_id, code, n in cursor.fetchall():
            moved[(org_id, code)] += n
        rows = sorted((key, n) for key, n in moved.items() if n)
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            cursor.execute(
                f"INSERT INTO {table} (org_id, code, n) VALUES "
                + ", ".join(["(%s, %s, %s)"] * len(batch))
                + _upsert(table),
                [value for (org_id, code), n in batch for value in (org_id, code, n)],
            )


def _difference(before, after):
    change = Counter()
    for rows, sign in ((before, -1), (after, 1)):
        for paths, codes in rows:
            for code in codes:
                change[(paths, code)] += sign
    return change


@contextmanager
def tracked(instance):
    """Around the save of a counted row: its codes before and after, the difference added
    to the tallies in the same transaction."""
    adding = instance._state.adding or instance.pk is None
    before = [] if adding else [instance.pk]
    with _recounted(type(instance), lambda: [instance.pk], before=before):
        yield


@contextmanager
def recounted(model, pks):
    """Around a save that may change the codes of other counted rows (a host unit's when
    an organisation sits in it, a guide is assigned or a member works there)."""
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        yield
        return
    with _recounted(model, lambda: pks, before=pks):
        yield


@contextmanager
def _recounted(model, after, before=()):
    source = SOURCES[model]
    with transaction.atomic(savepoint=False):
        on = clock(lock=True)
        if on is None:
            yield
            return
        rows_before = codes_of(source, source.rows().filter(pk__in=before), on) if before else []
        yield
        rows_after = codes_of(source, source.rows().filter(pk__in=after()), on)
        add(source, _difference(rows_before, rows_after))


def added(model, pks):
    """Count rows inserted in bulk (which bypasses `save`)."""
    source = SOURCES[model]
    on = clock(lock=True)
    if on is None:
        return
    pks = list(pks)
    for start in range(0, len(pks), BATCH):
        rows = source.rows().filter(pk__in=pks[start : start + BATCH])
        add(source, _difference([], codes_of(source, rows, on)))


@contextmanager
def moving(org, new_path):
    """Around the move of `org`'s subtree to `new_path`: every row held there counts under
    the new ancestors instead of the old."""
    on = clock(lock=True)
    if on is None or org.path == new_path:
        yield
        return
    before = [
        (source, list(source.within(org.path).values_list("pk", flat=True)))
        for source in SOURCES.values()
    ]
    old = [codes_of(source, source.rows().filter(pk__in=pks), on) for source, pks in before]
    yield
    for (source, pks), rows_before in zip(before, old, strict=True):
        moved = codes_of(source, source.rows().filter(pk__in=pks), on)
        add(source, _difference(rows_before, moved))


@transaction.atomic
def advance(to=None):
    """Move the clock to `to` (today): the rows whose codes changed since move their
    counts. Run nightly; idempotent."""
    to = to or timezone.localdate()
    _advisory_lock(CLOCK_LOCK)
    row = TallyClock.objects.filter(pk=CLOCK).first()
    if row is None or to <= row.on:
        return 0
    moved = 0
    for source, change in _shift(None, row.on, to):
        add(source, change)
        moved += sum(abs(n) for n in change.values())
    row.on = to
    row.save()
    return moved


@transaction.atomic
def rebuild(on=None):
    """Build every tally from the rows, as of `on` (today), in SQL: each source's codes
    grouped by the parent organisation, then each level added to the level above, deepest
    first; rows under several organisations (host units) are added one by one."""
    on = on or timezone.localdate()
    _advisory_lock(CLOCK_LOCK)
    _advisory_lock(FOLD_LOCK)  # a fold would add old changes to the new rows
    table = qn(Tally._meta.db_table)
    upsert = _upsert(table)
    with connection.cursor() as cursor:
        TallyChange.objects.all().delete()
        Tally.objects.all().delete()
        for source in SOURCES.values():
            if source.paths:
                continue  # added below, once the levels are summed
            parent = source.lookup("parent")
            for expr in source.codes(on).values():
                grouped = (
                    source.rows()
                    .filter(source.counted(on), **{f"{parent}__isnull": False})
                    .annotate(tally_org=F(parent), tally_code=expr)
                    .values("tally_org", "tally_code")
                    .annotate(tally_n=Count("pk"))
                )
                sql, params = grouped.query.sql_with_params()
                cursor.execute(
                    f"INSERT INTO {table} (org_id, code, n) SELECT tally_org, tally_code, "
                    f"tally_n FROM ({sql}) grouped WHERE tally_code IS NOT NULL" + upsert,
                    params,
                )
        deepest = Organization.objects.order_by("-depth").values_list("depth", flat=True)
        orgs = qn(Organization._meta.db_table)
        for depth in range(deepest.first() or 0, 0, -1):
            cursor.execute(
                f"INSERT INTO {table} (org_id, code, n) SELECT o.parent_id, t.code, SUM(t.n) "
                f"FROM {table} t JOIN {orgs} o ON o.id = t.org_id WHERE o.depth = %s "
                "GROUP BY o.parent_id, t.code" + upsert,
                [depth],
            )
    for source in SOURCES.values():
        if source.paths:
            rows = source.rows().values_list("pk", flat=True).order_by("pk")
            for start in range(0, rows.count(), BATCH * 10):
                chunk = source.rows().filter(pk__in=list(rows[start : start + BATCH * 10]))
                add(source, _difference([], codes_of(source, chunk, on)))
    TallyClock.objects.update_or_create(pk=CLOCK, defaults={"on": on})
    return Tally.objects.count()


def kept_rows():
    """{(organisation id, code): n} of every tally that counts something."""
    kept = Counter()
    for org_id, code, n in _kept():
        kept[(org_id, code)] += n
    return {key: n for key, n in kept.items() if n}
