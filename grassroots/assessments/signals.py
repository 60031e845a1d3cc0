"""What keeps stored compliance current (`stored.changed`): every write of the records the
metrics read — meetings, attendance, secretaries' reports, yearly facts, members, functional
memberships, committees, organisations — whether one row (post_save, post_delete) or many
(`core.signals.bulk_written`). Each names the organisations, the years and the metrics it
can move, so only the sets measuring those are recomputed."""

from collections import defaultdict

from django.db.models.signals import post_delete, post_save, pre_save

from grassroots.core.signals import bulk_written
from grassroots.orglife.models import Attendance, Meeting, SecretaryReport, YearlyFact
from grassroots.orgs.choices import OrgKind
from grassroots.orgs.models import Member, Membership, Organization, Post, Term

from .measurement import READERS
from .stored import changed, forget_below

_SERVES = {read.__name__.removeprefix("_read_"): codes for read, codes in READERS}
MEETING_METRICS = _SERVES["meetings"] | _SERVES["lectures"] | _SERVES["mobile"]
COMMITTEE_METRICS = _SERVES["committees"]
MEMBER_METRICS = (
    _SERVES["functional"]
    | _SERVES["group_members"]
    | _SERVES["lost_contact"]
    | _SERVES["mobile"]
    | COMMITTEE_METRICS  # a committee member's birth date and education
)
# Lectures by leaders of the levels above read the committees of every ancestor.
SUPERIOR_METRICS = frozenset({"superior_leader_lectures"})


def _before(instance, *fields):
    """The row's stored `fields` before this save (None for a new row)."""
    if instance._state.adding or instance.pk is None:
        return None
    return type(instance)._default_manager.filter(pk=instance.pk).values(*fields).first()


def _remember_meeting(sender, instance, **kwargs):
    instance._compliance_before = _before(instance, "org_id", "date")


def _meeting_changed(sender, instance, **kwargs):
    by_org = defaultdict(set)
    by_org[instance.org_id].add(instance.date.year)
    before = getattr(instance, "_compliance_before", None)
    if before:  # moved to another day, perhaps of another year
        by_org[before["org_id"]].add(before["date"].year)
    for org_id, years in by_org.items():
        changed([org_id], years, MEETING_METRICS)


def _attendance_changed(sender, instance, **kwargs):
    meeting = instance.meeting
    changed([meeting.org_id], [meeting.date.year], MEETING_METRICS)


def _attendance_written(objects):
    cached = Attendance._meta.get_field("meeting")
    by_org = defaultdict(set)
    unknown = set()
    for row in objects:
        if cached.is_cached(row):
            by_org[row.meeting.org_id].add(row.meeting.date.year)
        else:
            unknown.add(row.meeting_id)
    if unknown:
        for org_id, date in Meeting.objects.filter(pk__in=unknown).values_list("org_id", "date"):
            by_org[org_id].add(date.year)
    for org_id, years in by_org.items():
        changed([org_id], years, MEETING_METRICS)


def _yearly_changed(sender, instance, **kwargs):
    codes = _SERVES["reports"] if isinstance(instance, SecretaryReport) else _SERVES["facts"]
    changed([instance.org_id], [instance.year], codes)


def _with_branches(org_ids):
    """`org_ids` and, for a party group among them, its branch (which counts the group's
    members as its own)."""
    groups = Organization.objects.filter(pk__in=org_ids, kind=OrgKind.GROUP)
    return set(org_ids) | set(groups.values_list("parent_id", flat=True))


def _remember_member(sender, instance, **kwargs):
    instance._compliance_before = _before(instance, "org_id")


def _member_changed(sender, instance, **kwargs):
    org_ids = {instance.org_id}
    before = getattr(instance, "_compliance_before", None)
    if before:
        org_ids.add(before["org_id"])
    changed(sorted(_with_branches(org_ids - {None})), None, MEMBER_METRICS)


def _membership_changed(sender, instance, **kwargs):
    changed([instance.org_id], None, MEMBER_METRICS)


def _committee_changed(sender, instance, **kwargs):
    org = instance.org if isinstance(instance, Term) else instance.term.org
    changed([org.pk], None, COMMITTEE_METRICS)
    forget_below(org, SUPERIOR_METRICS)


def _org_changed(sender, instance, created, **kwargs):
    """Renamed, moved, recategorised, dissolved: every metric of the organisation, and the
    committees above its descendants if it moved."""
    if created:
        return
    changed([instance.pk], None, None)
    forget_below(instance, SUPERIOR_METRICS)


def _bulk_written(sender, objects, **kwargs):
    if sender is Attendance:
        _attendance_written(objects)
    elif sender is Meeting:
        by_org = defaultdict(set)
        for meeting in objects:
            by_org[meeting.org_id].add(meeting.date.year)
        for org_id, years in by_org.items():
            changed([org_id], years, MEETING_METRICS)
    elif sender is Member:
        changed(sorted(_with_branches({m.org_id for m in objects} - {None})), None, MEMBER_METRICS)
    elif sender is Membership:
        changed(sorted({m.org_id for m in objects}), None, MEMBER_METRICS)


def connect():
    uid = "stored-compliance"
    pre_save.connect(_remember_meeting, sender=Meeting, dispatch_uid=uid)
    pre_save.connect(_remember_member, sender=Member, dispatch_uid=uid)
    for signal in (post_save, post_delete):
        signal.connect(_meeting_changed, sender=Meeting, dispatch_uid=uid)
        signal.connect(_attendance_changed, sender=Attendance, dispatch_uid=uid)
        signal.connect(_yearly_changed, sender=SecretaryReport, dispatch_uid=uid)
        signal.connect(_yearly_changed, sender=YearlyFact, dispatch_uid=uid)
        signal.connect(_member_changed, sender=Member, dispatch_uid=uid)
        signal.connect(_membership_changed, sender=Membership, dispatch_uid=uid)
        signal.connect(_committee_changed, sender=Term, dispatch_uid=uid)
        signal.connect(_committee_changed, sender=Post, dispatch_uid=uid)
    post_save.connect(_org_changed, sender=Organization, dispatch_uid=uid)
    bulk_written.connect(_bulk_written, dispatch_uid=uid)
