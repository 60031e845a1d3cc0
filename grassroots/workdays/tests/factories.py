"""factory_boy factories of the working-day calendar. Defaults make a valid record."""

import datetime

import factory
from factory.django import DjangoModelFactory

from grassroots.workdays.choices import DayKind, YearSource
from grassroots.workdays.models import CalendarDay, CalendarYear


class CalendarDayFactory(DjangoModelFactory):
    """A rest day on a Monday (a weekday, so it departs from the week), one week apart."""

    class Meta:
        model = CalendarDay

    date = factory.Sequence(lambda n: datetime.date(2040, 1, 2) + datetime.timedelta(weeks=n))
    kind = DayKind.REST
    name = "测试假日"


class CalendarYearFactory(DjangoModelFactory):
    class Meta:
        model = CalendarYear
        django_get_or_create = ("year",)

    year = factory.Sequence(lambda n: 2040 + n)
    covered = True
    source = YearSource.ADMIN
