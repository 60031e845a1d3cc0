"""factory_boy factories of the election workflows: a general election's request, its
candidates and roster, counting rounds, ballots and transitions. The services drive a
workflow through its states; these make records in any state for the tests that need one."""

import datetime

import factory
from factory.django import DjangoModelFactory

from grassroots.core.tests.factories import UserFactory
from grassroots.elections.choices import (
    Action,
    OfficerRole,
    State,
    VacancyCause,
    WorkflowKind,
)
from grassroots.elections.models import (
    Ballot,
    Candidate,
    Exclusion,
    MeetingOfficer,
    RosterEntry,
    Round,
    RoundCandidate,
    Transition,
    Vacancy,
    Workflow,
)
from grassroots.orgs.tests.factories import MemberFactory, OrganizationFactory, PostFactory


class WorkflowFactory(DjangoModelFactory):
    class Meta:
        model = Workflow

    kind = WorkflowKind.GENERAL
    org = factory.SubFactory(OrganizationFactory)
    created_by = factory.SubFactory(UserFactory)
    seats = 5
    meeting_planned_on = datetime.date(2026, 3, 2)


class CandidateFactory(DjangoModelFactory):
    class Meta:
        model = Candidate

    workflow = factory.SubFactory(WorkflowFactory)
    member = factory.SubFactory(MemberFactory, org=factory.SelfAttribute("..workflow.org"))
    order = factory.Sequence(lambda n: n)


class RosterEntryFactory(DjangoModelFactory):
    class Meta:
        model = RosterEntry

    workflow = factory.SubFactory(WorkflowFactory)
    member = factory.SubFactory(MemberFactory, org=factory.SelfAttribute("..workflow.org"))


class RoundFactory(DjangoModelFactory):
    class Meta:
        model = Round

    workflow = factory.SubFactory(WorkflowFactory)
    number = 1
    seats = factory.SelfAttribute("workflow.seats")


class RoundCandidateFactory(DjangoModelFactory):
    class Meta:
        model = RoundCandidate

    round = factory.SubFactory(RoundFactory)
    candidate = factory.SubFactory(
        CandidateFactory, workflow=factory.SelfAttribute("..round.workflow")
    )


class ExclusionFactory(DjangoModelFactory):
    class Meta:
        model = Exclusion

    round = factory.SubFactory(RoundFactory)
    member = factory.SubFactory(MemberFactory, org=factory.SelfAttribute("..round.workflow.org"))
    reason = "预备党员"


class BallotFactory(DjangoModelFactory):
    class Meta:
        model = Ballot

    round = factory.SubFactory(RoundFactory)
    number = factory.Sequence(lambda n: n + 1)
    # A ballot marking one candidate of the round's workflow.
    marks = factory.LazyAttribute(lambda b: [CandidateFactory(workflow=b.round.workflow).pk])


class TransitionFactory(DjangoModelFactory):
    class Meta:
        model = Transition

    workflow = factory.SubFactory(WorkflowFactory)
    action = Action.CREATE
    to_state = State.DRAFT
    by = factory.SelfAttribute("workflow.created_by")


class VacancyFactory(DjangoModelFactory):
    class Meta:
        model = Vacancy

    workflow = factory.SubFactory(WorkflowFactory, kind=WorkflowKind.BY_ELECTION)
    post = factory.SubFactory(PostFactory, ended_on=datetime.date(2026, 1, 5))
    cause = VacancyCause.TRANSFERRED


class MeetingOfficerFactory(DjangoModelFactory):
    class Meta:
        model = MeetingOfficer

    workflow = factory.SubFactory(WorkflowFactory)
    member = factory.SubFactory(MemberFactory)
    role = OfficerRole.SCRUTINEER
