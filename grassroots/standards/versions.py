"""What changed from one version of a standard set to another (or from the set a copy was
based on): pure comparison of two sets' contents, item by item through their codes."""

from dataclasses import dataclass, field

from grassroots.orgs.choices import Category

SET_FIELDS = (
    ("title", "名称"),
    ("source", "出处"),
    ("jurisdiction", "适用地区"),
    ("year", "年度"),
    ("categories", "适用领域"),
    ("truncated", "原文不完整"),
    ("note", "说明"),
)
ITEM_FIELDS = (
    ("dimension", "维度"),
    ("text", "条目原文"),
    ("requirement", "指标要求"),
    ("veto", "一票否决"),
)


@dataclass
class ItemChange:
    kind: str  # 新增 / 删除 / 修改
    code: str
    text: str
    changes: list = field(default_factory=list)  # [(label, before, after)]


@dataclass
class VersionDiff:
    set_changes: list  # [(label, before, after)]
    items: list  # [ItemChange]

    def __bool__(self):
        return bool(self.set_changes or self.items)


def _shown(value):
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        labels = dict(Category.choices)
        return "、".join(str(labels.get(v, v)) for v in value)
    return "" if value is None else str(value)


def set_snapshot(standard_set):
    """Plain values of a set (dimensions and items prefetched) for `compare`."""
    items = {}
    for dimension in standard_set.dimensions.all():
        for item in dimension.items.all():
            items[item.code] = {
                "dimension": dimension.title,
                "text": item.text,
                "requirement": item.requirement or "需佐证材料",
                "veto": item.veto,
            }
    return {
        "fields": {name: getattr(standard_set, name) for name, _ in SET_FIELDS},
        "items": items,
    }


def compare(old, new):
    """The differences from snapshot `old` to snapshot `new`, items in `new`'s order with
    removed ones last."""
    set_changes = [
        (label, _shown(old["fields"][name]), _shown(new["fields"][name]))
        for name, label in SET_FIELDS
        if old["fields"][name] != new["fields"][name]
    ]
    changes = []
    for code, item in new["items"].items():
        before = old["items"].get(code)
        if before is None:
            changes.append(ItemChange("新增", code, item["text"]))
            continue
        differences = [
            (label, _shown(before[name]), _shown(item[name]))
            for name, label in ITEM_FIELDS
            if before[name] != item[name]
        ]
        if differences:
            changes.append(ItemChange("修改", code, item["text"], differences))
    changes.extend(
        ItemChange("删除", code, item["text"])
        for code, item in old["items"].items()
        if code not in new["items"]
    )
    return VersionDiff(set_changes, changes)


def operations(entries):
    """A version's history entries (core.history) as one line each: who created, edited and
    published it. The content itself is shown by `compare`, not field by field here."""
    lines = []
    for entry in entries:
        labels = [label for label, _, _ in entry.changes]
        if entry.action == "新建":
            what = "建立草稿" if ("状态", "", "草稿") in entry.changes else "载入并发布"
        elif ("状态", "草稿", "已发布") in entry.changes:
            what = "发布"
        elif entry.action == "修改":
            what = "修改" + "、".join(label for label in labels if label != "发布时间")
        else:
            what = entry.action
        lines.append({"at": entry.at, "user": entry.user, "what": what})
    return lines
