"""The people of benchmarks/loadtest.py at a county's peak, for locust (run by that
script, which writes the plan this module reads from $YINZHENG_LOADTEST_PLAN).

- **Resident** (the many): opens the page a certificate's QR code leads to,
  `/v/<token>` or `/V/<token>`, as a new visitor (no cookie: a phone that scans once),
  and checks a case's progress on the status page, `/certificates/status/<code>/`.
- **Department** (a few): verifies a certificate through the API,
  `POST /api/esign/verifications/` with its token, a legal basis and a purpose.
- **Office** (one committee's staff, logged in since the morning: the clerk, a second
  clerk who reviews sealings, the head, the custodian, each with a session of their
  own): issues certificates through the web pages — intake → verify (clerk) → approve
  (head) → issue (custodian) → print — and seals a work document — request (clerk,
  with the PDF) → review (the second clerk) → approve (head) → apply the seal and
  register it (custodian). Every step is the page a person opens, then the form they
  post, then the page the redirect shows, and counts as a failure unless that page
  says it succeeded.

Request names in the statistics say who and which page; ids and tokens are folded.
"""

import itertools
import json
import os
import random
import re
from base64 import b64decode
from http.cookiejar import Cookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, task
from locust.contrib.fasthttp import FastHttpSession
from urllib3 import encode_multipart_formdata

PLAN = json.loads(Path(os.environ["YINZHENG_LOADTEST_PLAN"]).read_text())
DOCUMENT = b64decode(PLAN["document"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUCCESS = '<li class="success">'
# What a refused form or action shows: the form's errors, the page's error message.
REFUSAL = re.compile(
    r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>|<li class="error">(.*?)</li>', re.S
)
NAMES = ["张晓燕", "李建国", "王秀英", "赵志强", "陈桂兰", "刘德华", "杨春梅", "黄永明"]
# Wait between two things a person does (a page read, a form filled in).
THINK = between(0.2, 1.0)
_offices = itertools.count()


class Failed(Exception):
    """A step that did not do what the person asked: already counted as a failure."""


def _refusal(response) -> str:
    """Why the page says it did not do it (the first refusal shown), for the report."""
    found = REFUSAL.search(response.text or "")
    if found is None:
        return "no message"
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1) or found.group(2)).strip()[:200]


class Resident(FastHttpUser):
    weight = 10
    wait_time = THINK

    @task(3)
    def verify(self) -> None:
        self.client.cookiejar.clear()  # a new visitor: no session, no CSRF cookie
        with self.client.get(
            random.choice(PLAN["tokens"]),
            name="resident: GET /v/<token>",
            catch_response=True,
        ) as response:
            if response.ok and 'data-verdict="valid"' not in response.text:
                response.failure("the certificate is not shown as valid")

    @task(2)
    def status(self) -> None:
        self.client.cookiejar.clear()
        code = random.choice(PLAN["codes"])
        with self.client.get(
            f"/certificates/status/{code}/",
            name="resident: GET /certificates/status/<code>/",
            catch_response=True,
        ) as response:
            if response.ok and code not in response.text:
                response.failure("the status page does not show the case")


class Department(FastHttpUser):
    weight = 1
    wait_time = THINK

    @task
    def verify(self) -> None:
        with self.client.post(
            "/api/esign/verifications/",
            json={
                "token": random.choice(PLAN["raw_tokens"]),
                "legal_basis": "《社会保险法》第五十九条",
                "purpose": "核实居住情况",
            },
            headers={"Authorization": f"Token {PLAN['api_token']}"},
            name="department: POST /api/esign/verifications/",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"HTTP {response.status_code}")
            elif response.json()["result"]["verdict"] != "valid":
                response.failure("the certificate is not verified as valid")


