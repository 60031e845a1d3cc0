"""One function per state change of the registry. Each checks the change, applies it in a
transaction and records who made it (django-simple-history keeps before and after).

Errors are raised as `ValidationError({field: message})` with Chinese messages; pages show
them next to the field and the API answers 400 with the same keys.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from grassroots.core.access import Scope, can
from grassroots.core.choices import Permission
from grassroots.core.concurrency import lock
from grassroots.core.history import save_by

from . import tallies
from .choices import LeaveReason, OrgKind, OrgStatus, PostKind
from .models import (
    HostUnit,
    HostUnitLink,
    Member,
    Membership,
    Organization,
    Post,
    Term,
    Transfer,
    WeakDesignation,
)
from .rules import (
    RuleConfig,
    add_years,
    date_error,
    member_field_errors,
    needs_appointment_approval,
    planned_term_end,
)


def check_date(field, day, label, in_advance=False, **bounds):
    """Refuse an implausible date (`rules.date_error`) under `field`: one of an event that
    has taken place, or, `in_advance`, one that may be entered before the day."""
    message = date_error(day, label, None if in_advance else timezone.localdate(), **bounds)
    if message:
        raise ValidationError({field: message})


def check_after_joining(member, field, day, label, in_advance=False):
    """A date of the member's party life: not before the member joined the Party."""
    check_date(field, day, label, in_advance, after=[(member.joined_on, "入党时间")])


def require_edit(user, org, field="org"):
    if not can(user, Permission.EDIT, org):
        raise ValidationError({field: "您没有在该党组织录入或修改数据的权限"})


# --- organisations ---------------------------------------------------------------------------


def check_parent(user, parent):
    if parent is None:
        if not Scope.of(user).is_unrestricted(Permission.EDIT):
            raise ValidationError({"parent": "请选择上级组织"})
        return
    require_edit(user, parent, "parent")
    if not parent.is_active:
        raise ValidationError({"parent": "上级组织已撤销"})


@transaction.atomic
def create_organization(user, **fields):
    if fields.get("parent") is not None:
        _lock_org(fields["parent"])  # not dissolved meanwhile
    check_parent(user, fields.get("parent"))
    org = Organization(**fields)
    check_date("established_on", org.established_on, "成立日期")
    org.full_clean(exclude=["path", "depth"])
    save_by(org, user)
    return org


@transaction.atomic
def update_organization(user, org, **fields):
    """Change the organisation's own fields; a new parent moves the whole subtree."""
    require_edit(user, org)
    new_parent = fields.pop("parent", org.parent)
    for name, value in fields.items():
        setattr(org, name, value)
    org.full_clean(exclude=["path", "depth", "parent"])
    check_date("established_on", org.established_on, "成立日期")
    if (new_parent.pk if new_parent else None) != org.parent_id:
        return move_organization(user, org, new_parent)
    return save_by(org, user)


def _lock_org(org):
    """Lock the row and re-read its path and status: the object may predate a move of an
    ancestor (a stale path would leave the subtree behind) or its dissolution."""
    lock(org, "path", "depth", "status")


def _lock_orgs(*orgs):
    """Lock several organisations in id order, so that two requests each locking the same
    ones (a transfer there and one back) cannot wait for each other forever."""
    for org in sorted(orgs, key=lambda org: org.pk):
        _lock_org(org)


@transaction.atomic
def move_organization(user, org, new_parent):
    _lock_org(org)
    if new_parent is not None:
        _lock_org(new_parent)
    require_edit(user, org)
    check_parent(user, new_parent)
    if new_parent is not None and new_parent.path.startswith(org.path):
        raise ValidationError({"parent": "不能把组织移到它自己或它的下级组织之下"})
    if (new_parent.pk if new_parent else None) == org.parent_id:
        return org
    old_prefix = org.path
    new_prefix = (new_parent.path if new_parent else "/") + f"{org.pk}/"
    depth_change = new_prefix.count("/") - old_prefix.count("/")
    with tallies.moving(org, new_prefix):
        Organization.objects.filter(path__startswith=old_prefix).update(
            path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1)),
            depth=F("depth") + depth_change,
        )
        org.parent = new_parent
        org.path, org.depth = new_prefix, org.depth + depth_change
        save_by(org, user)
    return org


