"""Nothing on any page comes from another host. The platform runs on a body's closed network: a
page that took a font, a script or a picture from elsewhere would break there, and would tell that
host who reads which page. Every page each role reaches, and every public page, is crawled with the
test client in Kazakh and Russian (tests/crawling.py): no address it names points to another host,
the stylesheets it loads take nothing from another host, and its Content-Security-Policy forbids
the browser to load anything from one."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

import crawling

LANGUAGES = ("kk", "ru")
OWN_HOSTS = {"localhost", "survey.test"}  # the test client's host and the configured BASE_URL's
# Sources a policy may allow: the site itself, nothing, and pictures written into the page.
OWN_SOURCES = {"'self'", "'none'", "data:"}
CSS_ADDRESS = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


@pytest.fixture
def world(app, store, staff):
    return crawling.world(app, store)


def elsewhere(address: str) -> bool:
    """An address on another host: http(s) or scheme-relative (//host/...) with a host not ours."""
    parts = urlsplit(address.strip())
    return bool(parts.netloc) and parts.scheme in ("", "http", "https") and parts.hostname not in OWN_HOSTS


def addresses(tag: str, attribute: str, value: str) -> list[str]:
    if attribute == "srcset":  # "a.png 1x, b.png 2x"
        return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]
    return [value]


def policy_sources(header: str) -> set[str]:
    return {source for directive in header.split(";") for source in directive.split()[1:]}


def test_the_rule_sees_other_hosts():
    assert [elsewhere(a) for a in ("https://fonts.googleapis.com/css", "//cdn.example.org/x.js", "HTTP://EXAMPLE.ORG",
                                   "http://survey.test/r/abc", "/static/style.css", "?lang=ru", "#main", "data:,",
                                   "mailto:hr@body.kz")] == [True, True, True, False, False, False, False, False, False]
    assert addresses("img", "srcset", "/a.png 1x, https://cdn.example.org/b.png 2x") == \
        ["/a.png", "https://cdn.example.org/b.png"]
    assert policy_sources("default-src 'none'; img-src 'self' data: https://cdn.example.org") == \
        {"'none'", "'self'", "data:", "https://cdn.example.org"}


def test_no_page_of_any_role_loads_anything_from_another_host(app, world, staff):
    found, pages, stylesheets = [], 0, {}
    for lang in LANGUAGES:
        for who, path, response in crawling.every_page(app, world, lang):
            if response.mimetype != "text/html":
                continue
            pages += 1
            for tag, attribute, value in crawling.references(response.get_data(as_text=True)):
                found += [f"{who} {path}: <{tag} {attribute}={address!r}>"
                          for address in addresses(tag, attribute, value) if elsewhere(address)]
                if tag == "link" and not elsewhere(value) and not value.startswith("data:"):
                    stylesheets.setdefault(value, path)
            policy = response.headers.get("Content-Security-Policy")
            if policy is None or policy_sources(policy) - OWN_SOURCES:
                found.append(f"{who} {path}: Content-Security-Policy {policy!r}")
    assert pages > 100
    client = crawling.signed_in(app, "hr", "kk")  # the trainer's page's style is for staff only; HR reads it too
    for stylesheet, page in sorted(stylesheets.items()):
        response = client.get(stylesheet)
        assert response.status_code == 200, (stylesheet, page)
        css = response.get_data(as_text=True)
        found += [f"{stylesheet} (on {page}): {a or b!r}" for a, b in CSS_ADDRESS.findall(css)
                  if elsewhere(a or b) or b]  # an @import of any kind: each stylesheet is loaded by the page itself
    assert len(stylesheets) >= 3  # the site's, the report's and the printed sheets'
    assert found == []
