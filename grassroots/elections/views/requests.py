"""Pages of the requests: the workflow lists, the request forms with live
checks, the workflow page (timeline, candidates, rounds, actions, documents), the reviewer's
queue and the reminders. Every workflow is read through `Workflow.objects.visible_to`
(another subtree answers 404) and every change goes through `services.py`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from grassroots.core.access import Scope, can, visible_or_404
from grassroots.core.choices import Permission
from grassroots.core.excel import wants_xlsx, xlsx_list
from grassroots.core.forms import apply_service_errors
from grassroots.core.pages import ancestors, page_of, require_edit, visible_org
from grassroots.documents.pdf import pdf_available
from grassroots.elections import rules, services
from grassroots.elections.choices import (
    EDITABLE_STATES,
    REVIEW_STATES,
    Action,
    TallyProblem,
    WorkflowKind,
)
from grassroots.elections.documents import available_documents, signer_of, template_names
from grassroots.elections.filtersets import WorkflowListFilter
from grassroots.elections.forms.requests import (
    PROPOSED_POSTS,
    REQUEST_FIELDS,
    REVIEW_ACTIONS,
    ActionForm,
    MemberRows,
    VacancyRows,
    allowed_members,
    request_form,
)
from grassroots.elections.models import RoundCandidate, Workflow
from grassroots.elections.reminders import user_reminders
from grassroots.orgs.choices import OrgKind, Severity

WORKFLOWS_PAGE = 50
HOME_REMINDERS = 5  # per list on the home page; the reminders page shows all
# Transitions taken on the workflow page, and the service taking each.
PAGE_ACTIONS = {
    Action.SUBMIT: services.submit,
    Action.RETURN: services.return_request,
    Action.APPROVE: services.approve_request,
    Action.WITHDRAW: services.withdraw,
    Action.SUBMIT_RESULT: services.submit_result,
    Action.RETURN_RESULT: services.return_result,
    Action.APPROVE_RESULT: services.approve_result,
    Action.FILE: services.file_team,
}
# Transitions taken on the election-meeting pages (views/meeting.py).
MEETING_PAGES = {
    Action.RECORD_MEETING: "elections-count",
    Action.CONFIRM_RESULT: "elections-count",
    Action.RECORD_COMMITTEE: "elections-committee",
}


# --- reading workflows -----------------------------------------------------------------------


def workflows_of(user, permission=Permission.VIEW):
    return Workflow.objects.visible_to(user, permission).select_related(
        "org", "parent", "created_by"
    )


def visible_workflow(request, pk):
    related = ("org__parent", "parent", "created_by", "term")
    return visible_or_404(request, Workflow.objects.select_related(*related), pk)


def subject_org(workflow):
    """The organisation the workflow's pages sit under: its own, or (an establishment not yet
    carried out) the parent it is proposed under."""
    return workflow.org if workflow.org_id else workflow.parent


def awaiting_review(user):
    """Workflows waiting for `user`'s review: in a review state, and the user a reviewer of
    the level above (the approve permission over the organisation's parent, as
    `services.may_review` decides for one workflow)."""
    scope = Scope.of(user)
    waiting = workflows_of(user, Permission.APPROVE).filter(state__in=REVIEW_STATES)
    if scope.is_unrestricted(Permission.APPROVE):
        return waiting
    return waiting.filter(
        (Q(org__isnull=False) & scope.q(Permission.APPROVE, "org__parent__path"))
        | (Q(org__isnull=True) & scope.q(Permission.APPROVE, "parent__path"))
    )


# --- lists -----------------------------------------------------------------------------------


def workflow_workbook(workflows):
    rows = (
        [
            w.get_kind_display(),
            w.doc_number,
            w.subject_name,
            w.get_state_display(),
            w.created_by.get_full_name() or w.created_by.get_username(),
            timezone.localtime(w.updated_at).replace(tzinfo=None),
        ]
        for w in workflows.select_related("created_by")
    )
    headers = ["事项", "文号", "党组织", "状态", "起草人", "最近办理"]
    return xlsx_list("换届补选", headers, [12, 20, 30, 16, 12, 18], rows, "成立换届补选事项.xlsx")


@login_required
def workflow_list(request, pk=None):
    """Workflows across the user's subtree, or of one organisation (with the establishments
    proposed under it)."""
    user = request.user
    workflows = workflows_of(user)
    org = None
    if pk is not None:
        org = visible_org(request, pk)
        workflows = workflows.filter(Q(org=org) | Q(org__isnull=True, parent=org))
    filters = WorkflowListFilter.for_page(request, workflows, ["kind", "state"])
    workflows = filters.qs.order_by("-updated_at", "-pk")
    if wants_xlsx(request):
        return workflow_workbook(workflows)
    page = page_of(request, workflows, WORKFLOWS_PAGE)
    context = {
        "page": page,
        "form": filters.form,
        "org": org,
        "queue_count": awaiting_review(user).count(),
    }
    if org is not None:
        context.update(
            trail=ancestors(user, org),
            term=org.terms.current().first(),
            can_edit=org.is_active and can(user, Permission.EDIT, org),
            functional=org.kind == OrgKind.FUNCTIONAL_BRANCH,
            kinds=WorkflowKind,
        )
    return render(request, "elections/workflow_list.html", context)


@login_required
def review_queue(request):
    waiting = awaiting_review(request.user).order_by("updated_at", "pk")
    page = page_of(request, waiting, WORKFLOWS_PAGE)
    return render(request, "elections/queue.html", {"page": page})


@login_required
def reminders(request):
    """The reminders of the user's subtree (the home page loads them with htmx, so that the
    page itself does not wait for a large subtree)."""
    user = request.user
    found = user_reminders(user)
    editable = {
        r.org_id for rows in found.values() for r in rows if can(user, Permission.EDIT, r.org_path)
    }
    partial = request.headers.get("HX-Request")
    template = "elections/_reminders.html" if partial else "elections/reminders.html"
    context = {
        "reminders": found,
        "editable": editable,
        "shown": HOME_REMINDERS if partial else None,
        "queue_count": awaiting_review(user).count(),
        "kinds": WorkflowKind,
    }
    return render(request, template, context)


# --- the request form ------------------------------------------------------------------------


def candidate_rows(workflow):
    if workflow is None:
        return []
    return [
        (c.member, c.proposed_post, c.performance)
        for c in workflow.candidates.select_related("member")
    ]


def roster_rows(workflow):
    if workflow is None:
        return []
    return [(e.member,) for e in workflow.roster.select_related("member")]


def vacancy_rows(kind, subject, workflow, data):
    if kind != WorkflowKind.BY_ELECTION:
        return None
    saved = dict(workflow.vacancies.values_list("post_id", "cause")) if workflow else {}
    return VacancyRows(services.vacated_posts(subject), data, saved)


def service_arguments(kind, subject, workflow, candidates, roster, vacancies=None):
    """The services' arguments besides the request's fields: the organisation (or the
    parent of one to establish) of a new request, the candidates, the roster and the
    vacancies' causes."""
    rows = {"candidates": candidates.cleaned}
    if roster is not None:
        rows["roster"] = roster.cleaned
    if vacancies is not None:
        rows["vacancies"] = vacancies.cleaned
    if workflow is not None:
        return rows
    where = {"parent": subject} if kind == WorkflowKind.ESTABLISHMENT else {"org": subject}
    return {**where, **rows}


