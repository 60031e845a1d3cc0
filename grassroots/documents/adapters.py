"""The documents' inputs from the registry's records (grassroots.orgs.models)."""

from grassroots.orgs.choices import OrgKind
from grassroots.orgs.models import HostUnitLink, Member
from grassroots.orgs.personal_data import shown_personal_data

from .data import Person, Roster

KIND_WORDS = {
    OrgKind.COMMITTEE: "党委",
    OrgKind.GENERAL_BRANCH: "党总支",
    OrgKind.BRANCH: "党支部",
    OrgKind.JOINT_BRANCH: "党支部",
    OrgKind.FUNCTIONAL_BRANCH: "党支部",
    OrgKind.TEMPORARY: "党支部",
}


def org_kind_word(kind: str) -> str:
    """党委, 党总支 or 党支部: the templates' word for an organisation kind."""
    try:
        return KIND_WORDS[kind]
    except KeyError:
        label = OrgKind(kind).label if kind in OrgKind.values else "未选择类型的组织"
        raise ValueError(f"{label}不使用成立、换届、补选公文") from None


def host_unit_name(org) -> str | None:
    """The unit (society) an organisation sits in, a joint branch's first by name; None
    where it is linked to none."""
    link = (
        HostUnitLink.objects.filter(org=org, ended_on__isnull=True)
        .select_related("unit")
        .order_by("unit__name")
        .first()
    )
    return link.unit.name if link else None


def person_from_member(member: Member, user=None) -> Person:
    """Personal data as `user` may see it (`orgs.personal_data`; None: masked), as
    everywhere else."""
    shown = shown_personal_data(user, member)
    return Person(
        name=member.name,
        gender=member.get_gender_display(),
        ethnicity=member.ethnicity,
        native_place=member.native_place,
        birth_date=shown.birth_date,
        birth_year=shown.birth_year,
        id_number=shown.id_number,
        joined_on=shown.joined_on,
        joined_year=shown.joined_year,
        confirmed_on=shown.confirmed_on,
        confirmed_year=shown.confirmed_year,
        status=member.get_status_display(),
        work_started_on=member.work_started_on,
        education=member.get_education_display() if member.education else "",
        graduated_from=member.graduated_from,
        professional_title=member.professional_title,
        expertise=member.expertise,
        job_title=member.job_title,
        society_title=member.society_title,
        resume=member.resume,
        phone=shown.phone,
        org_name=member.org.name,
    )


def roster_of(unit_name, members, user=None, as_of=None) -> Roster:
    """Template 3 from `members` (with `org` loaded), personal data shown only to a `user`
    who may see each member's (None: masked throughout)."""
    return Roster(
        unit_name=unit_name,
        members=tuple(person_from_member(m, user) for m in members),
        as_of=as_of,
    )
