"""Standard sets from the repository's data files (`data/<code>.yaml`, schema in
grassroots/standards/data/README.md) into the database as published sets.

Every file is read and checked first; if any is wrong nothing is loaded and every problem
is reported with its file and item. A file whose content is what was last loaded from it
changes nothing; a changed file becomes the next published version of its set.
"""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from . import rules
from .choices import SetStatus
from .models import Dimension, Item, StandardSet

DATA_DIR = Path(__file__).resolve().parent / "data"

SET_FIELDS = ("code", "title", "seed", "source", "jurisdiction", "year", "categories")
SET_KEYS = (*SET_FIELDS, "truncated", "note", "dimensions")
DIMENSION_KEYS = ("code", "title", "items")
ITEM_KEYS = ("code", "text", "metric", "comparator", "threshold", "veto")
CENTS = Decimal("0.01")


class StandardDataError(Exception):
    """Problems found in the data files, one line each naming file and item."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadReport:
    created: list = field(default_factory=list)  # codes loaded for the first time
    versioned: list = field(default_factory=list)  # "code v2": a changed file
    unchanged: list = field(default_factory=list)


def _text(value):
    return isinstance(value, str) and bool(value.strip())


class _FileChecker:
    """Checks one parsed file and collects its problems as '<file> · <where> · <key>：…'."""

    def __init__(self, path):
        self.name = path.name
        self.problems = []

    def problem(self, where, key, message):
        place = " · ".join(part for part in (self.name, where) if part)
        self.problems.append(f"{place} · {key}：{message}" if key else f"{place}：{message}")

    def unknown_keys(self, where, mapping, allowed):
        """Misspelt keys (`txt:`) would otherwise be silently ignored; missing ones are
        reported by the check of each value."""
        for key in mapping:
            if key not in allowed:
                self.problem(where, key, "未知的项 (unknown key)")

    def code(self, where, value):
        if not _text(value):
            self.problem(where, "code", '应为加引号的编号字符串，如 "1.2" (quoted string)')
            return None
        return value

    def item(self, where, raw):
        if not isinstance(raw, dict):
            self.problem(where, "", "条目应为映射 (mapping)")
            return None
        code = self.code(where, raw.get("code"))
        where = f"条目 {code}" if code else where
        self.unknown_keys(where, raw, ITEM_KEYS)
        for key, message in rules.item_errors(
            raw.get("text"), raw.get("metric"), raw.get("comparator"), raw.get("threshold")
        ).items():
            self.problem(where, key, message)
        if not isinstance(raw.get("veto", False), bool):
            self.problem(where, "veto", "应为 true 或 false")
        threshold = rules.as_threshold(raw["threshold"]) if "threshold" in raw else None
        return {
            "code": code,
            "text": raw.get("text"),
            "metric": raw.get("metric") or None,
            "comparator": raw.get("comparator") or None,
            # "32", "32.0" and 32 are one threshold: one canonical text for the digest
            "threshold": str(threshold.quantize(CENTS)) if threshold is not None else None,
            "veto": raw.get("veto") is True,
        }

    def dimension(self, where, raw, item_codes):
        if not isinstance(raw, dict):
            self.problem(where, "", "维度应为映射 (mapping)")
            return None
        code = self.code(where, raw.get("code"))
        where = f"维度 {code}" if code else where
        self.unknown_keys(where, raw, DIMENSION_KEYS)
        if not _text(raw.get("title")):
            self.problem(where, "title", "请填写维度名称")
        items = raw.get("items")
        if not isinstance(items, list) or not items:
            self.problem(where, "items", "维度下至少要有一个条目")
            items = []
        checked = []
        for number, raw_item in enumerate(items, 1):
            item = self.item(f"{where} 第{number}个条目", raw_item)
            if item is None:
                continue
            if item["code"] in item_codes:
                self.problem(f"条目 {item['code']}", "code", "编号重复 (duplicate)")
            item_codes.add(item["code"])
            checked.append(item)
        return {"code": code, "title": raw.get("title"), "items": checked}

    def standard_set(self, raw, stem):
        if not isinstance(raw, dict):
            self.problem("", "", "文件内容应为一个映射 (a YAML mapping)")
            return None
        self.unknown_keys("", raw, SET_KEYS)
        for key, message in rules.set_code_errors(raw.get("code")).items():
            self.problem("", key, message)
        if raw.get("code") != stem:
            self.problem("", "code", f"应与文件名相同：{stem}")
        for key in ("title", "source"):
            if not _text(raw.get(key)):
                self.problem("", key, "请填写")
        for key, value in (
            ("seed", raw.get("seed")),
            ("jurisdiction", raw.get("jurisdiction")),
            ("note", raw.get("note", "")),
        ):
            if not isinstance(value, str):
                self.problem("", key, "应为加引号的字符串 (quoted string)")
        for key, message in {
            **rules.year_errors(raw.get("year")),
            **rules.categories_errors(raw.get("categories")),
        }.items():
            self.problem("", key, message)
        if not isinstance(raw.get("truncated", False), bool):
            self.problem("", "truncated", "应为 true 或 false")
        dimensions = raw.get("dimensions")
        if not isinstance(dimensions, list) or not dimensions:
            self.problem("", "dimensions", "至少要有一个维度")
            dimensions = []
        dimension_codes, item_codes, checked = set(), set(), []
        for number, raw_dimension in enumerate(dimensions, 1):
            dimension = self.dimension(f"第{number}个维度", raw_dimension, item_codes)
            if dimension is None:
                continue
            if dimension["code"] in dimension_codes:
                self.problem(f"维度 {dimension['code']}", "code", "编号重复 (duplicate)")
            dimension_codes.add(dimension["code"])
            checked.append(dimension)
        return {
            **{key: raw.get(key) for key in SET_FIELDS},
            "truncated": raw.get("truncated") is True,
            "note": raw.get("note") or "",
            "dimensions": checked,
        }


def read_file(path):
    """(content, problems) of one data file; content is plain JSON-able data."""
    checker = _FileChecker(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return None, [f"{path.name}：不是有效的 YAML 文件 (invalid YAML): {exc}"]
    content = checker.standard_set(raw, path.stem)
    return content, checker.problems


def digest(content):
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_all(data_dir=DATA_DIR):
    """Every data file's content, or StandardDataError listing every problem of every file."""
    contents, problems = [], []
    for path in sorted(Path(data_dir).glob("*.yaml")):
        content, file_problems = read_file(path)
        problems.extend(file_problems)
        contents.append(content)
    if problems:
        raise StandardDataError(problems)
    return contents


