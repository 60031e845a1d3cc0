"""Forms of the request pages (templates 1, 4 and 7 of seed 004, with the candidates of
templates 2, 5 and 8 and the roster of template 3). They only parse input; the services
check it and save it."""

from itertools import zip_longest

from django import forms
from django.db.models import Q

from grassroots.core.forms import BootstrapForm, PickerWidget, fields_form
from grassroots.elections.choices import Action, VacancyCause, WorkflowKind
from grassroots.elections.models import PERFORMANCE_LENGTH, Workflow
from grassroots.orgs.choices import OrgKind, PostKind
from grassroots.orgs.models import Member
from grassroots.orgs.rules import FORMED_KINDS

REQUEST_FIELDS = {
    WorkflowKind.ESTABLISHMENT: [
        "proposed_name",
        "proposed_short_name",
        "proposed_kind",
        "proposed_category",
        "decided_on",
        "decided_by",
        "seats",
        "office_head",
        "doc_number",
        "signer",
    ],
    WorkflowKind.GENERAL: ["doc_number", "signer", "meeting_planned_on", "seats"],
    WorkflowKind.BY_ELECTION: [
        "doc_number",
        "signer",
        "meeting_planned_on",
        "committee_size",
        "seats",
    ],
    WorkflowKind.APPOINTMENT: ["doc_number"],
}
# The templates' own words for the seats.
SEATS_LABELS = {
    WorkflowKind.ESTABLISHMENT: ("组成人数", "党委/党总支/党支部由几人组成（书记、副书记、委员）"),
    WorkflowKind.GENERAL: ("委员会组成人数（应选名额）", "差额不低于20%"),
    WorkflowKind.BY_ELECTION: ("补选名额", "每个空缺1名候选人（等额）"),
}
FORM_CLASSES = {kind: fields_form(Workflow, names) for kind, names in REQUEST_FIELDS.items()}
# Posts a candidate may be proposed for; blank: an ordinary member of the committee.
PROPOSED_POSTS = [("", "委员"), *((p, PostKind(p).label) for p in PostKind.values[:-1])]


def request_form(kind, *args, **kwargs):
    """The request's own fields for `kind` (the candidates and roster are `MemberRows`)."""
    form = FORM_CLASSES[kind](*args, **kwargs)
    if kind in SEATS_LABELS:
        label, help_text = SEATS_LABELS[kind]
        form.fields["seats"].label, form.fields["seats"].help_text = label, help_text
    if "proposed_kind" in form.fields:
        form.fields["proposed_kind"].choices = [
            ("", "请选择"),
            *((k, OrgKind(k).label) for k in OrgKind.values if k in FORMED_KINDS),
        ]
    return form


def allowed_members(user, subject):
    """Members the pickers offer (`member-picker`): of the organisation, or for an
    establishment of the parent it is proposed under (its subtree, or a functional
    membership there), within what the user sees."""
    return (
        Member.objects.visible_to(user)
        .current()
        .filter(
            Q(org__path__startswith=subject.path)
            | Q(memberships__org=subject, memberships__ended_on__isnull=True)
        )
        .distinct()
    )


