"""Reference numbers: unambiguous, random, self-checking, forgiving when typed."""

import random
import re

import pytest

from portal.shared.references import (
    ALPHABET,
    check_character,
    format_reference,
    is_valid,
    new_reference,
    parse_reference,
)


def sample(n: int = 300) -> list[str]:
    rng = random.Random(31)
    return [new_reference(rng) for _ in range(n)]


def test_alphabet_has_no_easily_confused_characters():
    assert len(ALPHABET) == 31 == len(set(ALPHABET))
    assert not set("0O1IL") & set(ALPHABET)
    assert ALPHABET.upper() == ALPHABET


def test_new_references_are_eight_valid_characters_and_shown_with_dashes():
    for _ in range(200):
        reference = new_reference()
        assert re.fullmatch(f"[{ALPHABET}]{{8}}", reference)
        assert is_valid(reference)
        assert re.fullmatch(f"BD-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}", format_reference(reference))


def test_references_are_random_not_sequential():
    references = [new_reference() for _ in range(2000)]
    assert len(set(references)) == 2000
    # Every alphabet character turns up in the first position: no counter behind them.
    assert {r[0] for r in references} == set(ALPHABET)
    assert sorted(references) != references


def test_every_single_substitution_is_caught():
    """300 references x 8 positions x 30 other characters: 72,000 typos, all caught."""
    for reference in sample(300):
        for position in range(8):
            for char in ALPHABET:
                if char != reference[position]:
                    typo = reference[:position] + char + reference[position + 1:]
                    assert not is_valid(typo), (reference, typo)
                    assert parse_reference(typo) is None


def test_every_adjacent_transposition_is_caught():
    for reference in sample(2000):
        for position in range(7):
            a, b = reference[position], reference[position + 1]
            if a != b:
                swapped = reference[:position] + b + a + reference[position + 2:]
                assert parse_reference(swapped) is None, (reference, swapped)


def test_check_character_for_every_possible_last_body_character():
    for char in ALPHABET:
        body = "7K3Q94M"[:-1] + char
        assert is_valid(body + check_character(body))


@pytest.mark.parametrize("typed", ["bd 7k3q 94md", "BD-7K3Q-94MD", "bd7k3q94md", "7k3q-94md", " 7K3Q 94MD ",
                                   "bd–7k3q–94md", "Bd.7k3q.94md", "BD 7K3Q-94MD\n",
                                   # the prefix on references given out before BD: still accepted
                                   "yp 7k3q 94md", "YP-7K3Q-94MD", "yp7k3q94md", "yp–7k3q–94md", "Yp.7k3q.94md",
                                   "YP 7K3Q-94MD\n"])
def test_parse_is_forgiving_of_case_spaces_dashes_and_the_prefix(typed):
    stored = "7K3Q94M" + check_character("7K3Q94M")
    typed = typed.replace("94md", stored[4:].lower()).replace("94MD", stored[4:])
    assert parse_reference(typed) == stored


@pytest.mark.parametrize("typed", ["", None, "YP-", "BD-", "ABC", "BD-7K3Q-94M", "BD-7K3Q-94MDX", "BD-OK3Q-94MD",
                                   "BD-1K3Q-94MD", "YP-7K3Q-94M", "YP-OK3Q-94MD", "x" * 1000, "<script>",
                                   "YPYP7K3Q94MD", "BDBD7K3Q94MD", "BDYP7K3Q94MD", "YPBD7K3Q94MD", "AB-7K3Q-94MD"])
def test_parse_refuses_what_cannot_be_a_reference(typed):
    assert parse_reference(typed) is None


@pytest.mark.parametrize("start", ["YP", "BD"])
def test_a_reference_that_happens_to_start_with_a_prefix_is_still_found(start):
    body = start + "23456"
    reference = body + check_character(body)
    assert parse_reference(reference) == reference
    assert parse_reference(format_reference(reference)) == reference
    assert parse_reference(f"YP-{reference[:4]}-{reference[4:]}") == reference


def test_references_are_shown_with_bd_for_bradford_district():
    """Not "YP", which reads as "young people": every reference, adult or young, starts BD."""
    stored = "7K3Q94M" + check_character("7K3Q94M")
    assert format_reference(stored) == f"BD-7K3Q-94M{stored[-1]}"
