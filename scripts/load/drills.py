"""`make load` after scripts/load.sh has started the cluster: the month-end mix for a few
minutes (p95, errors), then the same load again with the fault drills in it, each checked
against the database; a summary table at the end (also in OUT/summary.md).

    drills.py STATE_FILE CLUSTER_PID OUT_DIR
LOAD_USERS (50), LOAD_TIME (3m), DRILL_TIME (150s) change the run.
"""

import csv
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from io import BytesIO
from pathlib import Path

import psycopg
import requests
from openpyxl import load_workbook

USERS = os.environ.get("LOAD_USERS", "50")
LOAD_TIME = os.environ.get("LOAD_TIME", "3m")
DRILL_TIME = os.environ.get("DRILL_TIME", "150s")
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
PASSWORD = "qingchuan2026"
ID_NUMBER = re.compile(r"\d{17}[\dX]")
UNAVAILABLE_TEXT = ("系统繁忙", "数据库暂时不可用，请稍后重试")


def read_state(path):
    state = {}
    for line in Path(path).read_text().splitlines():
        for word in shlex.split(line):
            name, _, value = word.partition("=")
            state[name] = value
    return state


def say(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


class Cluster:
    def __init__(self, state_file, pid):
        self.state_file, self.pid = state_file, int(pid)
        self.state = read_state(state_file)
        self.url = f"http://127.0.0.1:{self.state['port']}"
        self.tmp = Path(self.state["tmp"])

    def refresh(self):
        self.state = read_state(self.state_file)

    def sql(self, query, *params):
        with psycopg.connect(self.state["DATABASE_URL"], connect_timeout=5) as conn:
            return conn.execute(query, params).fetchone()

    def pg_ctl(self, *args):
        command = [f"{self.state['bindir']}/pg_ctl", *args]
        if os.getuid() == 0:  # the clusters belong to 'postgres' (scripts/cluster.sh)
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def revive(self, name, old_pid):
        """SIGUSR1 to cluster.sh restarts what was killed; wait until it is back."""
        for attempt in range(100):
            if attempt % 10 == 0:  # again now and then: signals that arrive together merge
                os.kill(self.pid, signal.SIGUSR1)
            time.sleep(0.2)
            self.refresh()
            if self.state[name] != old_pid:
                return
        raise RuntimeError(f"{name} was not restarted")

    def log_lines(self, name):
        path = self.tmp / name
        return path.read_text().splitlines() if path.exists() else []


def login(base, username):
    session = requests.Session()
    page = session.get(f"{base}/login/", timeout=30).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    session.post(
        f"{base}/login/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/login/"},
        timeout=30,
    )
    session.headers["Referer"] = base + "/"
    return session


def probe(session, urls, seconds, interval=0.2):
    """GET the urls in turn for `seconds`: [(time, status, elapsed ms, body)]."""
    answers, end, turn = [], time.monotonic() + seconds, 0
    while time.monotonic() < end:
        url = urls[turn % len(urls)]
        turn += 1
        started = time.monotonic()
        try:
            response = session.get(url, timeout=30, allow_redirects=False)
            status, body = response.status_code, response.text
        except requests.RequestException as error:
            status, body = 0, repr(error)
        answers.append((started, status, (time.monotonic() - started) * 1000, body))
        time.sleep(interval)
    return answers


def statuses(answers):
    counts = {}
    for _, status, _, _ in answers:
        counts[status] = counts.get(status, 0) + 1
    return ", ".join(f"{s}×{n}" for s, n in sorted(counts.items()))


