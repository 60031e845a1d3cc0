"""Forms of the election-day pages. They only parse what was typed: the count is judged by the
tally (`services.run_tally`), saved by `services.record_count` and the committee's first
meeting by `services.record_committee_meeting`, whose errors are put next to the fields."""

import json

from django import forms
from django.http import QueryDict

from grassroots.core.forms import BootstrapForm, DateInput
from grassroots.elections.choices import CountMode, OfficerRole
from grassroots.orgs.choices import PostKind

# The figures of a count typed on the page (the voters expected are worked out, not typed).
COUNT_NUMBERS = (
    "present_members",
    "present_voters",
    "ballots_issued",
    "ballots_returned",
    "invalid_ballots",
)


def count_field(label, **kwargs):
    """A count typed on a tablet: a whole number, the numeric keypad."""
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=99999,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        **kwargs,
    )


class ErrorSlot(forms.Field):
    """No input: where errors about a part of the count (the candidates' votes, the voters
    expected, the posts) are shown."""

    widget = forms.HiddenInput

    def __init__(self):
        super().__init__(required=False)


class RowsField(forms.Field):
    """A field repeated once per row of a list (`name` several times in the POST)."""

    widget = forms.MultipleHiddenInput

    def __init__(self):
        super().__init__(required=False)

    def to_python(self, value):
        return [str(item).strip() for item in value or []]


