"""Checks of standard data as pure functions over plain values, shared by the data-file
loader, the services behind the admin pages and their forms. Each returns
{field: Chinese message}; empty means valid."""

import re
from decimal import Decimal, InvalidOperation

from grassroots.orgs.choices import Category

from .choices import Comparator
from .metrics import METRICS

CODE_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
THRESHOLD_MAX = Decimal("999999999999.99")  # the model's 14 digits, 2 after the point


def set_code_errors(code) -> dict:
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        return {"code": "代码只能由小写英文字母、数字和连字符组成，如 s000-village"}
    if len(code) > 60:
        return {"code": "代码不能超过60个字符"}
    return {}


def categories_errors(categories) -> dict:
    if not isinstance(categories, list) or not categories:
        return {"categories": "请至少选择一个适用领域"}
    unknown = [c for c in categories if c not in Category.values]
    if unknown:
        return {"categories": f"未知的领域代码：{'、'.join(map(str, unknown))}"}
    if len(set(categories)) != len(categories):
        return {"categories": "适用领域有重复"}
    return {}


def year_errors(year) -> dict:
    if isinstance(year, bool) or not isinstance(year, int) or not 1949 <= year <= 2100:
        return {"year": "年度应为1949至2100之间的整数"}
    return {}


def as_threshold(value):
    """The threshold as a Decimal, or None when it is not a number the model can hold."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    try:
        number = Decimal(repr(value) if isinstance(value, float) else value)
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) > THRESHOLD_MAX:
        return None
    if number != number.quantize(Decimal("0.01")):
        return None
    return number


def item_errors(text, metric, comparator, threshold) -> dict:
    """An item states a number (metric, comparator and threshold together) or is attested
    with evidence (none of the three)."""
    errors = {}
    if not isinstance(text, str) or not text.strip():
        errors["text"] = "请填写条目原文"
    if metric:
        if metric not in METRICS:
            errors["metric"] = f"未知的指标代码“{metric}”"
        if comparator not in Comparator.values:
            errors["comparator"] = "请选择比较方式（>=、>、<=、<、==）"
        if threshold is None or threshold == "":
            errors["threshold"] = "有指标的条目须填写标准值"
        elif as_threshold(threshold) is None:
            errors["threshold"] = "标准值应为数字，最多两位小数"
    else:
        if comparator:
            errors["comparator"] = "没有指标的条目不填比较方式"
        if threshold is not None and threshold != "":
            errors["threshold"] = "没有指标的条目不填标准值"
    return errors
