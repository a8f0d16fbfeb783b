"""Drives the propose-an-idea journey and the support control through the test client."""

import re

from sqlalchemy import select

from portal.extensions import db
from portal.ideas.models import Idea
from portal.shared.references import parse_reference
from tests.support.staff import csrf_token_from

REFERENCE_SHOWN = re.compile(r"BD-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


class Proposer:
    def __init__(self, client, theme: str = "sharing-spaces-and-places"):
        self.client = client
        self.theme = theme
        self.prefix = f"/ideas/{theme}/propose"
        self._token = None

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = csrf_token_from(self.client.get(f"{self.prefix}/who").get_data(as_text=True))
        return self._token

    def post(self, path: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token)
        return self.client.post(self.prefix + path, data=data, **kwargs)

    def fill(self, age="adult", title="A youth club in Keighley on Friday nights",
             body="Somewhere warm to go after school.", area="keighley", email=""):
        for path, data in (("/who", {"answer": age}), ("/idea", {"title": title, "body": body}),
                           ("/where", {"answer": area})):
            response = self.post(path, data)
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        if age != "under_13":
            assert self.post("/updates", {"email": email}).status_code == 302
        return self

    def send(self, **extra):
        page = self.client.get(f"{self.prefix}/check-your-answers")
        assert page.status_code == 200, page.headers.get("Location")
        self.draft_token = re.search(r'name="draft_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
        return self.post("/check-your-answers", {"draft_token": self.draft_token, **extra})

    def send_again(self):
        """The same check-answers form posted again (a double click, a refresh)."""
        return self.post("/check-your-answers", {"draft_token": self.draft_token})

    def propose(self, **answers) -> str:
        """Fill in and send; the reference shown on the confirmation."""
        response = self.fill(**answers).send()
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        page = self.client.get(response.headers["Location"]).get_data(as_text=True)
        return REFERENCE_SHOWN.search(page).group(0)


def idea_by_reference(shown: str) -> Idea:
    return db.session.scalar(select(Idea).where(Idea.reference == parse_reference(shown)))


def support(client, idea: Idea, action: str = "support", htmx: bool = False, next_url: str | None = None):
    """Post the support control as a browser on the idea's page would: no token, and
    the fetch metadata of a same-origin form (portal/shared/origin.py)."""
    page_url = f"/ideas/{idea.theme.slug}/{idea.id}"
    assert client.get(page_url).status_code == 200
    headers = {"Sec-Fetch-Site": "same-origin", **({"HX-Request": "true"} if htmx else {})}
    return client.post(f"{page_url}/support", data={"action": action, "next": next_url or page_url}, headers=headers)
