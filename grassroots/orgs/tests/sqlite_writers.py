"""Simultaneous API writes against a SQLite file, run as its own process by
test_sqlite_writers.py (the tests' in-memory database cannot show file locking):
`python -m grassroots.orgs.tests.sqlite_writers` with DATABASE_URL naming a new file.
Prints, as JSON, each race's answers and whether the member counts still hold."""

import datetime
import json
import threading

import django

D = datetime.date


def race(count, request):
    from grassroots.orgs.tests.racing import run_in_threads

    barrier = threading.Barrier(count)
    statuses = [None] * count

    def run(i):
        from django.db import connections
        from rest_framework.test import APIClient

        try:
            client = APIClient()
            client.force_authenticate(request.user)
            barrier.wait(timeout=30)
            response = client.post(*request(i), format="json")
            statuses[i] = [response.status_code, response.content.decode()]
        finally:
            connections.close_all()

    run_in_threads(count, run, timeout=120)
    return statuses


def main():
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from grassroots.core.choices import Role
    from grassroots.core.identifiers import build_citizen_id
    from grassroots.core.models import RoleAssignment
    from grassroots.orgs import services
    from grassroots.orgs.choices import Category, Gender, MemberStatus, OrgKind
    from grassroots.orgs.models import Organization

    call_command("migrate", verbosity=0)
    root = Organization(name="市委组织部", kind=OrgKind.DEPARTMENT, category=Category.OTHER)
    root.save()
    east, west = (
        Organization.objects.create(name=name, parent=root, kind=OrgKind.BRANCH, category=cat)
        for name, cat in (("东区党支部", Category.COMMUNITY), ("西区党支部", Category.VILLAGE))
    )
    user = get_user_model().objects.create_user("clerk", password="x-Password-1")
    RoleAssignment.objects.create(user=user, org=root, role=Role.CLERK)

    def member_fields(n):
        birth = D(1980, 1, 1) + datetime.timedelta(days=n)
        return {
            "name": f"党员{n}",
            "gender": Gender.MALE,
            "birth_date": birth.isoformat(),
            "id_number": build_citizen_id("110105", birth, n),
            "joined_on": "2010-07-01",
            "status": MemberStatus.FULL,
            "org": east.pk,
        }

    def new_member(n):
        fields = {**member_fields(n), "org": east}
        fields["birth_date"] = D.fromisoformat(fields["birth_date"])
        fields["joined_on"] = D.fromisoformat(fields["joined_on"])
        return services.create_member(user, **fields)

    members = [new_member(n) for n in range(6)]
    term = services.start_term(user, east, D(2024, 1, 1))

    def requests(make):
        make.user = user
        return make

    results = {
        "secretary": race(
            6,
            requests(
                lambda i: (
                    "/api/v1/posts/",
                    {
                        "term": term.pk,
                        "member": members[i].pk,
                        "post": "secretary",
                        "started_on": "2024-01-01",
                    },
                )
            ),
        ),
        "transfer": race(
            4,
            requests(
                lambda i: (
                    f"/api/v1/members/{members[0].pk}/transfer/",
                    {"to_org": west.pk, "transferred_on": "2025-03-01"},
                )
            ),
        ),
        "new_members": race(8, requests(lambda i: ("/api/v1/members/", member_fields(100 + i)))),
        "miscounted": Organization.objects.miscounted().count(),
    }
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