def save_request(user, kind, subject, workflow, fields, candidates, roster, vacancies):
    """Create or change the request through the services."""
    arguments = service_arguments(kind, subject, workflow, candidates, roster, vacancies)
    if workflow is None:
        return services.create_workflow(user, kind, **arguments, **fields)
    return services.update_workflow(user, workflow, **arguments, **fields)


def check_request(user, kind, subject, workflow, fields, candidates, roster, vacancies):
    """The problems saving and submitting this input would meet (`services.check_request`:
    the same checks as saving, nothing written)."""
    arguments = service_arguments(kind, subject, workflow, candidates, roster, vacancies)
    return services.check_request(user, kind, workflow, **arguments, **fields)


def input_problems(form, *row_lists):
    """What the form itself refused (a malformed number, a member not allowed)."""
    problems = [
        rules.Problem(field, message) for field, errors in form.errors.items() for message in errors
    ]
    for rows in row_lists:
        if rows is not None:
            problems.extend(rules.Problem(rows.field, message) for message in rows.errors)
    return problems


def request_page(request, kind, subject, workflow=None):
    """The request form. A POST with `?check` is the live check (htmx, as the clerk types):
    it answers the problems only; otherwise the request is saved (and, with `submit`,
    submitted) in one transaction, or nothing is saved and the problems are shown."""
    user = request.user
    data = request.POST if request.method == "POST" else None
    if workflow is not None:
        initial = {name: getattr(workflow, name) for name in REQUEST_FIELDS[kind]}
    elif kind == WorkflowKind.ESTABLISHMENT:
        initial = {"proposed_category": subject.category}
    elif kind == WorkflowKind.BY_ELECTION:
        initial = services.by_election_defaults(subject)
    else:
        initial = {}
    form = request_form(kind, data, initial=initial)
    allowed = allowed_members(user, subject)
    candidates = MemberRows("candidate", allowed, subject, data, candidate_rows(workflow))
    roster = None
    if kind == WorkflowKind.ESTABLISHMENT:
        roster = MemberRows("roster", allowed, subject, data, roster_rows(workflow), False)
    vacancies = vacancy_rows(kind, subject, workflow, data)
    rows_valid = candidates.is_valid() and (roster is None or roster.is_valid())
    args = (user, kind, subject, workflow)
    if data is None:
        if workflow is not None:
            problems = services.request_problems(workflow)
        else:
            problems = check_request(*args, initial, candidates, roster, vacancies)
    elif not (form.is_valid() and rows_valid):
        problems = input_problems(form, candidates, roster)
    elif "check" in request.GET:
        problems = check_request(*args, form.cleaned_data, candidates, roster, vacancies)
    else:
        try:
            with transaction.atomic():
                saved = save_request(*args, form.cleaned_data, candidates, roster, vacancies)
                if "submit" in data:
                    services.submit(user, saved)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            if workflow is not None:
                workflow.refresh_from_db()  # as saved: the services set fields before refusing
            problems = check_request(*args, form.cleaned_data, candidates, roster, vacancies)
        else:
            done = "已保存并提交，等待上级党组织审批" if "submit" in data else "已保存草稿"
            messages.success(request, done)
            return redirect("elections-workflow", saved.pk)
    if "check" in request.GET:
        return render(request, "elections/_live_checks.html", live_context(form, problems))
    if kind == WorkflowKind.ESTABLISHMENT:
        title = f"在{subject.name}之下成立党组织的请示"
    elif kind == WorkflowKind.APPOINTMENT:
        title = f"{subject.name}书记任命请示"
    else:
        title = f"{subject.name}{WorkflowKind(kind).label}请示"
    context = {
        "form": form,
        "kind": kind,
        "kinds": WorkflowKind,
        "subject": subject,
        "workflow": workflow,
        "candidates": candidates,
        "roster": roster,
        "vacancies": vacancies,
        "templates": template_names(kind),
        "post_choices": PROPOSED_POSTS,
        "title": title,
        "trail": [*ancestors(user, subject), subject],
        **live_context(form, problems),
    }
    return render(request, "elections/request_form.html", context)


