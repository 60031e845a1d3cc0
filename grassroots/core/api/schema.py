"""The OpenAPI schema keeps the API's word: every operation lists the error answers it can
give with their bodies, related ids and filter numbers carry their bounds, and read-only
choices stored blank or null say so."""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent, get_view_model
from rest_framework import serializers

from .filters import BoundedFilterBackend, filter_range
from .numbers import ID_MAX

DETAIL = ResolvedComponent(
    name="ErrorDetail",
    type=ResolvedComponent.SCHEMA,
    object="ErrorDetail",
    schema={
        "type": "object",
        "description": "请求未被处理的原因",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
)
INVALID = ResolvedComponent(
    name="ValidationErrors",
    type=ResolvedComponent.SCHEMA,
    object="ValidationErrors",
    schema={
        "type": "object",
        "description": (
            "输入有误，未做任何改动：字段名（或查询参数名）→ 错误信息列表；嵌套字段按其结构给出；"
            "与单个字段无关的错误在 non_field_errors 中；无法读取的请求体在 detail 中"
        ),
        "properties": {
            "detail": {"type": "string"},
            "non_field_errors": {"type": "array", "items": {"type": "string"}},
        },
        "additionalProperties": {
            "anyOf": [{"type": "array"}, {"type": "object"}, {"type": "string"}]
        },
    },
)

# code: (description, body component)
ERRORS = {
    "400": ("输入有误（见各字段的错误信息）", INVALID),
    "401": ("未登录或令牌无效、已过期", DETAIL),
    "403": ("没有权限办理", DETAIL),
    "404": ("对象不存在或不在您的管辖范围内，或页码超出范围", DETAIL),
    "409": ("与他人同时进行的修改冲突，请刷新后重试", DETAIL),
    "413": ("请求体过大", DETAIL),
    "415": ("不支持的请求体格式", DETAIL),
    "429": ("请求过于频繁，请稍后再试", DETAIL),
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def error_codes(method, operation):
    """The error answers an operation can give, from what it takes and who may call it."""
    parameters = operation.get("parameters", [])
    query = {p["name"] for p in parameters if p["in"] == "query"}
    codes = {"429"}
    if method in WRITES or query:
        codes.add("400")
    security = operation.get("security")
    if security and {} not in security:
        codes |= {"401", "403"}
    if "page" in query or any(p["in"] == "path" for p in parameters):
        codes.add("404")
    if method in WRITES:
        codes |= {"409", "413"}
    if "requestBody" in operation:
        codes.add("415")
    return codes


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        self._bound_filter_parameters(operation)
        responses = operation["responses"]
        for code in error_codes(self.method, operation):
            description, component = ERRORS[code]
            self.registry.register_on_missing(component)
            response = responses.setdefault(code, {"description": description})
            response.setdefault("content", {"application/json": {"schema": component.ref}})
        return operation

    def _bound_filter_parameters(self, operation):
        """State each integer filter's bounds (the ones BoundedFilterBackend keeps)."""
        backends = [b for b in self.get_filter_backends() if issubclass(b, BoundedFilterBackend)]
        model = get_view_model(self.view) if backends else None
        if model is None:
            return
        filterset = backends[0]().get_filterset_class(self.view, model._default_manager.none())
        if filterset is None:
            return
        for parameter in operation.get("parameters", []):
            filter_ = filterset.base_filters.get(parameter["name"])
            found = filter_range(filter_, model) if parameter["in"] == "query" and filter_ else None
            if found:
                schema = parameter["schema"]
                schema = schema["items"] if schema.get("type") == "array" else schema
                schema.update(type="integer", minimum=found[0], maximum=found[1])

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if field.read_only and isinstance(field, serializers.ChoiceField):
            model_field = _model_field(field)
            if model_field is not None:
                # Read-only fields built from a model do not inherit its blank/null.
                field.allow_blank = field.allow_blank or model_field.blank
                field.allow_null = field.allow_null or model_field.null
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        related = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
        if isinstance(related, serializers.PrimaryKeyRelatedField) and not related.read_only:
            items = schema.get("items", schema) if schema.get("type") == "array" else schema
            if items.get("type") == "integer":
                items.update(minimum=1, maximum=ID_MAX)
        return schema


def _model_field(field):
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or "." in field.source:
        return None
    try:
        return model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None


def file_responses(limits):
    """The 200 answers of a stored file's download: one per content type the upload limits
    (`core.uploads.FileLimits`) accept, as the file is served with its own type."""
    from drf_spectacular.types import OpenApiTypes

    return {(200, content_type): OpenApiTypes.BINARY for content_type in limits.types.values()}
