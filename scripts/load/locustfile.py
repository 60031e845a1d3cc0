"""A clerk's month end on the demo city (`make load`, scripts/load.sh): demo users of several
subtrees log in through the login page, then record meetings of their branches, read a
branch's standing, open lists, statistics and the yearly statistics workbook.

    locust -f scripts/load/locustfile.py --host http://127.0.0.1:8000

Every request that does not answer as expected is a failure in locust's figures; a 503 of
the database-unavailable page is named apart ("503 数据库暂不可用") so the fault drills can
tell it from any other error.
"""

import datetime
import itertools
import json
import math
import os
import random
import re

from locust import HttpUser, between, events, task

PASSWORD = "qingchuan2026"  # grassroots/orgs/demo.py
# Clerks of three subtrees (a district, a society, a village) and the city's administrator.
USERS = ("district_clerk", "society_clerk", "village_secretary", "city_admin")
BRANCH_KINDS = ("branch", "joint_branch")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UNAVAILABLE = "数据库暂时不可用"
MEETING_POST = "记录会议 POST /api/v1/meetings/"
# Virtual clerks per login: each takes its own share of the login's branches.
SEATS = math.ceil(int(os.environ.get("LOAD_USERS", "50")) / len(USERS))
_turn = itertools.count()


def page_ok(response, text=None):
    """Mark a catch_response answer: 200 (and `text` on the page), else a failure."""
    if response.status_code == 503 and UNAVAILABLE in response.text:
        response.failure("503 数据库暂不可用")
    elif response.status_code != 200:
        response.failure(f"HTTP {response.status_code} {response.text[:100]!r}")
    elif text and text not in response.text:
        response.failure(f"missing {text!r}")
    else:
        response.success()


class Clerk(HttpUser):
    wait_time = between(1, 3)  # reading the page, filling the next form

    def on_start(self):
        turn = next(_turn)
        self.username, seat = USERS[turn % len(USERS)], turn // len(USERS)
        login = self.client.get("/login/", name="登录页")
        token = CSRF_INPUT.search(login.text).group(1)
        with self.client.post(
            "/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/login/"},
            name="登录",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                page_ok(response)
            elif response.url.rstrip("/").endswith("/login"):
                response.failure("login refused")
            else:
                response.success()
        orgs = self.api_get("/api/v1/orgs/", {"page_size": 200}, name="/api/v1/orgs/ (发现)")
        self.orgs = [o["id"] for o in orgs]
        self.branches = [o["id"] for o in orgs if o["kind"] in BRANCH_KINDS] or self.orgs
        # A branch's meetings are recorded by its own party-affairs worker: each virtual clerk
        # records those of branches no other clerk of the same login takes (a login holding
        # one branch, the society's or the village's, has one recording clerk; its others
        # read). Reads go anywhere in the login's subtree.
        self.own_branches = self.branches[seat % SEATS :: SEATS]
        self.members = {}

    def api_get(self, path, params=None, name=None):
        with self.client.get(path, params=params, name=name or path, catch_response=True) as r:
            page_ok(r)
            if r.status_code != 200:
                return []
            body = r.json()
            return body["results"] if isinstance(body, dict) and "results" in body else body

    def csrf(self):
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": self.host}

    def branch_members(self, branch, day):
        """The branch's members who had joined the Party by `day` (those who joined later
        may not attend its meetings of that day)."""
        if branch not in self.members:
            members = self.api_get(
                "/api/v1/members/", {"org": branch, "page_size": 100}, name="/api/v1/members/"
            )
            self.members[branch] = [
                (m["id"], m.get("joined_on") or f"{m['joined_year']}-12-31") for m in members
            ]
        return [pk for pk, joined in self.members[branch] if joined <= day.isoformat()]

    @task(3)
    def record_meeting(self):
        if not self.own_branches:
            return self.statistics()
        branch = random.choice(self.own_branches)
        day = datetime.date.today() - datetime.timedelta(days=random.randint(1, 25))
        members = self.branch_members(branch, day)
        if not members:  # a branch of no members (then) holds no meeting
            if not self.members[branch]:
                self.own_branches.remove(branch)
            return None
        kind = random.choice(["general_meeting", "party_lecture", "study", "theme_day"])
        payload = {
            "org": branch,
            "type": kind,
            "lecturer": members[0] if kind == "party_lecture" and members else None,
            "date": day.isoformat(),
            "topic": "学习贯彻党的二十大精神",
            "place": "党员活动室",
            "hours": 1.5,
            "attendees": random.sample(members, k=min(len(members), 8)),
        }
        with self.client.post(
            "/api/v1/meetings/",
            json=payload,
            headers=self.csrf(),
            name=MEETING_POST,
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                response.success()
            else:
                page_ok(response)  # names the failure

    @task(2)
    def standing(self):
        branch = random.choice(self.branches)
        with self.client.get(
            f"/orgs/{branch}/standing/", name="/orgs/[id]/standing/", catch_response=True
        ) as response:
            page_ok(response)

    @task(2)
    def meetings_of_a_branch(self):
        branch = random.choice(self.branches)
        with self.client.get(
            f"/orgs/{branch}/life/", name="/orgs/[id]/life/", catch_response=True
        ) as response:
            page_ok(response)

    @task(2)
    def member_list(self):
        org = random.choice(self.orgs)
        with self.client.get(
            "/members/", params={"ancestor": org}, name="/members/", catch_response=True
        ) as response:
            page_ok(response)

    @task(1)
    def org_list_api(self):
        self.api_get("/api/v1/orgs/", {"ancestor": random.choice(self.orgs)})

    @task(2)
    def statistics(self):
        org = random.choice(self.orgs)
        with self.client.get(
            "/stats/", params={"ancestor": org}, name="/stats/", catch_response=True
        ) as response:
            page_ok(response)
        self.api_get("/api/v1/stats/", {"ancestor": org})

    @task(1)
    def yearly_workbook(self):
        with self.client.get(
            "/stats/report.xlsx",
            params={"ancestor": random.choice(self.orgs)},
            name="/stats/report.xlsx",
            catch_response=True,
        ) as response:
            page_ok(response)

    @task(1)
    def home(self):
        with self.client.get("/", name="/", catch_response=True) as response:
            page_ok(response)


# The month-end mix without each clerk's one login of the day (a password hash costs about
# half a second of CPU by design) and the organisation lookup after it: its figures are
# written to LOAD_MIX_FILE for scripts/load.sh.
SETUP_NAMES = {"登录页", "登录", "/api/v1/orgs/ (发现)"}
_mix = {"times": [], "failures": 0, "by_name": {}, "meetings_created": 0}


@events.request.add_listener
def _record(name, response_time, exception, response=None, **kwargs):
    if name in SETUP_NAMES:
        return
    if name == MEETING_POST and response is not None and response.status_code == 201:
        _mix["meetings_created"] += 1  # compared with the rows written
    _mix["times"].append(response_time)
    _mix["by_name"].setdefault(name, []).append(response_time)
    _mix["failures"] += exception is not None


def percentile(times, share):
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0


@events.quitting.add_listener
def _write_mix(environment, **kwargs):
    times = _mix["times"]
    figures = {
        "requests": len(times),
        "failures": _mix["failures"],
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "max": max(times, default=0),
        "meetings_created": _mix["meetings_created"],
        "p95_by_name": {n: percentile(t, 0.95) for n, t in sorted(_mix["by_name"].items())},
    }
    if path := os.environ.get("LOAD_MIX_FILE"):
        with open(path, "w") as out:
            json.dump(figures, out, ensure_ascii=False, indent=1)
