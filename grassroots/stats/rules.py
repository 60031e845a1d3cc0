"""The pure parts of the statistics: shares, the coverage rate and percentages, over plain
values. The age bands and joining periods are the registry's (`orgs.rules`): its subtree
tallies count by them."""


def share(part: int, whole: int) -> float | None:
    """`part` of `whole` as a fraction rounded to four places; None when `whole` is 0."""
    if not whole:
        return None
    return round(part / whole, 4)


def coverage_rate(with_org: int, total: int) -> float | None:
    """组织覆盖率: units with their own or a joint organisation over all units; None when
    there are no units (seed 004 aims at 80%)."""
    return share(with_org, total)


def percent(fraction: float | None) -> str:
    """A share as the tables print it: "37.5%", or "—" when there is nothing to share."""
    if fraction is None:
        return "—"
    return f"{fraction * 100:.1f}%"
