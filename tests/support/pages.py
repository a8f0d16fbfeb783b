"""`client_request`: fetch a page the way every test should, in the spirit of GOV.UK
Notify's fixture of the same name. Each page fetched is checked for its status, a real
title in the portal's pattern, and valid HTML (the Nu Html Checker); the parsed page
comes back for the test's own assertions."""

from bs4 import BeautifulSoup

from tests.support.staff import csrf_token_from, sign_in_client

TITLE_SUFFIX = " – Your Place – Bradford District"


class ClientRequest:
    def __init__(self, app, client, html_checker):
        self.app, self.client, self.html_checker = app, client, html_checker
        self.last_html = ""

    def sign_in(self, user) -> "ClientRequest":
        sign_in_client(self.app, self.client, user)
        return self

    def _check(self, response, url: str, expected_status: int, expected_title: str | None) -> BeautifulSoup:
        html = response.get_data(as_text=True)
        assert response.status_code == expected_status, f"{url}: {response.status_code}, not {expected_status}\n{html[:1500]}"
        page = BeautifulSoup(html, "html.parser")
        if response.mimetype == "text/html" and "<html" in html and not 300 <= response.status_code < 400:
            title = page.title.get_text(strip=True) if page.title else ""
            assert title.endswith(TITLE_SUFFIX.strip()) and len(title) > len(TITLE_SUFFIX), f"{url}: title {title!r}"
            if expected_title is not None:
                assert title == expected_title + TITLE_SUFFIX, f"{url}: title {title!r}"
            self.html_checker.assert_valid(html, url)
        self.last_html = html
        return page

    def get(self, url: str, *, expected_status: int = 200, expected_title: str | None = None, **kwargs) -> BeautifulSoup:
        return self._check(self.client.get(url, **kwargs), url, expected_status, expected_title)

    def post(self, url: str, data: dict | None = None, *, expected_status: int = 303, expected_title: str | None = None,
             token_from: str | None = None, **kwargs) -> BeautifulSoup:
        """Post a form with a CSRF token (from the last page fetched, or `token_from`'s)."""
        source = self.client.get(token_from).get_data(as_text=True) if token_from else self.last_html
        data = {"csrf_token": csrf_token_from(source), **(data or {})}
        return self._check(self.client.post(url, data=data, **kwargs), url, expected_status, expected_title)