FIELD_LABELS = {
    "candidates": "候选人",
    "roster": "党员名册",
    "vacancies": "委员空缺",
    "state": "办理",
    "org": "党组织",
}


def live_context(form, problems):
    def label(field):
        if field in form.fields:
            return form.fields[field].label
        return FIELD_LABELS.get(field, "")

    shown = [
        {"field": p.field, "label": label(p.field), "message": p.message, "error": p.is_error}
        for p in problems
    ]
    return {
        "problems": shown,
        "blocking": any(p.is_error for p in problems),
        "severity": Severity,
    }


@login_required
def request_new(request, pk, kind):
    if kind not in REQUEST_FIELDS:
        raise Http404
    subject = visible_org(request, pk)
    require_edit(request, subject)
    return request_page(request, kind, subject)


@login_required
def request_edit(request, pk):
    workflow = visible_workflow(request, pk)
    if not services.may_edit(request.user, workflow):
        raise PermissionDenied("只有本组织的党务工作者可以修改请示")
    if workflow.state not in EDITABLE_STATES:
        messages.error(request, f"当前状态为“{workflow.get_state_display()}”，请示内容不能再修改")
        return redirect("elections-workflow", workflow.pk)
    return request_page(request, workflow.kind, subject_org(workflow), workflow)


@login_required
@require_POST
def team_filing(request, pk):
    """A functional branch's team unchanged at the society's 换届: drafted and filed with
    the level above in one step (nobody approves a filing)."""
    org = visible_org(request, pk)
    require_edit(request, org)
    try:
        with transaction.atomic():
            filing = services.create_workflow(request.user, WorkflowKind.TEAM_FILING, org=org)
            services.file_team(request.user, filing, request.POST.get("comment", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("elections-org", org.pk)
    messages.success(request, "班子人选没有变化，已报上级党组织备案")
    return redirect("elections-workflow", filing.pk)


# --- the workflow page -----------------------------------------------------------------------


def round_summaries(workflow):
    """Each round with its votes and, once confirmed, the tally's answer in names."""
    rounds = list(
        workflow.rounds.prefetch_related(
            Prefetch(
                "entries",
                queryset=RoundCandidate.objects.select_related("candidate__member"),
            )
        )
    )
    for round_ in rounds:
        names = {str(e.candidate_id): e.candidate.member.name for e in round_.entries.all()}
        result = round_.result or {}
        round_.elected_names = [names.get(key, key) for key in result.get("elected", [])]
        round_.runoff_names = [names.get(key, key) for key in result.get("runoff", [])]
        round_.problem_labels = [TallyProblem(code).label for code in result.get("problems", [])]
    return rounds


def action_links(workflow, actions):
    """Links to the election-meeting pages for the actions taken there."""
    links = []
    for action in actions:
        if action in MEETING_PAGES:
            try:
                url = reverse(MEETING_PAGES[action], args=[workflow.pk])
            except NoReverseMatch:
                continue
            if url not in [u for _, u in links]:
                links.append((Action(action).label, url))
    return links


def page_actions_for(user, workflow):
    return [a for a in services.actions_for(user, workflow) if a in PAGE_ACTIONS]


def detail_context(request, workflow, action_form=None):
    user = request.user
    actions = services.actions_for(user, workflow)
    page_actions = [a for a in actions if a in PAGE_ACTIONS]
    subject = subject_org(workflow)
    problems = []
    if workflow.state in EDITABLE_STATES:
        problems = services.request_problems(workflow)
    if action_form is None and page_actions:
        action_form = ActionForm(
            actions=page_actions, initial={"result_doc_number": workflow.result_doc_number}
        )
    return {
        "workflow": workflow,
        "subject": subject,
        "trail": [*ancestors(user, subject), subject],
        "timeline": workflow.transitions.select_related("by").order_by("at", "pk"),
        "candidates": workflow.candidates.select_related("member__org", "elected_in"),
        "roster": workflow.roster.select_related("member__org")
        if workflow.kind == WorkflowKind.ESTABLISHMENT
        else None,
        "rounds": round_summaries(workflow),
        "page_actions": [(a, Action(a).label) for a in page_actions],
        "review_actions": REVIEW_ACTIONS,
        "action_form": action_form,
        "meeting_links": action_links(workflow, actions),
        "can_edit": workflow.state in EDITABLE_STATES and services.may_edit(user, workflow),
        "problems": problems,
        "blocking": any(p.is_error for p in problems),
        "documents": available_documents(workflow),
        "pdf": pdf_available(),
        "vacancies": workflow.vacancies.select_related("post__member"),
        "officers": workflow.officers.select_related("member").order_by("role", "pk"),
        "signer": signer_of(workflow),
        "editable_states": EDITABLE_STATES,
    }


@login_required
def workflow_detail(request, pk):
    workflow = visible_workflow(request, pk)
    return render(request, "elections/workflow_detail.html", detail_context(request, workflow))


@login_required
@require_POST
def workflow_act(request, pk):
    """Take one transition of the workflow page (submit, return, approve, withdraw and those
    of the result report) through its service."""
    workflow = visible_workflow(request, pk)
    action = request.POST.get("action", "")
    if action not in PAGE_ACTIONS:
        raise Http404
    step = rules.step_for(
        services.with_committee_meeting(workflow), workflow.state, action, workflow.kind
    )
    if step is None:
        messages.error(
            request, f"当前状态为“{workflow.get_state_display()}”，不能{Action(action).label}"
        )
        return redirect("elections-workflow", workflow.pk)
    if not services.may_act(request.user, workflow, step):
        raise PermissionDenied("您不能办理此事项")
    form = ActionForm(request.POST, actions=page_actions_for(request.user, workflow))
    if form.is_valid():
        extra = {}
        if action == Action.SUBMIT_RESULT:
            extra["result_doc_number"] = form.cleaned_data["result_doc_number"]
        try:
            comment = form.cleaned_data["comment"]
            PAGE_ACTIONS[action](request.user, workflow, comment=comment, **extra)
        except ValidationError as exc:
            workflow.refresh_from_db()
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已{Action(action).label}")
            return redirect("elections-workflow", workflow.pk)
    context = detail_context(request, workflow, form)
    return render(request, "elections/workflow_detail.html", context, status=400)
