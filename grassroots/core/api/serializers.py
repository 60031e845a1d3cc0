"""Serializers every app's API shares."""

from rest_framework import serializers


# One entry of `core.history.history_entries` (no docstring: it would become the schema's
# description of the component).
class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.CharField()
    action = serializers.CharField()
    changes = serializers.SerializerMethodField()

    def get_changes(self, entry) -> list[dict]:
        return [{"field": f, "before": b, "after": a} for f, b, a in entry.changes]