@transaction.atomic
def dissolve_organization(user, org, dissolved_on, reason=""):
    _lock_org(org)  # no member, child or term can arrive while the checks below hold
    require_edit(user, org)
    if not org.is_active:
        raise ValidationError({"status": "该组织已撤销"})
    if org.children.filter(status=OrgStatus.ACTIVE).exists():
        raise ValidationError({"status": "该组织还有未撤销的下级组织，请先撤销或移走下级组织"})
    if org.members.current().exists():
        raise ValidationError({"status": "该组织还有党员，请先转接党员组织关系"})
    check_date("dissolved_on", dissolved_on, "撤销日期", after=[(org.established_on, "成立日期")])
    terms = list(org.terms.current())
    if any(dissolved_on < term.started_on for term in terms):
        raise ValidationError({"dissolved_on": "撤销日期不能早于本届委员会开始日期"})
    org.status = OrgStatus.DISSOLVED
    org.dissolved_on = dissolved_on
    org.dissolved_reason = reason
    save_by(org, user)
    # What lives only through the organisation ends with it; members of a functional branch
    # keep their organisation relation elsewhere.
    for term in terms:
        end_term(user, term, dissolved_on)
    for membership in org.functional_memberships.filter(ended_on__isnull=True):
        end_membership(user, membership, dissolved_on)
    for link in org.unit_links.filter(ended_on__isnull=True):
        unlink_host_unit(user, link, dissolved_on)
    return org


@transaction.atomic
def designate_weak(user, org, year, reason=""):
    require_edit(user, org)
    # Not get_or_create: its insert would be a history record without the user.
    designation = WeakDesignation.objects.filter(org=org, year=year).first()
    designation = designation or WeakDesignation(org=org, year=year)
    designation.reason = reason
    return save_by(designation, user)


# --- host units ------------------------------------------------------------------------------


@transaction.atomic
def save_host_unit(user, unit, org=None):
    """Create or change a host unit. A new unit is linked to `org` (the organisation sitting
    in it) or recorded on its own under `unit.responsible_org`, which must cover it."""
    if unit.pk is None:
        if org is None and unit.responsible_org_id is None:
            raise ValidationError({"responsible_org": "请选择负责覆盖该单位的党组织"})
    else:
        editable = HostUnit.objects.visible_to(user, Permission.EDIT).filter(pk=unit.pk)
        if not editable.exists():
            raise ValidationError({"org": "您没有修改该单位的权限"})
    if unit.responsible_org_id is not None:
        stored = None if unit.pk is None else HostUnit.objects.filter(pk=unit.pk).first()
        if stored is None or stored.responsible_org_id != unit.responsible_org_id:
            require_edit(user, unit.responsible_org, "responsible_org")
            if not unit.responsible_org.is_active:
                raise ValidationError({"responsible_org": "该党组织已撤销"})
    # One spelling per code, so the unique index catches duplicates; no code is NULL, not "".
    unit.uscc = unit.uscc.strip().upper() if unit.uscc else None
    unit.full_clean()
    save_by(unit, user)
    if org is not None:
        link_host_unit(user, org, unit)
    return unit


def require_unit_edit(user, unit, field="unit"):
    if not HostUnit.objects.visible_to(user, Permission.EDIT).filter(pk=unit.pk).exists():
        raise ValidationError({field: "您没有修改该单位的权限"})


@transaction.atomic
def assign_unit_guide(user, guide):
    """Record a 党建工作指导员, liaison or 挂点/包点 leader of a unit."""
    require_unit_edit(user, guide.unit)
    check_date("started_on", guide.started_on, "选派日期")
    guide.full_clean()
    return save_by(guide, user)


@transaction.atomic
def end_unit_guide(user, guide, ended_on):
    lock(guide, "ended_on")
    require_unit_edit(user, guide.unit)
    if guide.ended_on:
        raise ValidationError({"ended_on": "该指导联系已结束"})
    if ended_on < guide.started_on:
        raise ValidationError({"ended_on": "结束日期不能早于选派日期"})
    guide.ended_on = ended_on
    return save_by(guide, user)


@transaction.atomic
def set_work_unit(user, member, unit):
    """Record where a member works (`unit`, or None: nowhere recorded). Their organisation
    relation may be elsewhere: the unit's side decides, the member need only be visible."""
    target = unit or member.work_unit
    if target is None:
        return member
    require_unit_edit(user, target, "member")
    if member.left_on is not None:
        raise ValidationError({"member": "该党员已离开，不能登记工作单位"})
    member.work_unit = unit
    return save_by(member, user, update_fields=["work_unit", "updated_at"])