def locust(out, name, run_time):
    env = {**os.environ, "LOAD_MIX_FILE": str(out / f"{name}_mix.json")}
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"]
    command += ["--host", CLUSTER.url, "--users", USERS, "--spawn-rate", "5"]
    command += ["--run-time", run_time, "--csv", str(out / name), "--only-summary"]
    command += ["--stop-timeout", "30"]
    log = open(out / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def load_average_while(process):
    samples = []
    while process.poll() is None:
        samples.append(os.getloadavg()[0])
        time.sleep(5)
    return max(samples, default=0), sum(samples) / max(len(samples), 1)


def stats_rows(out, name):
    with open(out / f"{name}_stats.csv") as rows:
        return {row["Name"]: row for row in csv.DictReader(rows)}


def failures(out, name):
    with open(out / f"{name}_failures.csv") as rows:
        return [(r["Name"], r["Error"], int(r["Occurrences"])) for r in csv.DictReader(rows)]


def meetings():
    return CLUSTER.sql("select count(*) from orglife_meeting")[0]


# --- the drills -------------------------------------------------------------------------------


def drill_app_server():
    port = CLUSTER.state["app_ports"].split()[0]
    master = CLUSTER.state[f"app_pid_{port}"]
    workers = subprocess.run(["pgrep", "-P", master], capture_output=True, text=True).stdout
    proxy_before = len(CLUSTER.log_lines("proxy.log"))
    for pid in [master, *workers.split()]:
        os.kill(int(pid), signal.SIGKILL)  # the machine gone: master and workers at once
    say(f"a) app server :{port} killed (SIGKILL, master and its workers)")
    answers = probe(PROBE, [f"{CLUSTER.url}/members/", f"{CLUSTER.url}/api/v1/orgs/"], 20)
    proxy = CLUSTER.log_lines("proxy.log")[proxy_before:]
    skipped = sum("skipped" in line for line in proxy)
    cut = [line for line in proxy if "died during" in line]
    CLUSTER.revive(f"app_pid_{port}", master)
    ok = all(status == 200 for _, status, _, _ in answers)
    return {
        "drill": "a) kill one app server",
        "happened": (
            f"probe {statuses(answers)} while :{port} was down 20 s; the proxy skipped the dead "
            f"server {skipped} times; {len(cut)} request(s) cut mid-way (a POST is not resent)"
        ),
        "ok": ok,
        "cut": cut,
    }


def drill_replica():
    CLUSTER.pg_ctl("-D", str(CLUSTER.tmp / "replica"), "-m", "fast", "stop")
    say("b) replica stopped")
    ancestor = PROBE_ADMIN.get(f"{CLUSTER.url}/api/v1/orgs/").json()["results"][0]["id"]
    urls = [f"{CLUSTER.url}/api/v1/stats/?ancestor={ancestor}", f"{CLUSTER.url}/stats/"]
    answers = probe(PROBE_ADMIN, urls, 15)
    slowest = max(elapsed for _, _, elapsed, _ in answers)
    CLUSTER.pg_ctl(
        "-D", str(CLUSTER.tmp / "replica"), "-l", str(CLUSTER.tmp / "replica.log"), "-w",
        "-o", f"-p {CLUSTER.state['replica_port']} -k {CLUSTER.tmp} -c listen_addresses=127.0.0.1",
        "start",
    )  # fmt: skip
    streaming = None
    for _ in range(60):
        streaming = CLUSTER.sql("select state from pg_stat_replication")
        if streaming and streaming[0] == "streaming":
            break
        time.sleep(0.5)
    ok = all(status == 200 for _, status, _, _ in answers)
    return {
        "drill": "b) stop the replica",
        "happened": (
            f"statistics page and API {statuses(answers)} from the primary while the replica was "
            f"down 15 s (slowest {slowest:.0f} ms); restarted, replication "
            f"{streaming[0] if streaming else 'not back'}"
        ),
        "ok": ok and bool(streaming),
    }


def said_unavailable(body):
    """The 503 page (both lines) or the API's JSON detail, in Chinese."""
    if body.lstrip().startswith("{"):
        return json.loads(body)["detail"].startswith(UNAVAILABLE_TEXT[0])
    return all(text in body for text in UNAVAILABLE_TEXT)


def drill_primary():
    urls = [f"{CLUSTER.url}/members/", f"{CLUSTER.url}/api/v1/orgs/"]
    answers = []
    watcher = threading.Thread(target=lambda: answers.extend(probe(PROBE, urls, 25, 0.1)))
    watcher.start()
    time.sleep(3)
    started = time.monotonic()
    say("c) primary restarting (pg_ctl restart -m fast)")
    CLUSTER.pg_ctl("-D", str(CLUSTER.tmp / "primary"), "-m", "fast", "-w", "restart")
    restarted = time.monotonic() - started
    watcher.join()
    # What exited with the primary is restarted, as systemd would (the job worker does).
    worker = CLUSTER.state["worker_pid"]
    worker_died = subprocess.run(["kill", "-0", worker], capture_output=True).returncode != 0
    if worker_died:
        CLUSTER.revive("worker_pid", worker)
    unavailable = [a for a in answers if a[1] == 503]
    chinese = all(said_unavailable(body) for _, _, _, body in unavailable)
    others = [a for a in answers if a[1] not in (200, 503)]
    last_bad = max((t for t, status, _, _ in answers if status != 200), default=started)
    back = [t for t, status, _, _ in answers if status == 200 and t > last_bad]
    recovered = (back[0] - started) if back else None
    slowest_503 = max((elapsed for _, _, elapsed, _ in unavailable), default=0)
    return {
        "drill": "c) restart the primary",
        "happened": (
            f"restart took {restarted:.1f} s; probe {statuses(answers)}; each 503 the Chinese "
            f"page or JSON: {'yes' if chinese else 'NO'}, slowest 503 {slowest_503:.0f} ms; "
            f"answering 200 again {recovered:.1f} s after the restart began"
            f"{'; the job worker exited with it and was restarted' if worker_died else ''}"
            if recovered is not None
            else f"NOT recovered; probe {statuses(answers)}"
        ),
        "ok": chinese and not others and recovered is not None,
    }


def drill_worker():
    """The job a clerk starts that runs longest here: the city's roster export (more members
    than JOB_ROWS). Killed mid-way, restarted, run again: one complete result."""
    response = PROBE_ADMIN.get(f"{CLUSTER.url}/excel/export/members.xlsx", allow_redirects=False)
    job_id = int(re.search(r"/jobs/(\d+)/", response.headers["Location"]).group(1))
    worker = CLUSTER.state["worker_pid"]
    at_kill = None
    for _ in range(600):
        state, done, total = CLUSTER.sql(
            "select state, done, total from core_job where id = %s", job_id
        )
        if state == "running":
            time.sleep(0.5)  # into the rows
            state, done, total = CLUSTER.sql(
                "select state, done, total from core_job where id = %s", job_id
            )
            os.kill(int(worker), signal.SIGKILL)
            at_kill = (done, total)
            break
        time.sleep(0.05)
    say(f"d) worker killed during job {job_id} at {at_kill}")
    CLUSTER.revive("worker_pid", worker)
    # The job is left "running"; its user may rerun it once it has reported nothing for
    # STALE_AFTER (core.jobs): moved back in time here instead of waiting ten minutes.
    CLUSTER.sql(
        "update core_job set updated_at = now() - interval '11 minutes' where id = %s returning id",
        job_id,
    )
    token = PROBE_ADMIN.cookies.get("csrftoken")
    PROBE_ADMIN.post(f"{CLUSTER.url}/jobs/{job_id}/rerun/", headers={"X-CSRFToken": token})
    for _ in range(600):
        state, attempts, result = CLUSTER.sql(
            "select state, attempts, result from core_job where id = %s", job_id
        )
        if state in ("done", "failed"):
            break
        time.sleep(0.2)
    file = PROBE_ADMIN.get(f"{CLUSTER.url}/jobs/{job_id}/result/")
    rows = duplicates = 0
    if file.status_code == 200:
        sheet = load_workbook(BytesIO(file.content), read_only=True).active
        ids = [
            cell
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if isinstance(cell, str) and ID_NUMBER.fullmatch(cell)
        ]
        rows, duplicates = len(ids), len(ids) - len(set(ids))
    roster = at_kill[1] if at_kill else None
    ok = state == "done" and rows == roster and not duplicates
    return {
        "drill": "d) kill the worker mid-job",
        "happened": (
            f"job {job_id} killed at {at_kill[0] if at_kill else '?'}/{roster} rows; worker "
            f"restarted, job rerun: {state} after {attempts} attempts, result {rows} rows "
            f"({duplicates} duplicate ID numbers)"
        ),
        "ok": ok,
    }


# --- the run ----------------------------------------------------------------------------------


def main(state_file, cluster_pid, out):
    global CLUSTER, PROBE, PROBE_ADMIN
    out = Path(out)
    CLUSTER = Cluster(state_file, cluster_pid)
    say(f"cluster up at {CLUSTER.url}; steady load: {USERS} users for {LOAD_TIME}")
    before = meetings()
    run = locust(out, "steady", LOAD_TIME)
    peak_load, mean_load = load_average_while(run)
    steady = json.loads((out / "steady_mix.json").read_text())
    written = meetings() - before
    posted = steady["meetings_created"]
    total = stats_rows(out, "steady")["Aggregated"]

    say(f"fault drills under the same load for {DRILL_TIME}")
    before = meetings()
    run = locust(out, "drills", DRILL_TIME)
    PROBE, PROBE_ADMIN = login(CLUSTER.url, "district_clerk"), login(CLUSTER.url, "city_admin")
    time.sleep(20)
    results = []
    for drill in (drill_app_server, drill_replica, drill_primary, drill_worker):
        try:
            results.append(drill())
        except Exception as error:  # a drill that broke is reported, the others still run
            results.append({"drill": drill.__name__, "happened": repr(error), "ok": False})
        say(f"{results[-1]['drill']}: {results[-1]['happened']}")
        time.sleep(10)
    run.wait()
    for log in (
        "proxy.log",
        "worker.log",
        *(f"app-{p}.log" for p in CLUSTER.state["app_ports"].split()),
    ):
        if (CLUSTER.tmp / log).exists():
            (out / log).write_bytes((CLUSTER.tmp / log).read_bytes())
    drills_mix = json.loads((out / "drills_mix.json").read_text())
    drill_written = meetings() - before
    drill_posted = drills_mix["meetings_created"]
    drill_failures = failures(out, "drills")

    lines = [
        "| figure | value |",
        "| --- | --- |",
        f"| machine | {os.cpu_count()} cores, {os.uname().release}; load average 1 min "
        f"peak {peak_load:.1f}, mean {mean_load:.1f} |",
        f"| steady: users, time | {USERS}, {LOAD_TIME} |",
        f"| steady: requests (mix, without logins) | {steady['requests']} |",
        f"| steady: p50 / p95 / p99 / max | {steady['p50']:.0f} / {steady['p95']:.0f} / "
        f"{steady['p99']:.0f} / {steady['max']:.0f} ms |",
        f"| steady: errors | {steady['failures']} (with logins: {total['Failure Count']} of "
        f"{total['Request Count']}) |",
        f"| steady: meetings answered 201 / rows written | {posted} / {written} |",
        f"| drills: requests, p95 | {drills_mix['requests']}, {drills_mix['p95']:.0f} ms |",
        f"| drills: meetings answered 201 / rows written | {drill_posted} / {drill_written} |",
    ]
    for name, error, count in drill_failures:
        lines.append(f"| drills: failed {name} | {count}× {error} |")
    for result in results:
        lines.append(f"| {result['drill']} | {'OK' if result['ok'] else 'FAILED'}: "
                     f"{result['happened']} |")  # fmt: skip
    lines.append("")
    lines.append("p95 by request (steady): " + ", ".join(
        f"{name} {p95:.0f}" for name, p95 in steady["p95_by_name"].items()
    ))  # fmt: skip
    summary = "\n".join(lines)
    (out / "summary.md").write_text(summary + "\n")
    print("\n" + summary, flush=True)
    passed = (
        steady["requests"] > 0
        and steady["p95"] < 300
        and steady["failures"] == 0
        and posted == written
        and drill_posted <= drill_written
        and all(r["ok"] for r in results)
    )
    print(f"\nmake load: {'PASSED' if passed else 'NOT MET'} (p95 < 300 ms, 0 errors, drills)")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