class CountForm(BootstrapForm):
    """The count of one round. `entries` are the round's candidates as (candidate id, name)
    in ballot order; `eligible` the members with a vote (who may be left out of the count)."""

    held_on = forms.DateField(label="大会日期", required=False, widget=DateInput)
    mode = forms.ChoiceField(
        label="计票方式",
        choices=CountMode.choices,
        initial=CountMode.TOTALS,
        widget=forms.RadioSelect,
    )
    exclusions = RowsField()
    exclusion_reasons = RowsField()
    expected_voters = ErrorSlot()
    present_members = count_field("实到党员")
    present_voters = count_field("实到会有选举权党员")
    ballots_issued = count_field("发出选票")
    ballots_returned = count_field("收回选票")
    invalid_ballots = count_field("无效票")
    votes = ErrorSlot()
    # Ballot by ballot: the ballots entered so far ([[candidate id, ...], ...], kept by the
    # page's script) and the names marked on the paper in hand.
    ballots = forms.CharField(required=False, widget=forms.HiddenInput)
    mark = forms.TypedMultipleChoiceField(
        required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    # Seed 004's agenda, step 2③: 「提出监票人建议名单，指定计票人员等（委员候选人不得担任监计
    # 票人员）」.
    scrutineers = forms.TypedMultipleChoiceField(
        label="监票人", required=False, coerce=int, help_text="委员候选人不得担任"
    )
    tellers = forms.TypedMultipleChoiceField(
        label="计票人", required=False, coerce=int, help_text="委员候选人不得担任"
    )
    comment = forms.CharField(label="备注", required=False, max_length=500)

    def __init__(self, *args, entries, eligible, attending=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = list(entries)
        self.eligible = {member.pk: member for member in eligible}
        # Members expected at the meeting, of whom the scrutineers and tellers are.
        self.attending = {member.pk: member for member in attending}
        for name in ("scrutineers", "tellers"):
            self.fields[name].choices = [(pk, m.name) for pk, m in self.attending.items()]
            self.fields[name].widget.attrs.update({"class": "form-select", "size": 5})
        for candidate_id, name in self.entries:
            self.fields[vote_field(candidate_id)] = count_field(name)
            self.fields[vote_field(candidate_id)].widget.attrs["class"] = "form-control"
        self.fields["mark"].choices = self.entries

    def officer_fields(self):
        return [self["scrutineers"], self["tellers"]]

    def vote_fields(self):
        return [self[vote_field(candidate_id)] for candidate_id, _ in self.entries]

    @property
    def by_ballot(self):
        mode = self.cleaned_data.get("mode") if hasattr(self, "cleaned_data") else None
        return (mode or self["mode"].value()) == CountMode.BALLOTS

    def clean_ballots(self):
        raw = self.cleaned_data["ballots"]
        if not raw:
            return []
        known = {candidate_id for candidate_id, _ in self.entries}
        try:
            ballots = json.loads(raw)
            ballots = [[int(mark) for mark in ballot] for ballot in ballots]
        except (TypeError, ValueError):
            ballots = None
        if ballots is None or any(
            set(ballot) - known or len(set(ballot)) != len(ballot) for ballot in ballots
        ):
            raise forms.ValidationError("选票录入数据有误，请刷新页面后重新录入")
        return ballots

    def clean(self):
        data = super().clean()
        members = data.get("exclusions") or []
        reasons = data.get("exclusion_reasons") or []
        rows, errors = [], []
        for index, value in enumerate(members):
            reason = reasons[index] if index < len(reasons) else ""
            if not value:
                continue  # a row added but not filled in
            member = self.eligible.get(int(value)) if value.isdigit() else None
            if member is None:
                errors.append("所选党员不是本次大会有选举权的党员")
            elif member in (m for m, _ in rows):
                errors.append(f"{member.name}重复列出")
            elif not reason:
                errors.append(f"请填写{member.name}不计入应到会人数的原因")
            else:
                rows.append((member, reason))
        if errors:
            self.add_error("exclusions", errors)
        data["exclusion_rows"] = rows
        return data

    def exclusion_rows(self):
        """(member id, reason) rows as typed, for showing them again."""
        members = self["exclusions"].value() or []
        reasons = self["exclusion_reasons"].value() or []
        return [
            (str(value), reasons[index] if index < len(reasons) else "")
            for index, value in enumerate(members)
        ]

    def votes_by_candidate(self):
        return {
            candidate_id: self.cleaned_data.get(vote_field(candidate_id))
            for candidate_id, _ in self.entries
        }

    def service_arguments(self, expected):
        """`services.record_meeting`'s arguments; `expected`: the members and voters expected
        (`count_entry.Expected`)."""
        data = self.cleaned_data
        count = (
            {"ballots": data["ballots"]} if self.by_ballot else {"votes": self.votes_by_candidate()}
        )
        return {
            "exclusions": data["exclusion_rows"],
            "scrutineers": [self.attending[pk] for pk in data["scrutineers"]],
            "tellers": [self.attending[pk] for pk in data["tellers"]],
            "held_on": data["held_on"],
            "mode": data["mode"],
            "expected_members": expected.expected_members,
            "expected_voters": expected.expected_voters,
            **{name: data[name] for name in COUNT_NUMBERS},
            **count,
        }


def saved_count(workflow, saved):
    """The round `saved`'s count as the CountForm posts it; before any (`saved` None), the
    planned date."""
    data = QueryDict(mutable=True)
    data["mode"] = CountMode.TOTALS
    for role, name in ((OfficerRole.SCRUTINEER, "scrutineers"), (OfficerRole.TELLER, "tellers")):
        officers = workflow.officers.filter(role=role).order_by("pk")
        data.setlist(name, [str(pk) for pk in officers.values_list("member_id", flat=True)])
    if saved is None:
        if workflow.meeting_planned_on:
            data["held_on"] = workflow.meeting_planned_on.isoformat()
        return data
    data["mode"] = saved.mode
    if saved.held_on:
        data["held_on"] = saved.held_on.isoformat()
    for name in COUNT_NUMBERS:
        if getattr(saved, name) is not None:
            data[name] = str(getattr(saved, name))
    for entry in saved.entries.all():
        if entry.votes is not None:
            data[vote_field(entry.candidate_id)] = str(entry.votes)
    data["ballots"] = json.dumps([ballot.marks for ballot in saved.ballots.all()])
    exclusions = list(saved.exclusions.all())
    data.setlist("exclusions", [str(e.member_id) for e in exclusions])
    data.setlist("exclusion_reasons", [e.reason for e in exclusions])
    return data


def vote_field(candidate_id):
    return f"votes_{candidate_id}"


class CommitteeForm(BootstrapForm):
    """The committee's first meeting: attendance, the post of each member elected (`elected`:
    the candidates) and the votes for secretary and deputy."""

    committee_met_on = forms.DateField(label="会议日期", required=False, widget=DateInput)
    committee_expected = count_field("应到会委员")
    committee_present = count_field("实到会委员")
    posts = ErrorSlot()
    secretary_votes = count_field("书记人选得票")
    deputy_votes = count_field("副书记人选得票")
    votes = ErrorSlot()
    comment = forms.CharField(label="备注", required=False, max_length=500)

    def __init__(self, *args, elected, **kwargs):
        super().__init__(*args, **kwargs)
        self.elected = list(elected)
        for candidate in self.elected:
            self.fields[post_field(candidate.pk)] = forms.ChoiceField(
                label=candidate.member.name,
                choices=[("", "请选择"), *PostKind.choices],
                required=False,
            )
            self.fields[post_field(candidate.pk)].widget.attrs["class"] = "form-select"

    def post_fields(self):
        return [self[post_field(candidate.pk)] for candidate in self.elected]

    def service_arguments(self):
        data = self.cleaned_data
        votes = {
            PostKind.SECRETARY: data["secretary_votes"],
            PostKind.DEPUTY_SECRETARY: data["deputy_votes"],
        }
        return {
            "met_on": data["committee_met_on"],
            "expected": data["committee_expected"],
            "present": data["committee_present"],
            "posts": {c.pk: data[post_field(c.pk)] for c in self.elected},
            "votes": {post: value for post, value in votes.items() if value is not None},
            "comment": data["comment"],
        }


def post_field(candidate_id):
    return f"post_{candidate_id}"