def _create(content, version, based_on, content_digest):
    standard_set = StandardSet.objects.create(
        code=content["code"],
        version=version,
        title=content["title"],
        source=content["source"],
        seed=content["seed"],
        jurisdiction=content["jurisdiction"],
        year=content["year"],
        categories=content["categories"],
        truncated=content["truncated"],
        note=content["note"],
        status=SetStatus.PUBLISHED,
        based_on=based_on,
        data_digest=content_digest,
        published_at=timezone.now(),
    )
    for dimension_order, raw_dimension in enumerate(content["dimensions"], 1):
        dimension = Dimension.objects.create(
            set=standard_set,
            code=raw_dimension["code"],
            title=raw_dimension["title"],
            order=dimension_order,
        )
        for item_order, raw_item in enumerate(raw_dimension["items"], 1):
            Item.objects.create(dimension=dimension, order=item_order, **raw_item)
    return standard_set


def _load_one(content, report):
    code = content["code"]
    content_digest = digest(content)
    versions = list(StandardSet.objects.filter(code=code).order_by("-version"))
    if not versions:
        _create(content, 1, None, content_digest)
        report.created.append(code)
        return None
    from_files = [v for v in versions if v.data_digest]
    if not from_files:
        return f"{code}.yaml：代码 {code} 已被系统内新建的标准使用，请给文件换一个代码"
    if from_files[0].data_digest == content_digest:
        report.unchanged.append(code)
        return None
    if any(v.is_draft for v in versions):
        return (
            f"{code}.yaml：文件已修改，但该标准有未发布的草稿（第{versions[0].version}版），"
            "请先发布或删除草稿再载入"
        )
    latest = next(v for v in versions if v.status == SetStatus.PUBLISHED)
    created = _create(content, versions[0].version + 1, latest, content_digest)
    report.versioned.append(f"{code} v{created.version}")
    return None


@transaction.atomic
def load_standards(data_dir=DATA_DIR):
    """Load every data file as a published set; all or nothing."""
    contents = read_all(data_dir)
    report = LoadReport()
    problems = [p for p in (_load_one(content, report) for content in contents) if p]
    if problems:
        raise StandardDataError(problems)
    return report
