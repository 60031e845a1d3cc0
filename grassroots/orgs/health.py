"""Reads the records the health-check rules need, for any number of organisations, in a
fixed number of queries, and runs the rules."""

from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from grassroots.core.access import minimal_prefixes

from .choices import MemberStatus, OrgKind, OrgStatus, PostKind, SocietyRole
from .models import HostUnit, HostUnitLink, Member, Membership, Post, Term, WeakDesignation
from .rules import FORMED_KINDS, OrgFacts, RuleConfig, check_organization

# Above this many organisations, filter by their subtrees' path prefixes instead of an id
# list: a 100,000-item IN list costs more than reading the subtree.
ID_LIST_LIMIT = 1000
PREFIX_LIMIT = 50


def _within(paths, field):
    prefixes = minimal_prefixes(paths)
    if not prefixes:
        # Still run the query (an empty IN would skip it and make the count vary).
        return Q(**{field: ""})
    condition = Q()
    for prefix in prefixes:
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


def _among(orgs, org_field):
    """Rows belonging to `orgs` (the caller keeps only wanted ids from the answer)."""
    if len(orgs) > ID_LIST_LIMIT:
        return _within([org.path for org in orgs], f"{org_field}__path")
    return Q(**{f"{org_field}_id__in": [org.pk for org in orgs]})


def collect_facts(orgs, today=None):
    """OrgFacts for each organisation of `orgs` (a list), keyed by id: seven queries however
    many organisations. Only member counts need the subtrees, and only for the kinds whose
    rules count members; the rest is read for `orgs` themselves."""
    today = today or timezone.localdate()
    if not orgs:
        return {}
    counted = [org for org in orgs if org.kind in FORMED_KINDS]
    counted_ids = {org.pk for org in counted}
    count_paths = [org.path for org in counted]
    if len(minimal_prefixes(count_paths)) > PREFIX_LIMIT:
        count_paths = [org.path for org in orgs]

    subtree_counts = defaultdict(Counter)
    primary_counts = Counter()
    chairs = Counter()  # full members chairing the host society, by organisation
    chairing = Q(society_role=SocietyRole.CHAIR)
    rows = (
        Member.objects.current()
        .filter(_within(count_paths, "org__path"), org__status=OrgStatus.ACTIVE)
        .values_list("org_id", "org__path", "status")
        .annotate(n=Count("id"), chairs=Count("id", filter=chairing))
        .order_by()
    )
    for org_id, path, status, n, chair_count in rows:
        primary_counts[org_id] += n
        if status == MemberStatus.FULL:
            chairs[org_id] += chair_count
        for ancestor in path.strip("/").split("/"):
            if int(ancestor) in counted_ids:
                subtree_counts[int(ancestor)][status] += n

    functional_counts = defaultdict(Counter)
    rows = (
        # Filtered by kind in the database, not by a Python list that may be empty (an empty
        # IN skips the query, and the query count would depend on the organisations given).
        Membership.objects.filter(
            _among(orgs, "org"),
            org__kind=OrgKind.FUNCTIONAL_BRANCH,
            ended_on__isnull=True,
            member__left_on__isnull=True,
        )
        .values_list("org_id", "member__status")
        .annotate(
            n=Count("id"), chairs=Count("id", filter=Q(member__society_role=SocietyRole.CHAIR))
        )
        .order_by()
    )
    for org_id, status, n, chair_count in rows:
        functional_counts[org_id][status] += n
        if status == MemberStatus.FULL:
            chairs[org_id] += chair_count

    unit_counts = dict(
        HostUnitLink.objects.filter(_among(orgs, "org"), ended_on__isnull=True)
        .values_list("org_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    terms = {
        t.org_id: t
        for t in Term.objects.current()
        .filter(_among(orgs, "org"))
        .only("org_id", "number", "planned_end_on")
    }
    posts_by_org = defaultdict(list)
    secretary = {}  # (society role, member status) of each secretary
    committee_members = defaultdict(set)
    for org_id, post, member_id, society_role, status in (
        Post.objects.current()
        .filter(_among(orgs, "term__org"))
        .values_list("term__org_id", "post", "member_id", "member__society_role", "member__status")
    ):
        posts_by_org[org_id].append(post)
        committee_members[org_id].add(member_id)
        if post == PostKind.SECRETARY:
            secretary[org_id] = (society_role, status)
    weak = set(
        WeakDesignation.objects.filter(
            _among(orgs, "org"), year=today.year, rectified=False
        ).values_list("org_id", flat=True)
    )

    unformed = defaultdict(list)
    for org_id, name, full_workers in (
        HostUnit.objects.with_coverage(today)
        .should_form()
        .filter(_among(orgs, "responsible_org"))
        .order_by("name", "pk")
        .values_list("responsible_org_id", "name", "full_workers")
    ):
        unformed[org_id].append((name, full_workers))

    facts = {}
    for org in orgs:
        counts = (
            functional_counts[org.pk]
            if org.kind == OrgKind.FUNCTIONAL_BRANCH
            else subtree_counts[org.pk]
        )
        term = terms.get(org.pk)
        secretary_role, secretary_status = secretary.get(org.pk, (None, None))
        facts[org.pk] = OrgFacts(
            kind=org.kind,
            category=org.category,
            status=org.status,
            full_members=counts[MemberStatus.FULL],
            total_members=counts[MemberStatus.FULL] + counts[MemberStatus.PROBATIONARY],
            primary_members=primary_counts[org.pk],
            committee_size=len(committee_members[org.pk]),
            posts=tuple(posts_by_org[org.pk]),
            secretary_society_role=secretary_role,
            secretary_status=secretary_status,
            chair_is_member=chairs[org.pk] > 0,
            host_units=unit_counts.get(org.pk, 0),
            term_number=term.number if term else None,
            term_planned_end=term.planned_end_on if term else None,
            weak_designated=org.pk in weak,
            unformed_units=tuple(unformed[org.pk]),
        )
    return facts


def findings_for(orgs, today=None):
    """{org id: [Finding, ...]} for each organisation of `orgs`."""
    today = today or timezone.localdate()
    config = RuleConfig.from_settings()
    return {
        org_id: check_organization(facts, today, config)
        for org_id, facts in collect_facts(list(orgs), today).items()
    }