def council_term_end(org):
    """When the council of the organisation's society (its current host unit) ends its
    term, or None if no unit records it."""
    return (
        HostUnit.objects.filter(
            org_links__org=org,
            org_links__ended_on__isnull=True,
            council_term_ends_on__isnull=False,
        )
        .order_by("council_term_ends_on")
        .values_list("council_term_ends_on", flat=True)
        .first()
    )


@transaction.atomic
def link_host_unit(user, org, unit):
    require_edit(user, org)
    # Lock the organisation (not its links: a new link is not a row yet) so that two
    # concurrent links cannot both pass the count.
    _lock_org(org)
    if not org.is_active:
        raise ValidationError({"org": "该党组织已撤销"})
    linked = list(
        HostUnitLink.objects.filter(org=org, ended_on__isnull=True).values_list(
            "unit_id", flat=True
        )
    )
    if unit.pk in linked:
        raise ValidationError({"unit": "该单位已与本组织关联"})
    limit = RuleConfig.from_settings().joint_branch_max_units
    if org.kind == OrgKind.JOINT_BRANCH and len(linked) >= limit:
        raise ValidationError({"unit": f"联合党支部覆盖的单位一般不超过{limit}个，不能再关联"})
    if org.kind != OrgKind.JOINT_BRANCH and linked:
        raise ValidationError({"unit": "只有联合党支部可以关联多个单位"})
    return save_by(HostUnitLink(org=org, unit=unit), user)


@transaction.atomic
def unlink_host_unit(user, link, ended_on):
    lock(link, "ended_on")
    require_edit(user, link.org)
    if link.ended_on:
        raise ValidationError({"ended_on": "该单位关联已解除"})
    link.ended_on = ended_on
    save_by(link, user)


# --- members ---------------------------------------------------------------------------------


