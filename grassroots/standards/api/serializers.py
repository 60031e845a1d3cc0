from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..metrics import as_decimal
from ..models import Dimension, Item, StandardSet


@extend_schema_field({"type": "number", "nullable": True})
class NumberField(serializers.Field):
    """A threshold as a JSON number: 32, 200000, 31.5 (not the string "32.00")."""

    def to_representation(self, value):
        number = as_decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)


class StandardSetListSerializer(serializers.ModelSerializer):
    items_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = StandardSet
        fields = ["code", "title", "source", "year", "categories", "items_count", "version"]


class ItemSerializer(serializers.ModelSerializer):
    threshold = NumberField(allow_null=True)
    requirement = serializers.CharField(read_only=True, help_text="指标要求的中文表述")

    class Meta:
        model = Item
        fields = ["code", "text", "metric", "comparator", "threshold", "veto", "requirement"]


class DimensionSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = Dimension
        fields = ["code", "title", "items"]


class StandardSetSerializer(serializers.ModelSerializer):
    dimensions = DimensionSerializer(many=True, read_only=True)
    based_on = serializers.SerializerMethodField(help_text="复制或修订所依据的版本")

    class Meta:
        model = StandardSet
        fields = [
            "code",
            "version",
            "status",
            "title",
            "source",
            "seed",
            "jurisdiction",
            "year",
            "categories",
            "truncated",
            "note",
            "published_at",
            "based_on",
            "dimensions",
        ]

    def get_based_on(self, obj) -> dict | None:
        source = obj.based_on
        return {"code": source.code, "version": source.version} if source else None
