"""Readable tracking codes (issue 16, REQ-049, REQ-113): read aloud, typed any way."""

import random

from hypothesis import given
from hypothesis import strategies as st

from yinzheng.core import tracking

codes = st.text(alphabet=tracking.ALPHABET, min_size=9, max_size=9).map(
    lambda s: f"{s[:3]}-{s[3:6]}-{s[6:]}"
)


def test_a_new_code_is_three_groups_of_three_without_look_alikes():
    for _ in range(200):
        code = tracking.new_code()
        assert len(code) == 11 and code[3] == code[7] == "-"
        assert not set(code) & set("l1I0Oo")
        assert tracking.is_readable(code)


@given(codes, st.data())
def test_a_code_typed_in_any_case_with_or_without_dashes_finds_itself(code, data):
    """Lower case, dashes dropped or doubled, spaces added: the same stored code."""
    chars = list(code.replace("-", ""))
    typed = ""
    for ch in chars:
        ch = ch.lower() if data.draw(st.booleans()) else ch
        typed += ch + data.draw(st.sampled_from(["", "", " ", "-", " - ", "－"]))
    assert tracking.normalise(typed) == code
    assert tracking.normalise(code.lower()) == code
    assert tracking.normalise(code.replace("-", "")) == code


@given(st.text(max_size=40))
def test_normalise_returns_a_stored_code_or_nothing(text):
    found = tracking.normalise(text)
    assert found is None or tracking.is_readable(found)


@given(codes)
def test_a_look_alike_character_is_no_code(code):
    """l, 1, I, 0, O are not in the alphabet: a code with one is not a code (the
    reader never has to ask "one or ell?")."""
    position = random.Random(code).randrange(9)
    compact = code.replace("-", "")
    for bad in "l1I0O":
        assert (
            tracking.normalise(compact[:position] + bad + compact[position + 1 :])
            is None
        )


def test_an_old_token_is_no_readable_code():
    """Codes drawn before issue 16 stay valid; they are looked up as written."""
    assert tracking.normalise("x65i-K3lduwZN8aZ") is None
    assert tracking.normalise("7KQ-4MX-9RT-") == "7KQ-4MX-9RT"
    assert tracking.normalise("7KQ-4MX-9R") is None
