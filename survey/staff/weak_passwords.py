"""The list of weak passwords that ``passwords`` refuses (NIST SP 800-63B, 5.1.1.2), and how it is made.

No published list of leaked passwords could be fetched where this platform was written, so the
list is built from the patterns such lists are full of: keyboard walks on the Latin, Russian and
Kazakh layouts (and Russian words typed on the Latin layout, as ``gfhjkm`` for «пароль»), runs of
the alphabet and of digits, runs of years, and the words people build passwords on — "password",
"qwerty", «пароль», names of the country, its cities and this product — in Latin and Cyrillic.
``passwords`` compares a password *and its letters alone* with it, so that "Qwerty2025!!" is
caught through "qwerty" without every suffix being listed, and refuses repetitions of a short
piece on its own.

``python -m survey.staff.weak_passwords`` writes ``weak-passwords.txt`` again; a test checks that
the shipped file is what this module makes. A body with a real breached-password list can append
it to that file (one password a line, lower case).
"""
from __future__ import annotations

from pathlib import Path

FILE = Path(__file__).resolve().parent / "weak-passwords.txt"

# Rows of the keyboards, as they are walked.
KEYBOARD_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm",
                 "йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю",
                 "әіңғүұқөһ"]
# Walks down the columns and in zigzags, as they are typed.
WALKS = ["1qaz2wsx3edc4rfv5tgb", "qazwsxedcrfvtgbyhn", "zaq1xsw2cde3vfr4", "1q2w3e4r5t6y7u8i9o0p",
         "q1w2e3r4t5y6u7i8o9p0", "1qazxsw23edcvfr4", "qweasdzxc", "qwerasdfzxcv", "asdfqwerzxcv",
         "zxcvasdfqwer", "poiuytrewq", "lkjhgfdsa", "mnbvcxz", "0987654321", "йфяцычувскамепи",
         "1й2ц3у4к5е6н", "й1ц2у3к4е5н6"]
ALPHABETS = ["abcdefghijklmnopqrstuvwxyz", "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
             "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"]
# Words passwords are built on, with a digit or sign added; compared by their letters.
WORDS = """
password passwort passwd pass word qwerty qwertz azerty admin administrator root user guest test
tester welcome letmein iloveyou love lovely monkey dragon master sunshine princess football
baseball soccer hockey superman batman trustno secret login logon hello freedom whatever shadow
michael computer internet access changeme default system manager office work company sample
demo example private personal security secure summer winter spring autumn
kazakhstan qazaqstan kazakh qazaq astana nursultan almaty shymkent karaganda aktobe
bagalau bagalaw survey assessment feedback staff personnel hr kadry
пароль парол пороль админ администратор пользователь привет здравствуйте любовь солнышко
секрет работа офис казахстан қазақстан казах қазақ астана нурсултан алматы шымкент караганда
бағалау багалау оценка анкета персонал кадры қызметкер
gfhjkm ghbdtn fyrtnf kjuby
здфыыцщкв йцукен фыва ячсмит
"""
# Numbers that stand in for a password.
NUMBERS = ["123456789", "1234567890", "12345678910", "123123", "112233", "11223344", "121212", "131313",
           "147258369", "159357", "159753", "741852963", "789456123", "987654321", "963852741",
           "666666", "777777", "000000", "111111", "654321", "246810", "13579"]


def _runs(text: str, shortest: int) -> set[str]:
    """Every piece of ``text`` (and of it reversed) at least ``shortest`` long."""
    out = set()
    for source in (text, text[::-1]):
        for start in range(len(source)):
            for end in range(start + shortest, len(source) + 1):
                out.add(source[start:end])
    return out


def _digit_runs(shortest: int = 6, longest: int = 16) -> set[str]:
    """Ascending and descending digits, wrapping round (``890123…``), of every length in range."""
    out = set()
    up = "0123456789" * 3
    for start in range(10):
        for length in range(shortest, longest + 1):
            run = up[start:start + length]
            out.update((run, run[::-1]))
    return out


def _year_runs() -> set[str]:
    return {"".join(str(y + i) for i in range(n)) for y in range(1950, 2031) for n in (2, 3, 4)}


def generate() -> list[str]:
    entries: set[str] = set()
    for row in KEYBOARD_ROWS:
        entries |= _runs(row, 4)
    for walk in WALKS:
        entries |= _runs(walk, 6)
    for alphabet in ALPHABETS:
        entries |= _runs(alphabet, 5)
    entries |= set(WORDS.split()) | set(NUMBERS) | _digit_runs() | _year_runs()
    return sorted(entries)


def write() -> None:
    header = ("# Weak passwords refused by survey.staff.passwords: built from patterns by\n"
              "# survey/staff/weak_passwords.py (python -m survey.staff.weak_passwords), not copied from a leak.\n")
    FILE.write_text(header + "\n".join(generate()) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
