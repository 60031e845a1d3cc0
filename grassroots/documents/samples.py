"""Filled-in inputs for every renderer, without the database: the renderers' tests and
`manage.py bench_documents`."""

import datetime

from grassroots.core.identifiers import build_citizen_id

from .data import (
    Appointment,
    Attendance,
    ByElectionRequest,
    ByElectionResult,
    CandidateForm,
    EstablishmentRequest,
    FilingForm,
    GeneralElectionRequest,
    GeneralElectionResult,
    Issue,
    Person,
    Roster,
    VacatedPost,
    Vote,
)
from .formats import document_number

SOCIETY = "青海省化学化工学会"
ORG = "青海省化学化工学会党支部"
SUPERIOR = "中国共产党青海省科技社团委员会"
DATE = datetime.date(2026, 8, 1)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "秀英", "志强", "海燕", "文博", "晓梅", "国华", "丽娟", "明轩", "雅琴")


def issue(number=7, signer=""):
    return Issue(
        issuer=SOCIETY,
        document_number=document_number("青化学", DATE.year, number),
        date=DATE,
        addressee=SUPERIOR,
        signer=signer,
    )


def name(i):
    return SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)]


def person(i):
    return Person(
        name=name(i),
        gender="女" if i % 2 else "男",
        ethnicity="回族" if i % 3 == 2 else "汉族",
        native_place="青海西宁",
        birth_date=datetime.date(1970 + i, 1 + i % 12, 1 + i % 28),
        id_number=build_citizen_id("630102", datetime.date(1970 + i, 1 + i % 12, 1 + i % 28), i),
        joined_on=datetime.date(1995 + i, 7, 1),
        confirmed_on=datetime.date(1996 + i, 7, 1),
        status="正式党员",
        work_started_on=datetime.date(1992 + i, 9, 1),
        education="研究生",
        graduated_from="青海大学",
        professional_title="正高级工程师",
        expertise="分析化学",
        job_title=f"青海省化工设计研究院第{i + 1}研究室主任",
        society_title="常务理事",
        resume=f"{1992 + i}年9月参加工作\n{2005 + i}年起任研究室主任",
        phone=f"1390971{i:04d}",
        org_name=ORG,
    )


def establishment_request():
    return EstablishmentRequest(
        issue=issue(signer="王建国"),
        society_name=SOCIETY,
        org_name=ORG,
        org_kind="党支部",
        decided_on=datetime.date(2026, 7, 15),
        decided_by="第三届理事会第五次理事会议",
        member_count=12,
        committee=(
            Appointment("书记", name(0)),
            Appointment("副书记", name(1)),
            Appointment("组织委员", name(2)),
            Appointment("宣传委员", name(3)),
            Appointment("纪检委员", name(4)),
            Appointment("办公室负责人", name(5)),
        ),
    )


def filing_form(i=0):
    return FilingForm(
        society_name=SOCIETY, person=person(i), proposed_post="书记", performance="政治坚定"
    )


def roster(count=20):
    return Roster(unit_name=ORG, members=tuple(person(i) for i in range(count)), as_of=DATE)


def general_election_request(candidates=9, seats=7):
    return GeneralElectionRequest(
        issue=issue(),
        org_name=ORG,
        org_kind="党支部",
        term_started_on=datetime.date(2023, 8, 1),
        term_ends_on=datetime.date(2026, 7, 31),
        meeting_on=datetime.date(2026, 8, 20),
        seats=seats,
        candidates=tuple(name(i) for i in range(candidates)),
        secretary_candidate=name(0),
        deputy_candidates=(name(1),),
    )


def candidate_form(i=0):
    return CandidateForm(org_name=ORG, person=person(i), proposed_post="委员")


def general_election_result(candidates=9, seats=7):
    votes = tuple(Vote(name(i), 25 - i) for i in range(candidates))
    return GeneralElectionResult(
        issue=issue(8),
        org_name=ORG,
        org_kind="党支部",
        meeting_on=datetime.date(2026, 8, 20),
        attendance=Attendance(
            expected_members=30, expected_voters=28, present_members=27, present_voters=25
        ),
        votes=votes,
        elected=tuple(v.name for v in votes[:seats]),
        committee_expected=seats,
        committee_present=seats,
        secretary=Vote(name(0), 7),
        deputies=(Vote(name(1), 6),),
        divisions=(
            Appointment("组织委员", name(2)),
            Appointment("宣传委员", name(3)),
            Appointment("纪检委员", name(4)),
        ),
    )


def by_election_request():
    return ByElectionRequest(
        issue=issue(9),
        org_name=ORG,
        org_kind="党支部",
        is_society=True,
        term_started_on=datetime.date(2024, 8, 1),
        meeting_on=datetime.date(2026, 8, 20),
        seats=7,
        vacancies=2,
        candidates=(name(10), name(11)),
        vacated=(
            VacatedPost(name(12), "组织委员", datetime.date(2026, 5, 6), "工作变动"),
            VacatedPost(name(13), "宣传委员", datetime.date(2026, 6, 1), "工作变动"),
        ),
    )


def by_election_result():
    return ByElectionResult(
        issue=issue(10),
        org_name=ORG,
        org_kind="党支部",
        is_society=True,
        meeting_on=datetime.date(2026, 8, 20),
        attendance=Attendance(
            expected_members=30, expected_voters=28, present_members=27, present_voters=25
        ),
        votes=(Vote(name(10), 24), Vote(name(11), 23)),
        elected=(name(10), name(11)),
        committee_expected=7,
        committee_present=7,
        divisions=(Appointment("组织委员", name(10)), Appointment("宣传委员", name(11))),
    )
