"""The account manager in a real browser, in Kazakh and in Russian: create, reset, release, disable.
Every page is checked with axe-core and photographed."""
from __future__ import annotations

import re

import pytest

from conftest import PASSWORD
from survey.staff import accounts, signin

from .conftest import check, follow, sign_in, translate

NEW_PASSWORD = "seven brown ducks at noon"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_account_manager_runs_the_accounts_in_the_browser(app, store, staff, live_server, new_context, language):
    with store.transaction() as session:
        accounts.create(session, "admin@body.kz", PASSWORD, "admin")
    t = lambda message, **kw: translate(app, language, message, **kw)  # noqa: E731
    page = new_context(locale={"kk": "kk-KZ", "ru": "ru-RU"}[language]).new_page()
    page.goto(f"/hr/login?lang={language}")
    sign_in(page, "admin@body.kz", PASSWORD)
    page.wait_for_url(re.compile(r"/hr/accounts/$"))
    assert page.locator("html").get_attribute("lang") == language
    check(page, f"accounts-list-{language}")

    # A new account: the link is shown once, and its owner chooses the password in another browser.
    page.get_by_label(t("E-mail")).fill("new@body.kz")
    page.get_by_label(t("Role")).select_option("trainer")
    follow(page.get_by_role("button", name=t("Create the account")))
    link = page.get_by_label(t("One-time link")).input_value()
    check(page, f"accounts-link-{language}")
    owner = new_context(locale={"kk": "kk-KZ", "ru": "ru-RU"}[language]).new_page()
    owner.goto(link + f"?lang={language}")
    check(owner, f"accounts-choose-password-{language}")
    owner.get_by_label(t("New password"), exact=True).fill(NEW_PASSWORD)
    owner.get_by_label(t("Repeat the new password")).fill(NEW_PASSWORD)
    follow(owner.get_by_role("button", name=t("Set the password")))
    assert owner.get_by_role("status").inner_text() == t("Your password is set. Sign in with it.")
    owner.goto(link)
    assert owner.get_by_role("alert").count() == 1
    check(owner, f"accounts-link-used-{language}")

    # The trainer mistypes five times at one desk: the manager sees it and releases sign-in.
    desk = new_context().new_page()
    for _ in range(signin.FREE_FAILURES):
        sign_in(desk, "trainer@body.kz", "not the password")
    page.goto("/hr/accounts/")
    row = page.get_by_role("row").filter(has_text="trainer@body.kz")
    assert t("Sign-in held back") in row.inner_text()
    follow(row.get_by_role("link", name="trainer@body.kz"))
    check(page, f"accounts-held-back-{language}")
    follow(page.get_by_role("button", name=t("Release sign-in")))
    assert page.get_by_role("status").inner_text() == t("Sign-in is no longer held back for this account.")

    # A reset, then disabling.
    follow(page.get_by_role("button", name=t("Reset the password and get a link")))
    assert "/hr/set-password/" in page.get_by_label(t("One-time link")).input_value()
    follow(page.get_by_role("link", name="trainer@body.kz"))
    follow(page.get_by_role("button", name=t("Disable the account")))
    assert page.get_by_role("status").inner_text() == t("The account is disabled and its sessions have ended.")
    check(page, f"accounts-disabled-{language}")
    follow(page.get_by_role("link", name=t("All staff accounts")))
    assert t("Disabled") in page.get_by_role("row").filter(has_text="trainer@body.kz").inner_text()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_second_factor_is_set_up_and_asked_for(app, store, staff, live_server, new_context, language):
    import time

    import pyotp

    t = lambda message, **kw: translate(app, language, message, **kw)  # noqa: E731
    page = new_context(locale={"kk": "kk-KZ", "ru": "ru-RU"}[language]).new_page()
    page.goto(f"/hr/login?lang={language}")
    sign_in(page, "hr@body.kz", PASSWORD)
    follow(page.get_by_role("navigation", name=t("Staff menu")).get_by_role("link", name=t("Second factor")))
    check(page, f"second-factor-off-{language}")
    follow(page.get_by_role("link", name=t("Set up the second factor")))
    check(page, f"second-factor-enrol-{language}")
    assert page.get_by_role("img", name=t("QR code to scan with the authenticator app")).count() == 1
    totp = pyotp.TOTP(page.locator("code").inner_text().replace(" ", ""))
    page.get_by_label(t("Code")).fill(totp.now())
    follow(page.get_by_role("button", name=t("Turn on the second factor")))
    assert page.locator("li code").count() == 10
    check(page, f"second-factor-recovery-codes-{language}")

    other = new_context(locale={"kk": "kk-KZ", "ru": "ru-RU"}[language]).new_page()
    other.goto(f"/hr/login?lang={language}")
    sign_in(other, "hr@body.kz", PASSWORD)
    other.wait_for_url(re.compile(r"/hr/login/code$"))
    check(other, f"second-factor-code-{language}")
    other.get_by_label(t("Code")).fill(totp.at(time.time() + 30))
    follow(other.get_by_role("button", name=t("Sign in")))
    other.wait_for_url(re.compile(r"/hr/$"))
