import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from grassroots.standards import services
from grassroots.standards.choices import SetStatus
from grassroots.standards.loader import StandardDataError, load_standards, read_all
from grassroots.standards.models import Item, StandardSet

GOOD = """\
code: t-village
title: 村党组织示范建设基本标准
seed: "000"
source: 《测试方案》附件4
jurisdiction: 成都市
year: 2020
categories: [village]
truncated: false
note: ""
dimensions:
  - code: "1"
    title: 思想引领力强
    items:
      - code: "1.1"
        text: 全年不少于32学时。
        metric: study_hours_per_member
        comparator: ">="
        threshold: 32
      - code: "1.2"
        text: 无违纪违法行为。
        veto: true
"""


def write(directory, name, text):
    (directory / name).write_text(text, encoding="utf-8")


def history_rows():
    return sum(
        model.history.count() for model in (StandardSet, Item, StandardSet.dimensions.rel.model)
    )


@pytest.fixture
def data_dir(tmp_path):
    write(tmp_path, "t-village.yaml", GOOD)
    return tmp_path


@pytest.mark.django_db
def test_loads_as_published_and_again_changes_nothing(data_dir):
    report = load_standards(data_dir)
    assert report.created == ["t-village"]
    loaded = StandardSet.objects.get(code="t-village")
    assert (loaded.version, loaded.status, loaded.owner) == (1, SetStatus.PUBLISHED, None)
    assert loaded.published_at is not None
    items = list(Item.objects.filter(dimension__set=loaded).order_by("order"))
    assert [(i.code, i.metric, i.threshold, i.veto) for i in items] == [
        ("1.1", "study_hours_per_member", 32, False),
        ("1.2", None, None, True),
    ]
    rows = history_rows()

    again = load_standards(data_dir)
    assert (again.created, again.versioned, again.unchanged) == ([], [], ["t-village"])
    assert StandardSet.objects.count() == 1
    assert history_rows() == rows  # nothing written at all


@pytest.mark.django_db
def test_formatting_only_changes_are_not_a_new_version(data_dir):
    load_standards(data_dir)
    write(
        data_dir,
        "t-village.yaml",
        "# a comment\n" + GOOD.replace("threshold: 32", "threshold: 32.0"),
    )
    assert load_standards(data_dir).unchanged == ["t-village"]


@pytest.mark.django_db
def test_a_changed_file_becomes_the_next_version(data_dir):
    load_standards(data_dir)
    write(data_dir, "t-village.yaml", GOOD.replace("threshold: 32", "threshold: 40"))
    report = load_standards(data_dir)
    assert report.versioned == ["t-village v2"]
    first, second = StandardSet.objects.filter(code="t-village").order_by("version")
    assert second.status == SetStatus.PUBLISHED and second.based_on == first
    assert Item.objects.get(dimension__set=first, code="1.1").threshold == 32  # never changes
    assert Item.objects.get(dimension__set=second, code="1.1").threshold == 40
    assert load_standards(data_dir).unchanged == ["t-village"]


@pytest.mark.django_db
def test_a_superusers_later_version_is_not_undone_by_an_unchanged_file(data_dir, make_user):
    load_standards(data_dir)
    admin = make_user(is_superuser=True)
    draft = services.new_version(admin, StandardSet.objects.get(code="t-village"))
    services.publish_set(admin, draft)
    assert load_standards(data_dir).unchanged == ["t-village"]
    assert StandardSet.objects.filter(code="t-village").count() == 2


@pytest.mark.django_db
def test_a_changed_file_waits_for_an_open_draft(data_dir, make_user):
    load_standards(data_dir)
    services.new_version(make_user(is_superuser=True), StandardSet.objects.get(code="t-village"))
    write(data_dir, "t-village.yaml", GOOD.replace("threshold: 32", "threshold: 40"))
    with pytest.raises(StandardDataError, match="草稿"):
        load_standards(data_dir)


@pytest.mark.django_db
def test_a_code_taken_by_a_copy_in_the_system_is_refused(data_dir, make_set):
    make_set(code="t-village")  # made in the system, not from a file
    with pytest.raises(StandardDataError, match="t-village.yaml"):
        load_standards(data_dir)


BAD_CASES = [
    (
        "metric: study_hours_per_member",
        "metric: study_hours",
        "条目 1.1 · metric：未知的指标代码“study_hours”",
    ),
    ('comparator: ">="', 'comparator: "=>"', "条目 1.1 · comparator"),
    ("threshold: 32", "threshold: 三十二", "条目 1.1 · threshold"),
    ("        threshold: 32\n", "", "条目 1.1 · threshold：有指标的条目须填写标准值"),
    (
        "veto: true",
        "veto: true\n        threshold: 3",
        "条目 1.2 · threshold：没有指标的条目不填标准值",
    ),
    ("categories: [village]", "categories: [rural]", "categories：未知的领域代码：rural"),
    ("code: t-village", "code: t-town", "code：应与文件名相同"),
    ('code: "1.2"', 'code: "1.1"', "条目 1.1 · code：编号重复"),
    ("text: 无违纪违法行为。", "txt: 无违纪违法行为。", "条目 1.2 · txt：未知的项"),
    ("year: 2020", "year: 二〇二〇", "year："),
    ('seed: "000"', "seed: 000", "seed：应为加引号的字符串"),
    ('  - code: "1"', "  - code: 1", "第1个维度 · code"),
    ("dimensions:", "dimensions: []\nx:", "dimensions：至少要有一个维度"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("old", "new", "message"), BAD_CASES, ids=[c[2][:20] for c in BAD_CASES])
def test_bad_data_names_file_item_and_key(data_dir, old, new, message):
    assert old in GOOD
    write(data_dir, "t-village.yaml", GOOD.replace(old, new, 1))
    with pytest.raises(StandardDataError) as caught:
        load_standards(data_dir)
    assert any(p.startswith("t-village.yaml") and message in p for p in caught.value.problems), (
        caught.value.problems
    )
    assert not StandardSet.objects.exists()


@pytest.mark.django_db
def test_one_bad_file_loads_nothing_and_every_problem_is_listed(data_dir):
    write(data_dir, "t-bad.yaml", GOOD.replace("t-village", "t-bad").replace("[village]", "[x]"))
    write(data_dir, "t-broken.yaml", "code: [unclosed\n")
    with pytest.raises(StandardDataError) as caught:
        load_standards(data_dir)
    problems = caught.value.problems
    assert any(p.startswith("t-bad.yaml") for p in problems)
    assert any(p.startswith("t-broken.yaml") and "YAML" in p for p in problems)
    assert not StandardSet.objects.exists()


def test_read_all_of_an_empty_directory(tmp_path):
    assert read_all(tmp_path) == []


@pytest.mark.django_db
def test_command_reports_and_fails_clearly(data_dir):
    out = StringIO()
    call_command("load_standards", "--dir", str(data_dir), stdout=out)
    assert "新载入 1 套" in out.getvalue()
    call_command("load_standards", "--dir", str(data_dir), stdout=out)
    assert "未变 1 套" in out.getvalue()

    broken = data_dir / "broken"
    broken.mkdir()
    shutil.copy(data_dir / "t-village.yaml", broken / "t-village.yaml")
    write(broken, "t-village.yaml", GOOD.replace("study_hours_per_member", "hours"))
    with pytest.raises(CommandError, match=r"t-village.yaml · 条目 1.1 · metric"):
        call_command("load_standards", "--dir", str(broken), stdout=out)
