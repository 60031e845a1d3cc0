"""Codes of elections and of the tally (DESIGN.md vocabulary). The workflows' own codes live
in workflow_choices.py."""

from django.db import models


class ElectionKind(models.TextChoices):
    GENERAL = "general", "换届选举"
    BY_ELECTION = "by_election", "补选"
    FOUNDING = "founding", "成立首届选举"


class TallyProblem(models.TextChoices):
    """Why a count is not a valid election (docs/decisions/0007-tally.md): any one of them
    voids the vote, which is then held again."""

    QUORUM_NOT_MET = "QUORUM_NOT_MET", "到会有选举权的党员未超过应到会人数的五分之四"
    BALLOTS_EXCEED_ISSUED = "BALLOTS_EXCEED_ISSUED", "收回选票多于发出选票"
    VOTES_EXCEED_BALLOTS = "VOTES_EXCEED_BALLOTS", "得票数超出有效选票所能容纳的票数"
    SURPLUS_TOO_LOW = "SURPLUS_TOO_LOW", "候选人差额低于应选名额的20%"
    NOT_ONE_PER_SEAT = "NOT_ONE_PER_SEAT", "补选候选人数与应选名额不等"