def check_member(member):
    """Field checks beyond each field's own validator; raises with every problem found."""
    errors = {}
    try:
        member.full_clean(validate_unique=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for field, messages in member_field_errors(
        member.id_number,
        member.birth_date,
        member.joined_on,
        member.confirmed_on,
        member.status,
        timezone.localdate(),
        member.work_started_on,
    ).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def check_relation_org(org, field="org"):
    """Whether `org` can hold members' organisation relations."""
    if not org.is_active:
        raise ValidationError({field: "该党组织已撤销"})
    if org.kind in (OrgKind.FUNCTIONAL_BRANCH, OrgKind.DEPARTMENT):
        raise ValidationError({field: f"{org.get_kind_display()}不接转组织关系"})


@transaction.atomic
def create_member(user, **fields):
    member = Member(**fields)
    member.id_number = member.id_number.upper()
    if member.org_id:
        _lock_org(member.org)  # not dissolved meanwhile
        require_edit(user, member.org)
        check_relation_org(member.org)
    check_member(member)
    return _save_member(member, user)  # Member.save counts the new member in its organisation


def _save_member(member, user):
    """Save; an ID number registered meanwhile by a concurrent request (past `check_member`,
    stopped by the unique index) is refused with the message a number registered before
    gets, naming `id_number` (docs/security/concurrency.md)."""
    try:
        with transaction.atomic():  # a savepoint: the check below still runs after a refusal
            return save_by(member, user)
    except IntegrityError:
        others = Member.objects.filter(id_number=member.id_number).exclude(pk=member.pk)
        if not others.exists():
            raise
        duplicate = member.unique_error_message(Member, ["id_number"])
        raise ValidationError({"id_number": duplicate}) from None


@transaction.atomic
def update_member(user, member, **fields):
    """Change a member's own fields; a new organisation goes through `transfer_member`."""
    # Saving the member writes every field: re-read those only services change.
    lock(member, "org_id", "left_on", "left_reason")
    require_edit(user, member.org)
    new_org = fields.pop("org", member.org)
    for name, value in fields.items():
        setattr(member, name, value)
    member.id_number = member.id_number.upper()
    check_member(member)
    _save_member(member, user)
    if new_org.pk != member.org_id:
        transfer_member(user, member, new_org, timezone.localdate())
    return member


@transaction.atomic
def transfer_member(user, member, to_org, transferred_on, reason=""):
    # Two requests moving one member: the second sees the first's move (the counts move once).
    lock(member, "org_id", "left_on")
    _lock_orgs(member.org, to_org)
    require_edit(user, member.org)
    require_edit(user, to_org, "to_org")
    if member.left_on:
        raise ValidationError({"to_org": "该党员已登记离开，不能转接"})
    if to_org.pk == member.org_id:
        raise ValidationError({"to_org": "转入组织与现组织相同"})
    check_relation_org(to_org, "to_org")
    check_after_joining(member, "transferred_on", transferred_on, "转接日期")
    Organization.objects.add_members({member.org_id: -1, to_org.pk: 1})
    record = Transfer(
        member=member,
        from_org=member.org,
        to_org=to_org,
        transferred_on=transferred_on,
        reason=reason,
        recorded_by=user,
    )
    save_by(record, user)
    member.org = to_org
    save_by(member, user)
    # Organisational life there now comes with the relation itself.
    for membership in member.memberships.filter(org=to_org, ended_on__isnull=True):
        end_membership(user, membership, max(transferred_on, membership.started_on))
    return record


@transaction.atomic
def record_member_leaving(user, member, left_on, reason):
    lock(member, "org_id", "left_on", "left_reason")
    require_edit(user, member.org)
    if member.left_on:
        raise ValidationError({"left_on": "该党员已登记离开"})
    if reason not in LeaveReason.values:
        raise ValidationError({"left_reason": "请选择离开原因"})
    check_after_joining(member, "left_on", left_on, "离开日期")
    member.left_on, member.left_reason = left_on, reason
    save_by(member, user)
    Organization.objects.add_members({member.org_id: -1})
    for post in Post.objects.filter(member=member, ended_on__isnull=True):
        end_post(user, post, left_on)
    for membership in member.memberships.filter(ended_on__isnull=True):
        end_membership(user, membership, left_on)
    return member


@transaction.atomic
def add_membership(user, member, org, started_on):
    lock(member, "org_id", "left_on")  # one current membership per organisation
    require_edit(user, org)
    if not org.is_active:
        raise ValidationError({"org": "该党组织已撤销"})
    if member.left_on:
        raise ValidationError({"member": "该党员已登记离开"})
    if org.pk == member.org_id:
        raise ValidationError({"org": "组织关系已在该组织，无需另行参加组织生活"})
    if member.memberships.filter(org=org, ended_on__isnull=True).exists():
        raise ValidationError({"org": "该党员已在该组织参加组织生活"})
    check_after_joining(member, "started_on", started_on, "加入日期", in_advance=True)
    return save_by(Membership(member=member, org=org, started_on=started_on), user)


@transaction.atomic
def end_membership(user, membership, ended_on):
    lock(membership, "ended_on")
    require_edit(user, membership.org)
    if membership.ended_on:
        raise ValidationError({"ended_on": "已退出该组织的组织生活"})
    if ended_on is None:
        raise ValidationError({"ended_on": "请填写退出日期"})
    if ended_on < membership.started_on:
        raise ValidationError({"ended_on": "退出日期不能早于加入日期"})
    membership.ended_on = ended_on
    save_by(membership, user)


# --- committees ------------------------------------------------------------------------------


@transaction.atomic
def start_term(user, org, started_on, number=None, planned_end_on=None):
    """Open a new term; the current one, if any, ends the day the new one starts."""
    _lock_org(org)  # one current term, numbers in order
    require_edit(user, org)
    if not org.is_active:
        raise ValidationError({"org": "该党组织已撤销"})
    check_date("started_on", started_on, "本届开始日期", in_advance=True)
    current = org.terms.current().first()
    if current and started_on <= current.started_on:
        raise ValidationError({"started_on": "新一届开始日期应晚于本届开始日期"})
    last_number = org.terms.order_by("-number").values_list("number", flat=True).first() or 0
    number = number or last_number + 1
    if number <= last_number:
        raise ValidationError({"number": f"届次应大于已有的第{last_number}届"})
    if current:
        end_term(user, current, started_on)
    config = RuleConfig.from_settings()
    planned = planned_end_on or planned_term_end(org.kind, org.category, started_on, config)
    if planned is None and org.kind == OrgKind.FUNCTIONAL_BRANCH:
        # No term of its own: the team is adjusted with the society's council (seed 004), so
        # the row holding its posts ends with the council's term; before a unit records it,
        # a council's usual term (never judged: no term findings for functional branches).
        planned = council_term_end(org) or add_years(started_on, config.society_term_years)
    if planned is None:
        raise ValidationError({"planned_end_on": "该类组织没有法定任期，请填写应届满日期"})
    if planned <= started_on:
        raise ValidationError({"planned_end_on": "应届满日期应晚于开始日期"})
    term = Term(org=org, number=number, started_on=started_on, planned_end_on=planned)
    return save_by(term, user)


@transaction.atomic
def update_term(user, term, **fields):
    """Correct a term's dates (e.g. a postponement approved by the level above)."""
    require_edit(user, term.org)
    for name, value in fields.items():
        setattr(term, name, value)
    if term.planned_end_on <= term.started_on:
        raise ValidationError({"planned_end_on": "应届满日期应晚于开始日期"})
    if term.ended_on and term.ended_on < term.started_on:
        raise ValidationError({"ended_on": "结束日期不能早于开始日期"})
    check_date("started_on", term.started_on, "本届开始日期", in_advance=True)
    check_date("ended_on", term.ended_on, "实际结束日期", in_advance=True)
    save_by(term, user)
    return term


@transaction.atomic
def end_term(user, term, ended_on):
    lock(term, "ended_on")
    require_edit(user, term.org)
    if term.ended_on:
        raise ValidationError({"ended_on": "该届已结束"})
    if ended_on < term.started_on:
        raise ValidationError({"ended_on": "结束日期不能早于本届开始日期"})
    term.ended_on = ended_on
    save_by(term, user)
    for post in term.posts.filter(ended_on__isnull=True):
        post.ended_on = ended_on
        save_by(post, user)


APPOINTMENT_NEEDED = (
    "书记届中任命需经上级党组织审批，不能直接登记：请在本组织的“换届/补选”页起草"
    "“书记任命请示”，上级批准后自动任职"
)


@transaction.atomic
def appoint_post(user, term, member, post, started_on, *, approved=False):
    """Record `member` in `post`. A secretary after the term began (`rules.
    needs_appointment_approval`) only with `approved`: from the level above's approval of
    the request (elections), never from a clerk's edit."""
    # The term's lock holds "one holder" and "not twice" between the checks and the insert.
    lock(term, "ended_on")
    lock(member, "org_id", "left_on")
    require_edit(user, term.org)
    if post not in PostKind.values:
        raise ValidationError({"post": "请选择职务"})
    if term.ended_on:
        raise ValidationError({"term": "该届已结束"})
    if member.left_on:
        raise ValidationError({"member": "该党员已离开，不能任职"})
    org = term.org
    belongs = (
        member.org_id == org.pk
        or member.org.path.startswith(org.path)
        or (member.memberships.filter(org=org, ended_on__isnull=True).exists())
    )
    if not belongs:
        raise ValidationError({"member": "任职人员应为本组织（或下级组织）的党员"})
    current = term.posts.filter(ended_on__isnull=True)
    single = RuleConfig.from_settings().single_holder_posts
    if post in single and current.filter(post=post).exists():
        raise ValidationError({"post": f"{PostKind(post).label}已有人担任，请先免去现任"})
    if current.filter(member=member, post=post).exists():
        raise ValidationError({"post": "该党员已担任此职务"})
    if started_on < term.started_on:
        raise ValidationError({"started_on": "任职日期不能早于本届开始日期"})
    check_after_joining(member, "started_on", started_on, "任职日期", in_advance=True)
    if not approved and needs_appointment_approval(post, term.started_on, started_on):
        raise ValidationError({"post": APPOINTMENT_NEEDED})
    record = Post(term=term, member=member, post=post, started_on=started_on)
    return save_by(record, user)


@transaction.atomic
def end_post(user, post, ended_on):
    lock(post, "ended_on")
    require_edit(user, post.term.org)
    if post.ended_on:
        raise ValidationError({"ended_on": "已离任"})
    if ended_on < post.started_on:
        raise ValidationError({"ended_on": "离任日期不能早于任职日期"})
    post.ended_on = ended_on
    save_by(post, user)
