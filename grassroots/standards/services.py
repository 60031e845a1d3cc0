"""One function per state change of the standards library. Each checks who may make it and
whether the set is still a draft, applies it in a transaction and records the user in the
history (django-simple-history keeps before and after).

A published set never changes: `new_version` makes a draft of the next version, and
`copy_set` a draft of a new set adapted for another jurisdiction or year; `publish_set`
freezes a draft. Errors are `ValidationError({field: Chinese message})`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from grassroots.core.access import Scope, can
from grassroots.core.choices import Permission
from grassroots.core.history import save_by

from . import rules
from .choices import SetStatus
from .models import Dimension, Item, StandardSet

SET_FIELDS = ("title", "source", "jurisdiction", "year", "categories", "truncated", "note")
ITEM_FIELDS = ("code", "text", "metric", "comparator", "threshold", "veto")

NOT_ALLOWED = "您没有修改该标准的权限（须为其维护单位的管理员）"


def may_edit(user, standard_set):
    """Administrators (manage_users) of the owning organisation's subtree; sets from the data
    files have no owner and are changed through their file or by a superuser."""
    scope = Scope.of(user)
    if scope.is_unrestricted(Permission.MANAGE_USERS):
        return True
    owner = standard_set.owner
    return owner is not None and can(user, Permission.MANAGE_USERS, owner)


def may_copy(user):
    return Scope.of(user).has_any(Permission.MANAGE_USERS)


def _require_edit(user, standard_set):
    if not may_edit(user, standard_set):
        raise ValidationError({"owner": NOT_ALLOWED})


def _require_draft(user, standard_set):
    _require_edit(user, standard_set)
    if not standard_set.is_draft:
        raise ValidationError({"status": "已发布的标准不能修改，请先建立新版本草稿"})


def _delete_by(instance, user):
    instance._history_user = user
    instance.delete()


def _check(errors):
    if errors:
        raise ValidationError(errors)


def _check_set_fields(fields):
    errors = {}
    if "title" in fields and not str(fields["title"]).strip():
        errors["title"] = "请填写名称"
    if "year" in fields:
        errors.update(rules.year_errors(fields["year"]))
    if "categories" in fields:
        errors.update(rules.categories_errors(fields["categories"]))
    _check(errors)


def _copy_contents(source, target, user):
    dimensions = list(source.dimensions.prefetch_related("items"))
    for dimension in dimensions:
        copy = save_by(
            Dimension(
                set=target, code=dimension.code, title=dimension.title, order=dimension.order
            ),
            user,
        )
        for item in dimension.items.all():
            save_by(
                Item(
                    dimension=copy,
                    **{name: getattr(item, name) for name in ITEM_FIELDS},
                    order=item.order,
                ),
                user,
            )


def _copy_fields(source):
    return {name: getattr(source, name) for name in ("seed", *SET_FIELDS)}


@transaction.atomic
def copy_set(user, source, *, code, title, jurisdiction, year, owner, note=""):
    """A new set (new code, version 1, draft) with the source's dimensions and items, to be
    adapted for `jurisdiction` and `year` and maintained by the administrators of `owner`."""
    if owner is None:
        if not Scope.of(user).is_unrestricted(Permission.MANAGE_USERS):
            raise ValidationError({"owner": "请选择维护单位"})
    elif not can(user, Permission.MANAGE_USERS, owner):
        raise ValidationError({"owner": "您不是该单位的管理员"})
    if source.is_draft:
        raise ValidationError({"based_on": "只能复制已发布的标准"})
    errors = rules.set_code_errors(code)
    if not errors and StandardSet.objects.filter(code=code).exists():
        errors["code"] = f"代码 {code} 已被使用"
    _check(errors)
    fields = {**_copy_fields(source), "title": title, "jurisdiction": jurisdiction, "year": year}
    fields["note"] = note
    _check_set_fields(fields)
    copy = StandardSet(
        code=code, version=1, status=SetStatus.DRAFT, based_on=source, owner=owner, **fields
    )
    copy.full_clean(exclude=["based_on", "owner"])
    save_by(copy, user)
    _copy_contents(source, copy, user)
    return copy


@transaction.atomic
def new_version(user, published):
    """A draft of the next version of a published set, to be edited and then published."""
    _require_edit(user, published)
    published = StandardSet.objects.select_for_update().get(pk=published.pk)
    if published.is_draft:
        raise ValidationError({"status": "草稿可直接修改"})
    versions = StandardSet.objects.filter(code=published.code)
    draft = versions.filter(status=SetStatus.DRAFT).first()
    if draft is not None:
        raise ValidationError({"status": f"该标准已有草稿（第{draft.version}版），请在草稿上修改"})
    if versions.filter(version__gt=published.version).exists():
        raise ValidationError({"version": "只能在最新版本上建立新版本"})
    draft = StandardSet(
        code=published.code,
        version=published.version + 1,
        status=SetStatus.DRAFT,
        based_on=published,
        owner=published.owner,
        **_copy_fields(published),
    )
    save_by(draft, user)
    _copy_contents(published, draft, user)
    return draft


@transaction.atomic
def update_set(user, draft, **fields):
    _require_draft(user, draft)
    unknown = set(fields) - set(SET_FIELDS)
    if unknown:
        raise ValueError(f"not a set field: {unknown}")
    _check_set_fields(fields)
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.full_clean(exclude=["based_on", "owner"])
    return save_by(draft, user)


def _check_dimension(draft, code, title, exclude_pk=None):
    errors = {}
    if not code or not str(code).strip():
        errors["code"] = "请填写编号"
    elif draft.dimensions.filter(code=code).exclude(pk=exclude_pk).exists():
        errors["code"] = f"本标准已有编号为 {code} 的维度"
    if not title or not str(title).strip():
        errors["title"] = "请填写名称"
    _check(errors)


@transaction.atomic
def add_dimension(user, draft, *, code, title):
    _require_draft(user, draft)
    _check_dimension(draft, code, title)
    order = (draft.dimensions.aggregate(last=Max("order"))["last"] or 0) + 1
    return save_by(Dimension(set=draft, code=code, title=title, order=order), user)


@transaction.atomic
def update_dimension(user, dimension, *, code, title):
    _require_draft(user, dimension.set)
    _check_dimension(dimension.set, code, title, dimension.pk)
    dimension.code, dimension.title = code, title
    return save_by(dimension, user)


@transaction.atomic
def remove_dimension(user, dimension):
    _require_draft(user, dimension.set)
    if dimension.items.exists():
        raise ValidationError({"code": "请先删除该维度下的条目"})
    _delete_by(dimension, user)


def _check_item(draft, fields, exclude_pk=None):
    errors = rules.item_errors(
        fields.get("text"), fields.get("metric"), fields.get("comparator"), fields.get("threshold")
    )
    code = fields.get("code")
    if not code or not str(code).strip():
        errors["code"] = "请填写编号"
    elif Item.objects.filter(dimension__set=draft, code=code).exclude(pk=exclude_pk).exists():
        errors["code"] = f"本标准已有编号为 {code} 的条目"
    _check(errors)


def _blank_to_none(fields):
    """An item without a metric keeps no comparator or threshold (None, not "")."""
    fields = dict(fields)
    for name in ("metric", "comparator", "threshold"):
        if fields.get(name) == "":
            fields[name] = None
    fields["veto"] = bool(fields.get("veto"))
    return fields


def _checked_item(draft, fields, exclude_pk=None):
    fields = _blank_to_none(fields)
    _check_item(draft, fields, exclude_pk)
    if fields["threshold"] is not None:
        fields["threshold"] = rules.as_threshold(fields["threshold"])
    return fields


@transaction.atomic
def add_item(user, dimension, **fields):
    draft = dimension.set
    _require_draft(user, draft)
    fields = _checked_item(draft, {name: fields.get(name) for name in ITEM_FIELDS})
    order = (dimension.items.aggregate(last=Max("order"))["last"] or 0) + 1
    return save_by(Item(dimension=dimension, order=order, **fields), user)


@transaction.atomic
def update_item(user, item, **fields):
    draft = item.dimension.set
    _require_draft(user, draft)
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"not an item field: {unknown}")
    merged = {name: fields.get(name, getattr(item, name)) for name in ITEM_FIELDS}
    merged = _checked_item(draft, merged, exclude_pk=item.pk)
    for name, value in merged.items():
        setattr(item, name, value)
    return save_by(item, user)


@transaction.atomic
def remove_item(user, item):
    _require_draft(user, item.dimension.set)
    _delete_by(item, user)


@transaction.atomic
def publish_set(user, draft):
    """Freeze a draft: from now on it never changes and is what users and assessments see."""
    _require_draft(user, draft)
    items = list(Item.objects.filter(dimension__set=draft))
    if not items:
        raise ValidationError({"status": "标准没有任何条目，不能发布"})
    for item in items:
        errors = rules.item_errors(item.text, item.metric, item.comparator, item.threshold)
        if errors:
            raise ValidationError({"status": f"条目 {item.code}：{'；'.join(errors.values())}"})
    draft.status = SetStatus.PUBLISHED
    draft.published_at = timezone.now()
    return save_by(draft, user)


@transaction.atomic
def discard_draft(user, draft):
    """Delete a draft that will not be published (its history stays)."""
    _require_draft(user, draft)
    for dimension in draft.dimensions.prefetch_related("items"):
        for item in dimension.items.all():
            _delete_by(item, user)
        _delete_by(dimension, user)
    _delete_by(draft, user)
