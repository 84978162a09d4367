"""Names in Kazakh and Russian alphabetical order, whatever the code points say."""
from __future__ import annotations

import random

import pytest

from survey.core.collation import ALPHABET, collation_key


@pytest.mark.parametrize("before, after", [
    ("Аға", "Ағаш"),      # a word before its longer continuation
    ("Аян", "Әсел"),      # Ә comes right after А, not after Я
    ("Ағаш", "Әсел"),
    ("Кен", "Қайрат"),    # Қ after К
    ("Ұлан", "Үсен"),     # Ү after Ұ
    ("Ыбырай", "Іле"),    # І after Ы
    ("Нұр", "Ңбай"),      # Ң after Н
    ("Орал", "Өскемен"),  # Ө after О
    ("Хасен", "Һидаят"),  # Һ after Х
    ("Ерлан", "Ёлкин"),   # Ё after Е, as Russian has it
    ("Ёлкин", "Жанар"),
    ("елена", "Ёлкин"),   # case does not count
])
def test_kazakh_and_russian_letters_in_the_order_of_the_alphabet(before, after):
    assert collation_key(before) < collation_key(after)


def test_a_list_of_names_sorts_as_a_kazakh_reader_expects():
    names = ["Іле", "Әсел", "Жанар", "Аян", "Үсен", "Қайрат", "Ұлан", "Ёлкин", "Ыбырай", "Кен", "Аға", "Ағаш"]
    assert sorted(names, key=collation_key) == ["Аға", "Ағаш", "Аян", "Әсел", "Ёлкин", "Жанар", "Кен", "Қайрат", "Ұлан",
                                                "Үсен", "Ыбырай", "Іле"]


def _by_definition(text: str) -> tuple:
    """The order in words: the alphabet's letters in its order, after anything else, which goes by
    code point; case ignored."""
    return tuple((1, ALPHABET.index(ch)) if ch in ALPHABET else (0, ord(ch)) for ch in text.casefold())


def test_the_key_sorts_as_the_definition_does():
    rng = random.Random(260)
    characters = ALPHABET + ALPHABET.upper() + "abcXYZ -.'0129ʼ’ёЁ"
    words = ["".join(rng.choice(characters) for _ in range(rng.randint(0, 6))) for _ in range(3000)]
    assert sorted(words, key=collation_key) == sorted(words, key=_by_definition)
    assert collation_key("Zeynep") < collation_key("Аян") and collation_key("7-бөлім") < collation_key("Бөлім")
