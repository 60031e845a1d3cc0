"""Inserting many new rows: each with its "+" history record attributed to one user
(`create_with_history`), or derived rows skipping those already there
(`insert_ignoring_conflicts`).

On PostgreSQL the rows go in with COPY: the primary keys are drawn from the table's sequence
first so that the history rows can name them, and the history rows hold what
simple_history's `bulk_history_create` puts there (the tracked fields, the date, the user,
the change reason). A 100,000-row import spends most of its time otherwise in Django's
per-value preparation of INSERT parameters. Elsewhere (SQLite) simple_history's
`bulk_create_with_history` does the same. The models written here have plain column types
(text, dates, booleans, integers, foreign keys), which psycopg adapts as they are.
"""

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

from grassroots.core.signals import bulk_written

BATCH = 2000
IDS_PER_STATEMENT = 2000  # ids in one IN (…), well under SQLite's parameter limit


def id_batches(ids):
    """`ids` (a list) in slices of IDS_PER_STATEMENT, in their order: one statement each."""
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        yield ids[start : start + IDS_PER_STATEMENT]


def create_with_history(model, objects, user, reason):
    """Insert `objects` (new instances of `model`), set their primary keys, and record a
    creation in their history by `user` with `reason`."""
    if not objects:
        return objects
    if connection.vendor == "postgresql":
        _copy_with_history(model, objects, user, reason)
    else:
        for start in range(0, len(objects), BATCH):
            bulk_create_with_history(
                objects[start : start + BATCH],
                model,
                batch_size=BATCH,
                default_user=user,
                default_change_reason=reason,
            )
    bulk_written.send(sender=model, objects=objects)
    return objects


def _copy_with_history(model, objects, user, reason):
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    fields = meta.concrete_fields
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for instance, pk in zip(objects, ids, strict=True):
        instance.pk = pk
        for field in stamped:
            field.pre_save(instance, add=True)  # created_at / updated_at, as an INSERT sets them
        instance._state.adding = False
        instance._state.db = connection.alias
    copy_rows(meta.db_table, fields, ([getattr(o, f.attname) for f in fields] for o in objects))

    history = get_history_model_for_model(model)
    bookkeeping = {
        "history_date": timezone.now(),
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": user.pk if user else None,  # None: loaded by a command
    }
    # The history table's own key (history_id) is left to its sequence; every other column
    # is either bookkeeping or a tracked field of the same attribute name.
    history_fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in history_fields]
    copy_rows(
        history._meta.db_table,
        history_fields,
        ([bookkeeping[n] if n in bookkeeping else getattr(o, n) for n in names] for o in objects),
    )


def copy_rows(table, fields, rows):
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    statement = f"COPY {quote(table)} ({columns}) FROM STDIN"
    # Django's cursor wrapper has no COPY; psycopg's own cursor (`.cursor`) does, and
    # wrap_database_errors turns its errors into Django's (IntegrityError…).
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def insert_ignoring_conflicts(model, objects):
    """Insert `objects` (new instances of `model`, without history: derived rows), skipping
    those whose unique key is taken. On PostgreSQL by COPY into a temporary table and one
    INSERT … SELECT … ON CONFLICT DO NOTHING, in the caller's transaction."""
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=BATCH, ignore_conflicts=True)
        return
    meta = model._meta
    quote = connection.ops.quote_name
    table, staged = quote(meta.db_table), quote(f"staged_{meta.db_table}")
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staged} ON COMMIT DROP AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
    copy_rows(
        f"staged_{meta.db_table}",
        fields,
        ([f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields] for o in objects),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staged} ON CONFLICT DO NOTHING"
        )
        cursor.execute(f"DROP TABLE {staged}")
