"""Password rules after NIST SP 800-63B: 12 characters or more, any characters, no weak ones."""
from __future__ import annotations

import pytest

from conftest import PASSWORD, csrf
from survey.staff import passwords, weak_passwords


@pytest.mark.parametrize("password", [
    PASSWORD, "seven brown ducks at noon", "Kx9#mP2$vL7!qr", "Жазда тауға барамыз, 2026",
    "мой кот не ест овощи", "🐎 далада шауып жүр", "x" * 5 + "the rest of it", "4821 9375 6014",
])
def test_long_passwords_of_any_characters_are_accepted(password):
    passwords.check_strength(password, email="aigul.nurlanovna@body.kz")


@pytest.mark.parametrize("password", [
    "qwertyuiop12", "Password2025!", "P@ssw0rd-2025", "пароль123456", "Пароль!Пароль!", "gfhjkmgfhjkm",
    "123456789012", "0987654321!!", "111111111111", "abcabcabcabc", "121212121212", "Bagalau360!!",
    "Бағалау 2025!!", "йцукенгшщзхъ", "1q2w3e4r5t6y", "1qaz2wsx3edc", "abcdefghijkl", "Qazaqstan2030",
    "199019911992", "aaaa bbbb cccc", "Aigul.Nurlanovna1", "nurlanovna!2025",
])
def test_weak_passwords_are_refused(password):
    with pytest.raises(passwords.WeakPassword) as refused:
        passwords.check_strength(password, email="aigul.nurlanovna@body.kz")
    assert "too easy to guess" in str(refused.value)


def test_length_limits():
    with pytest.raises(passwords.WeakPassword, match="at least 12"):
        passwords.check_strength("Kx9#mP2$vL7")
    with pytest.raises(passwords.WeakPassword, match="at most 256"):
        passwords.check_strength("long passphrase " * 20)


def test_the_shipped_list_is_the_one_the_generator_makes():
    lines = weak_passwords.FILE.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == weak_passwords.generate()
    assert 3000 < len(lines) < 20000


def test_the_pages_refuse_a_weak_password_with_the_reason(hr_client):
    response = hr_client.post("/hr/password", data={"csrf_token": csrf(hr_client, "/hr/password"),
                                                    "current": PASSWORD, "new": "Qwerty123456!", "repeat": "Qwerty123456!"})
    assert response.status_code == 200 and "too easy to guess" in response.get_data(as_text=True)
    ru = hr_client.get("/hr/password?lang=ru")
    assert ru.status_code == 200
    response = hr_client.post("/hr/password", data={"csrf_token": csrf(hr_client, "/hr/password"),
                                                    "current": PASSWORD, "new": "Qwerty123456!", "repeat": "Qwerty123456!"})
    assert "слишком легко угадать" in response.get_data(as_text=True)
