"""Election-day pages: the count of the members' meeting, typed on a tablet with the tally
shown as the numbers come in, and the committee's first meeting.

Workflows are read through `Workflow.objects.visible_to` (another subtree answers 404); what
the user may do is `services.actions_for`; every change is a service call; what the count
panel shows is worked out in `count_entry.py`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from grassroots.core.access import visible_or_404
from grassroots.core.forms import apply_service_errors
from grassroots.core.pages import ancestors
from grassroots.documents.data import PREPARATION_REPORT, general_meeting_agenda
from grassroots.elections import services
from grassroots.elections.choices import Action, State, WorkflowKind
from grassroots.elections.count_entry import (
    Ballot,
    Expected,
    confirmed_rounds,
    entered_ballots,
    judge_typed_count,
)
from grassroots.elections.forms.election_day import (
    CommitteeForm,
    CountForm,
    post_field,
    saved_count,
)
from grassroots.elections.models import Workflow
from grassroots.orgs.choices import PostKind
from grassroots.orgs.rules import SOCIETY_CATEGORIES

# Why members are commonly left out of the voters expected (选举工作条例 practice); the
# clerk may type any other reason.
EXCLUSION_REASONS = (
    "患病不能表达本人意志",
    "年老体弱卧床不起",
    "自费出国（境）半年以上",
    "外出务工经商联系不上",
    "正在服刑",
)


def visible_workflow(request, pk):
    return visible_or_404(request, Workflow.objects.select_related("org__parent", "parent"), pk)


def page_context(request, workflow):
    org = workflow.org or workflow.parent
    return {
        "workflow": workflow,
        "org": org,
        "trail": ancestors(request.user, org) if workflow.org_id else [],
        "actions": services.actions_for(request.user, workflow),
    }


# --- the count -------------------------------------------------------------------------------


def count_form(workflow, ballot, data):
    eligible = list(services.eligible_voters(workflow).order_by("name", "pk"))
    attending = list(services.meeting_members(workflow).order_by("name", "pk"))
    form = CountForm(data, entries=ballot.entries, eligible=eligible, attending=attending)
    form.is_valid()
    excluded = len(form.cleaned_data.get("exclusion_rows", ()))
    expected = Expected(len(attending), len(eligible), excluded)
    return form, expected


def count_context(request, workflow, ballot=None, form=None, expected=None):
    context = page_context(request, workflow)
    context["rounds"] = confirmed_rounds(workflow)
    context["may_count"] = Action.RECORD_MEETING in context["actions"]
    context["counting"] = workflow.state in (State.APPROVED, State.COUNTING)
    if context["counting"] and context["may_count"]:
        if form is None:
            ballot = Ballot.of(workflow)
            form, expected = count_form(workflow, ballot, saved_count(workflow, ballot.round))
        context.update(
            ballot=ballot,
            form=form,
            expected=expected,
            panel=judge_typed_count(workflow, ballot, form, expected),
            entered=entered_ballots(form, ballot),
            reasons=EXCLUSION_REASONS,
            agenda=meeting_agenda(workflow),
            preparation=PREPARATION_REPORT,
        )
    if workflow.state not in (State.DRAFT, State.SUBMITTED, State.RETURNED):
        context["elected"] = services.elected_candidates(workflow)
    return context


def meeting_agenda(workflow):
    """The steps the meeting follows (seed 004's 换届大会议程), shown beside the count."""
    if workflow.kind != WorkflowKind.GENERAL:
        return ()
    upper = services.upper_org(workflow)
    return general_meeting_agenda(
        upper.name if upper else "", workflow.org.category in SOCIETY_CATEGORIES
    )


def require_count(request, workflow):
    if Action.RECORD_MEETING not in services.actions_for(request.user, workflow):
        raise PermissionDenied("只有本组织的党务工作者可以在大会召开期间登记计票")


@login_required
def count_entry(request, pk):
    workflow = visible_workflow(request, pk)
    if request.method != "POST":
        return render(request, "elections/meeting/count.html", count_context(request, workflow))
    require_count(request, workflow)
    ballot = Ballot.of(workflow)
    form, expected = count_form(workflow, ballot, request.POST)
    confirm = request.POST.get("action") == "confirm"
    if not form.errors:
        try:
            with transaction.atomic():
                saved = services.record_count(
                    request.user, workflow, **form.service_arguments(expected)
                )
                if confirm:
                    services.confirm_result(request.user, workflow, form.cleaned_data["comment"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
            workflow.refresh_from_db()
        else:
            messages.success(
                request, confirmed_message(workflow, saved) if confirm else "计票已保存"
            )
            return redirect("elections-count", workflow.pk)
    context = count_context(request, workflow, ballot, form, expected)
    return render(request, "elections/meeting/count.html", context)


def confirmed_message(workflow, counted):
    following = services.current_round(workflow)
    if following is None:
        return f"第{counted.number}轮投票结果已确认，选举结束"
    return (
        f"第{counted.number}轮投票结果已确认；"
        f"第{following.number}轮投票已开始，应选{following.seats}名"
    )


@login_required
@require_POST
def count_tally(request, pk):
    """The live tally: the count form as typed so far → the tally panel, with the fields'
    errors and the figures that depend on them swapped in place (htmx out-of-band)."""
    workflow = visible_workflow(request, pk)
    require_count(request, workflow)
    ballot = Ballot.of(workflow)
    form, expected = count_form(workflow, ballot, request.POST)
    context = {
        "workflow": workflow,
        "ballot": ballot,
        "form": form,
        "expected": expected,
        "panel": judge_typed_count(workflow, ballot, form, expected),
        "entered": entered_ballots(form, ballot),
        "oob": True,
    }
    return render(request, "elections/meeting/_live.html", context)


# --- the committee's first meeting -----------------------------------------------------------


def committee_initial(workflow, elected):
    """What was recorded, or the proposals: the election day, the posts proposed on the
    request, the whole committee expected (after a by-election, its sitting members too)."""
    last = workflow.rounds.filter(confirmed_at__isnull=False).order_by("-number").first()
    if workflow.kind == WorkflowKind.BY_ELECTION:
        committee_size = workflow.committee_size
    else:
        committee_size = len(elected)
    initial = {
        "committee_met_on": workflow.committee_met_on or (last.held_on if last else None),
        "committee_expected": workflow.committee_expected or committee_size,
        "committee_present": workflow.committee_present,
    }
    votes_fields = {
        PostKind.SECRETARY: "secretary_votes",
        PostKind.DEPUTY_SECRETARY: "deputy_votes",
    }
    for candidate in elected:
        initial[post_field(candidate.pk)] = candidate.post or candidate.proposed_post
        if candidate.post in votes_fields:
            initial[votes_fields[candidate.post]] = candidate.post_votes
    return initial


@login_required
def committee(request, pk):
    workflow = visible_workflow(request, pk)
    context = page_context(request, workflow)
    may_record = Action.RECORD_COMMITTEE in context["actions"]
    elected = services.elected_candidates(workflow)
    form = None
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("只有本组织的党务工作者可以登记委员会第一次全体会议")
        form = CommitteeForm(request.POST, elected=elected)
        if form.is_valid():
            try:
                services.record_committee_meeting(
                    request.user, workflow, **form.service_arguments()
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
                workflow.refresh_from_db()
            else:
                messages.success(request, "委员会第一次全体会议已登记")
                return redirect("elections-committee", workflow.pk)
    elif may_record:
        form = CommitteeForm(initial=committee_initial(workflow, elected), elected=elected)
    context.update(form=form, elected=elected, may_record=may_record)
    return render(request, "elections/meeting/committee.html", context)
