"""The data files: every item verbatim from its seed, every file valid and loadable, and the
transcriptions of seeds 000 and 001 complete (nothing of the seed's item text left out)."""

import re
from pathlib import Path

import pytest
import yaml

from grassroots.standards.choices import SetStatus
from grassroots.standards.loader import DATA_DIR, load_standards, read_all
from grassroots.standards.models import Item, StandardSet

SEEDS = Path(__file__).resolve().parent.parent / "sources"
FILES = sorted(DATA_DIR.glob("*.yaml"))

# Items and measurable items per set transcribed from seeds 000 and 001. A clause of a seed
# item that states its own number or a veto is an item of its own ("2.2.3").
EXPECTED = {
    "s000-community": (24, 9, 2),  # (items, with a metric, veto)
    "s000-village": (24, 9, 2),
    "s000-organ": (24, 11, 1),
    "s000-soe": (19, 3, 2),
    "s000-school": (20, 2, 2),
    "s000-private-enterprise": (16, 2, 2),
    "s000-social-org": (12, 0, 0),
    "s001-organ": (18, 4, 0),
    "s001-village": (39, 14, 2),
    "s001-community": (16, 0, 0),
    "s002-jilin-social-org-base": (20, 2, 1),
    "s003-jintan-standardisation-targets": (6, 0, 0),
    "s004-qinghai-private-enterprise-demo": (24, 0, 4),
    "s004-qinghai-social-org-demo": (24, 0, 0),
    "s004-qinghai-sci-tech-society-demo": (19, 0, 0),
    "s004-qinghai-functional-branch": (44, 6, 0),
    "s004-qinghai-six-haves": (6, 0, 0),
}


def squeeze(text):
    return re.sub(r"\s+", "", text)


def seed_text(seed):
    found = sorted(SEEDS.glob(f"{seed}_*.txt"))
    assert found, f"seed {seed} not found under {SEEDS}"
    return squeeze(found[0].read_text(encoding="utf-8"))


def raw(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def items_of(content):
    return [item for dimension in content["dimensions"] for item in dimension["items"]]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_item_is_verbatim_in_its_seed(path):
    content = raw(path)
    seed = seed_text(content["seed"])
    missing = [item["code"] for item in items_of(content) if squeeze(item["text"]) not in seed]
    assert not missing, f"{path.name}: items not found verbatim in seed {content['seed']}"


def test_every_file_is_valid():
    assert len(read_all()) == len(FILES)  # raises StandardDataError naming each problem


@pytest.mark.parametrize("code", EXPECTED)
def test_transcribed_counts(code):
    items = items_of(raw(DATA_DIR / f"{code}.yaml"))
    counted = (
        len(items),
        sum(1 for item in items if item.get("metric")),
        sum(1 for item in items if item.get("veto")),
    )
    assert counted == EXPECTED[code]


@pytest.mark.parametrize("code", EXPECTED)
def test_transcription_leaves_nothing_out(code):
    """From the first item to the last, the seed holds nothing but the items, the dimension
    titles, their numbering and punctuation: no sentence of the standard was skipped."""
    content = raw(DATA_DIR / f"{code}.yaml")
    seed = seed_text(content["seed"])
    items = items_of(content)
    start = seed.index(squeeze(items[0]["text"]))
    end = seed.index(squeeze(items[-1]["text"]), start) + len(squeeze(items[-1]["text"]))
    rest = seed[start:end]
    pieces = [squeeze(item["text"]) for item in items]
    pieces += [squeeze(dimension["title"]) for dimension in content["dimensions"]]
    for piece in sorted(pieces, key=len, reverse=True):
        rest = rest.replace(piece, "", 1)
    # Numbering, list punctuation and the seeds' markdown emphasis are not standard text.
    rest = re.sub(r"项目|基本标准|[0-9一二三四五六七八九十．.、，,；;。（）()*]", "", rest)
    assert rest == ""


def test_the_brief_examples_carry_their_metrics():
    wanted = {
        ("s000-community", "2.2.3"): ("study_hours_per_member", ">=", 32),
        ("s000-community", "2.2.2"): ("collective_study_months", ">=", 12),
        ("s000-community", "2.2.4"): ("committee_member_lectures", ">=", 4),
        ("s000-community", "2.2.6"): ("democratic_review_participation", ">=", 90),
        ("s000-community", "3.2.3"): ("satisfaction_rate", ">=", 95),
        ("s000-village", "4.1.1"): ("collective_income", ">", 200000),
        ("s000-village", "4.4"): ("cultural_activities", ">=", 4),
        ("s001-village", "8.2"): ("cadres_under_50", ">=", 2),
        ("s001-village", "8.3"): ("committee_high_school_share", ">=", 40),
        ("s001-village", "8.5"): ("reserve_cadres", ">=", 3),
        ("s000-organ", "4.2.3"): ("volunteer_hours_per_member", ">=", 16),
    }
    for (code, item_code), expected in wanted.items():
        item = next(i for i in items_of(raw(DATA_DIR / f"{code}.yaml")) if i["code"] == item_code)
        assert (item["metric"], item["comparator"], item["threshold"]) == expected, item_code


def test_truncated_set_says_where():
    content = raw(DATA_DIR / "s001-community.yaml")
    assert content["truncated"] is True
    assert "第16条" in content["note"]


@pytest.mark.django_db
def test_every_file_loads_as_a_published_set():
    report = load_standards()
    assert sorted(report.created) == sorted(path.stem for path in FILES)
    assert StandardSet.objects.filter(status=SetStatus.PUBLISHED).count() == len(FILES)
    for code, (items, metrics, vetoes) in EXPECTED.items():
        loaded = Item.objects.filter(dimension__set__code=code)
        assert loaded.count() == items
        assert loaded.filter(metric__isnull=False).count() == metrics
        assert loaded.filter(veto=True).count() == vetoes
