"""Meetings in the subtree tallies (`orgs.tallies`): held meetings by type and month, for
the statistics' meetings per type per month."""

from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat, ExtractMonth, ExtractYear

from grassroots.orgs.tallies import Source, dated, register

from .models import Meeting


def meeting_codes(on):
    return {
        "month": Concat(
            Value("mt:"),
            "type",
            Value(":"),
            Cast(ExtractYear("date"), CharField()),
            Value("-"),
            Cast(ExtractMonth("date"), CharField()),
            output_field=CharField(),
        )
    }


def meeting_code(type, year, month):
    return f"mt:{type}:{year}-{month}"


register(
    Source(
        Meeting,
        org="org",
        counted=lambda on: Q(cancelled_at__isnull=True, date__lte=on),
        codes=meeting_codes,
        changes=lambda start, end: dated("date", start, end),
    )
)
