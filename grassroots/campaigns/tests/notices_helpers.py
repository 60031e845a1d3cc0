"""What the notice and survey tests share: the dates of the 2026 National Day notice, an
approved application of the scene, today moved, the calendar loaded, a results workbook."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook

from grassroots.campaigns.choices import ApplicationState
from grassroots.campaigns.services import notices as services
from grassroots.campaigns.tests.factories import ApplicationFactory

D = datetime.date
# Published the day before National Day: 5 working days end on 13 October (RULES.md).
PUBLISHED, ENDS = D(2026, 9, 30), D(2026, 10, 13)
DURING, AFTER = D(2026, 10, 9), D(2026, 10, 14)


def approved(scene, org_key="community", unit_key="east", state=ApplicationState.APPROVED):
    """An application of the scene's campaign for 示范 in `state`."""
    org = scene[org_key]
    return ApplicationFactory(
        level=scene["demo"],
        org=org,
        unit=scene[unit_key],
        org_name=org.name,
        state=state,
        created_by=scene["branch_clerk"],
    )


def on_day(monkeypatch, day):
    """Today is `day` for the services, the pages and the API."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def load_calendar():
    call_command("load_holidays", stdout=io.StringIO())


def sample_notice(scene):
    """The scene's community and west village, published 2026-09-30 for 5 working days."""
    apps = [approved(scene), approved(scene, "west_village", "west")]
    return services.publish_notice(
        scene["organiser_clerk"], scene["campaign"], PUBLISHED, 5, apps, "028-12345678"
    )


def workbook(tmp_path, rows, header=("党组织", "满意", "基本满意", "不满意")):
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    path = tmp_path / "results.xlsx"
    book.save(path)
    return path.open("rb")
