"""The load mix of benchmarks/city.py (run by it; see its docstring).

Each simulated user is one township data-entry user (a session made by city.py, passed in the
JSON file named by BENCH_LOAD_PLAN) and sends requests back to back, no think time:
25% visit-entry page, 40% household search, 15% demand list, 20% ledger page (四本账).
"""

import itertools
import json
import os
import random

from locust import FastHttpUser, constant, task

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"]).read())["users"]  # noqa: PTH123, SIM115
_next = itertools.count()


class TownshipStaff(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.plan = PLAN[next(_next) % len(PLAN)]
        # gunicorn sits behind the HTTPS proxy in production: say the request came over HTTPS.
        self.headers = {"Cookie": self.plan["cookie"], "X-Forwarded-Proto": "https"}

    def _get(self, url, name):
        # No redirects followed: a lost session (a redirect to the login page) is a failure, not a fast page.
        with self.client.get(
            url, headers=self.headers, name=name, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    @task(25)
    def visit_entry(self):
        self._get(self.plan["entry"], "visit entry")

    @task(40)
    def search(self):
        self._get(random.choice(self.plan["search"]), "search")  # noqa: S311

    @task(15)
    def demands(self):
        self._get(self.plan["demands"], "demands")

    @task(20)
    def ledger(self):
        self._get(self.plan["ledger"], "ledger")
