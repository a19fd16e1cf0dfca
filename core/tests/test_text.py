import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.text import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nước mắm", "nuoc mam"),
        ("Đà Nẵng", "da nang"),
        ("ĐẶC SẢN  Quảng   Nam", "dac san quang nam"),
        ("Hợp tác xã", "hop tac xa"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_strips_vietnamese_diacritics_case_and_extra_spaces(text, folded):
    assert fold(text) == folded


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=40))
def test_fold_leaves_plain_lowercase_ascii_words_alone(text):
    assert fold(text) == " ".join(text.split())
