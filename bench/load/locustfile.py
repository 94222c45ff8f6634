"""The roles' mix for the load test (bench/load.py starts it; docs/performance.md).

Of every ten simulated users six are case workers, one an enhetschef, one an analyst and
two children answering the questionnaire. Staff arrive signed in; each request is named by
its page type, with ids as ``[id]``, so the figures are per page type. The run stops at LOAD_MAX_REQUESTS requests if the time limit
has not stopped it first.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections import deque
from typing import Any

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment

DATA = json.loads(open(os.environ["LOAD_DATA"], encoding="utf-8").read())  # noqa: SIM115
LINKS = deque(DATA["links"])
SESSIONS = {role: deque(DATA[role]) for role in ("case_workers", "unit_managers", "analysts")}
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "20000"))
# Seconds a member of staff reads a page before the next click: 1–4 in the stress mix,
# 20–40 in a city's realistic peak (bench/load.py).
THINK = tuple(float(seconds) for seconds in os.environ.get("LOAD_THINK", "1,4").split(","))
CHILD_LINK = re.compile(r'href="/barn/(\d+)/"')
REPORTS = ["placements", "placements-idag", "school-start", "results", "followup-compliance", "child-voice"]
sent = 0


@events.request.add_listener
def stop_at_the_bound(**_: Any) -> None:
    global sent
    sent += 1
    if sent == MAX_REQUESTS and _environment is not None and _environment.runner is not None:
        _environment.runner.quit()


_environment: Environment | None = None


@events.init.add_listener
def keep_environment(environment: Environment, **_: Any) -> None:
    global _environment
    _environment = environment


class Staff(FastHttpUser):
    """A member of staff, signed in (bench/load/prepare.py made the session)."""

    abstract = True
    wait_time = between(*THINK)
    role = ""

    def on_start(self) -> None:
        session = SESSIONS[self.role].popleft()
        self.headers = {"Cookie": f"{DATA['cookie']}={session}"}

    def get(self, url: str, name: str) -> Any:
        return self.client.get(url, name=name, headers=self.headers)


class CaseWorker(Staff):
    weight = 6
    role = "case_workers"
    children: list[str]

    def on_start(self) -> None:
        super().on_start()
        caseload = self.get("/barn/", "/barn/ (caseload)")
        self.children = CHILD_LINK.findall(caseload.text or "")
        assert self.children, "the case worker's caseload lists no child"

    def child_url(self, rest: str = "") -> str:
        return f"/barn/{random.choice(self.children)}/{rest}"

    @task(3)
    def start_page(self) -> None:
        self.get("/att-gora/", "/att-gora/ (start)")

    @task(2)
    def caseload(self) -> None:
        self.get("/barn/", "/barn/ (caseload)")

    @task(4)
    def child_page(self) -> None:
        self.get(self.child_url(), "/barn/[id]/")

    @task(1)
    def child_form(self) -> None:
        self.get(self.child_url("andra/"), "/barn/[id]/andra/ (form)")

    @task(1)
    def placement_form(self) -> None:
        self.get(self.child_url("placeringar/ny/"), "/barn/[id]/placeringar/ny/ (form)")

    @task(1)
    def follow_up_form(self) -> None:
        self.get(self.child_url("uppfoljningar/ny/"), "/barn/[id]/uppfoljningar/ny/ (form)")


class UnitManager(Staff):
    weight = 1
    role = "unit_managers"

    @task(3)
    def district_start(self) -> None:
        self.get("/stadsdel/att-gora/", "/stadsdel/att-gora/ (start)")

    @task(1)
    def teams(self) -> None:
        self.get("/arbetsgrupper/", "/arbetsgrupper/")

    @task(1)
    def transfers(self) -> None:
        self.get("/stadsdel/overflyttningar/", "/stadsdel/overflyttningar/")

    @task(1)
    def school_start_breaches(self) -> None:
        self.get("/skolstart/", "/skolstart/")


class Analyst(Staff):
    weight = 1
    role = "analysts"

    @task(1)
    def report_list(self) -> None:
        self.get("/statistik/", "/statistik/")

    @task(4)
    def report(self) -> None:
        self.get(f"/statistik/{random.choice(REPORTS)}/", "/statistik/[report]/")


class Child(FastHttpUser):
    """A child opens the link, saves part of the answers, then sends them (the link closes)."""

    weight = 2
    wait_time = between(2, 6)  # a child answering on a phone

    @task
    def answer_questionnaire(self) -> None:
        if not LINKS:
            return
        link = LINKS.popleft()
        url, answers = f"/q/{link['token']}/", link["answers"]
        name = "/q/[token]/"
        self.client.get(url, name=f"{name} GET")
        first = dict(list(answers.items())[: len(answers) // 2])
        self.client.post(url, data={**first, "action": "save"}, name=f"{name} POST save")
        self.wait()
        self.client.post(url, data={**answers, "action": "send"}, name=f"{name} POST send")