class Office(FastHttpUser):
    weight = 3
    wait_time = THINK

    def on_start(self) -> None:
        index = getattr(self.environment.runner, "worker_index", 0) * 1000
        offices = PLAN["offices"]
        self.office = offices[(index + next(_offices)) % len(offices)]
        self.people = {
            role: self._logged_in(self.office[role])
            for role in ["clerk", "reviewer", "head", "custodian"]
        }

    def _logged_in(self, session_key: str) -> FastHttpSession:
        """A browser holding the session this person opened when they logged in."""
        session = FastHttpSession(
            base_url=self.host,
            request_event=self.environment.events.request,
            user=self,
            insecure=True,
            # The user's own client's settings: wait as long as a browser (the
            # library's default is 5 s), never retry behind the statistics' back.
            connection_timeout=self.connection_timeout,
            network_timeout=self.network_timeout,
            max_retries=self.max_retries,
        )
        host = urlsplit(self.host).hostname or ""
        session.cookiejar.set_cookie(
            Cookie(
                0,
                PLAN["session_cookie"],
                session_key,
                None,
                False,
                host,
                False,
                False,
                "/",
                True,
                True,
                None,
                True,
                None,
                None,
                {},
            )
        )
        return session

    # Steps --------------------------------------------------------------------------

    def _page(self, who: str, path: str, name: str) -> str:
        with self.people[who].get(
            path, name=f"{who}: GET {name}", catch_response=True
        ) as response:
            if not response.ok:
                response.failure(f"HTTP {response.status_code}")
                raise Failed
            return response.text

    def _post(
        self,
        who: str,
        page: tuple[str, str],
        path: str,
        name: str,
        fields: dict[str, str],
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> str:
        """Post the form of `page` (its path and text) as `who` would; the page the
        redirect leads to must say it succeeded. Returns that page's path."""
        found = CSRF.search(page[1])
        if found is None:
            raise Failed  # the page offered no form: counted when it was fetched
        fields = {**fields, "csrfmiddlewaretoken": found.group(1)}
        headers = {"Referer": self.host + page[0], "Origin": self.host}
        if files:
            body, kind = encode_multipart_formdata({**fields, **files})
        else:
            body = urlencode(fields).encode()
            kind = "application/x-www-form-urlencoded"
        headers["Content-Type"] = kind
        with self.people[who].post(
            path,
            data=body,
            headers=headers,
            allow_redirects=False,
            name=f"{who}: POST {name}",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code}: {_refusal(response)}")
                raise Failed
            response.success()
            target = urlsplit(response.headers["Location"]).path
        with self.people[who].get(
            target, name=f"{who}: GET {name} → result", catch_response=True
        ) as response:
            if response.ok and SUCCESS not in response.text:
                response.failure(f"not done: {_refusal(response)}")
                raise Failed
        return target

    # Journeys -----------------------------------------------------------------------

    @task(3)
    def issue_certificate(self) -> None:
        try:
            self._issue(electronic=random.random() < 0.5)
        except Failed:
            pass

    @task(1)
    def seal_document(self) -> None:
        try:
            self._seal()
        except Failed:
            pass

    def _issue(self, *, electronic: bool) -> None:
        item = random.choice(PLAN["items"])
        new = f"/certificates/new/?item={item['key']}"
        page = (new, self._page("clerk", new, "/certificates/new/"))
        fields = {
            "committee": self.office["committee"],
            "resident_name": random.choice(NAMES),
            "id_number": random.choice(PLAN["id_numbers"]),
            "phone": "13912345678",
            "item_key": item["key"],
            "item_text": item["name"],
            "purpose": "办理社会保险",
            "requiring_unit": "县人力资源和社会保障局",
            "facts": "兹证明该居民自2018年起在本村（居）实际居住。",
            "category": "C2",
            "copies": "1",
        }
        if electronic:
            fields["electronic"] = "on"
        detail = self._post("clerk", page, new, "/certificates/new/", fields)
        case = "/certificates/<pk>/"
        page = (detail, self._page("clerk", detail, case))
        self._post(
            "clerk",
            page,
            detail + "verify/",
            case + "verify/",
            {"verify-what": "居住事实", "verify-how": "入户查看，走访邻居"},
        )
        page = (detail, self._page("head", detail, case))
        self._post("head", page, detail + "approve/", case + "approve/", {})
        page = (detail, self._page("custodian", detail, case))
        self._post("custodian", page, detail + "issue/", case + "issue/", {})
        with self.people["custodian"].get(
            detail + "files/certificate.pdf",
            name=f"custodian: GET {case}files/certificate.pdf",
            catch_response=True,
        ) as response:
            if response.ok and not response.content.startswith(b"%PDF"):
                response.failure("not a PDF")

    def _seal(self) -> None:
        new = "/seals/usage/new/"
        page = (new, self._page("clerk", new, new))
        detail = self._post(
            "clerk",
            page,
            new,
            new,
            {
                "seal": str(self.office["seal"]),
                "category": "W1",
                "content": "关于召开居民代表会议的通知",
                "copies": "2",
                "major_matter": "",
            },
            files={"document": ("notice.pdf", DOCUMENT, "application/pdf")},
        )
        usage = "/seals/usage/<pk>/"
        page = (detail, self._page("reviewer", detail, usage))
        self._post(
            "reviewer",
            page,
            detail + "review/",
            usage + "review/",
            {"review-decision": "approve", "review-not_blank": "on", "review-note": ""},
        )
        page = (detail, self._page("head", detail, usage))
        self._post(
            "head",
            page,
            detail + "approve/",
            usage + "approve/",
            {"approve-decision": "approve", "approve-note": ""},
        )
        page = (detail, self._page("custodian", detail, usage))
        self._post("custodian", page, detail + "seal/", usage + "seal/", {})
