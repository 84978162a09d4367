"""Names in Kazakh and Russian alphabetical order, whatever the code points say."""
from __future__ import annotations

import pytest

from survey.core.collation import collation_key


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