class MemberRows:
    """Rows of members picked in the request form: the candidates (each with a proposed
    post and the filing form's 工作表现) or the roster. Read from repeated inputs
    `<prefix>_member` (and `<prefix>_post`, `<prefix>_performance`), in page order; a
    member outside `allowed` is refused. `initial`: (member, post, performance) or
    (member,) for the roster."""

    performance_length = PERFORMANCE_LENGTH

    def __init__(self, prefix, allowed, picker_org, data=None, initial=(), with_post=True):
        self.prefix = prefix
        self.field = "candidates" if with_post else "roster"  # the services' field name
        self.with_post = with_post
        self.picker_org = picker_org
        self.errors = []
        self.cleaned = []
        if data is None:
            self.rows = [self._row(m.pk, m.name, *extra) for m, *extra in initial]
            self.cleaned = [self._cleaned(m, *extra) for m, *extra in initial]
            return
        ids = data.getlist(f"{prefix}_member")
        posts = data.getlist(f"{prefix}_post") if with_post else []
        performances = data.getlist(f"{prefix}_performance") if with_post else []
        wanted = [int(pk) for pk in ids if pk.isdigit()]
        found = {m.pk: m for m in allowed.filter(pk__in=wanted)}
        self.rows = []
        # Inputs missing at the end (a roster has no post) read as empty.
        columns = zip_longest(ids, posts, performances, fillvalue="")
        for number, (pk, post, performance) in enumerate(columns, start=1):
            if not pk:
                continue  # a row left empty
            member = found.get(int(pk)) if pk.isdigit() else None
            if member is None:
                self.errors.append(f"第{number}行的党员不在本组织，或不在您的权限范围内")
                continue
            if with_post and post not in dict(PROPOSED_POSTS):
                self.errors.append(f"请为{member.name}选择拟任职务")
                continue
            # Counted as the textarea's maxlength counts: a line break is one character.
            performance = performance.replace("\r\n", "\n").strip()
            self.rows.append(self._row(member.pk, member.name, post, performance))
            if len(performance) > PERFORMANCE_LENGTH:
                self.errors.append(f"{member.name}的工作表现不能超过{PERFORMANCE_LENGTH}字")
            else:
                self.cleaned.append(self._cleaned(member, post, performance))

    def _cleaned(self, member, post="", performance=""):
        if not self.with_post:
            return member
        return {"member": member, "proposed_post": post, "performance": performance}

    def _row(self, pk, label, post="", performance=""):
        return {"pk": pk, "label": label, "post": post, "performance": performance}

    def is_valid(self):
        return not self.errors

    def picker(self, row=None):
        """The registry's search-as-you-type picker for one row (the `member-picker`
        offers the organisation's members)."""
        widget = RowPicker({str(row["pk"]): row["label"]} if row else {}, self.picker_org)
        attrs = {"class": "form-control", "aria-label": "党员"}
        return widget.render(f"{self.prefix}_member", row["pk"] if row else "", attrs)

    def widgets(self):
        return [(row, self.picker(row)) for row in self.rows]

    def blank(self):
        return self.picker()


class VacancyRows:
    """Why each member left a seat the by-election fills: one choice per post of the
    current term left with its seat open (`services.vacated_posts`), read from
    `vacancy_<post id>`. The request's 事由 is built from these; nothing is typed."""

    field = "vacancies"
    choices = [("", "请选择"), *VacancyCause.choices]

    def __init__(self, posts, data=None, saved=None):
        saved = saved or {}
        self.rows = []
        self.cleaned = []
        for post in posts:
            name = f"vacancy_{post.pk}"
            cause = data.get(name, "") if data is not None else saved.get(post.pk, "")
            if cause not in VacancyCause.values:
                cause = ""
            self.rows.append({"post": post, "name": name, "cause": cause})
            self.cleaned.append({"post": post, "cause": cause})
        # Rows with no cause stay out: the check names who is missing one.
        self.cleaned = [row for row in self.cleaned if row["cause"]]


class RowPicker(PickerWidget):
    """A member picker whose label comes with the row (no query per row)."""

    def __init__(self, labels, org):
        super().__init__("member-picker", {"org": org.pk}, "输入姓名搜索")
        self.labels = labels

    def label_for(self, value):
        return self.labels.get(str(value), "")


REVIEW_ACTIONS = {Action.RETURN, Action.APPROVE, Action.RETURN_RESULT, Action.APPROVE_RESULT}


class ActionForm(BootstrapForm):
    """The comment of the transitions offered on the workflow page (one box, one button per
    action) and, when the result report may be submitted, its document number."""

    result_doc_number = forms.CharField(label="结果报告文号", max_length=50, required=False)
    comment = forms.CharField(label="说明", required=False, widget=forms.Textarea)

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["comment"]
        field.widget.attrs["rows"] = 3
        if REVIEW_ACTIONS & set(actions):
            field.label = "审批意见"
            field.widget.attrs["placeholder"] = "退回时必填：请写明需要修改或补充的内容"
        if Action.SUBMIT_RESULT not in actions:
            del self.fields["result_doc_number"]
