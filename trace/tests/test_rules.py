import string
from urllib.parse import unquote

import pytest
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from trace import rules

SERIALS = st.text(alphabet=rules.SERIAL_ALPHABET, min_size=16, max_size=16)
LOTS = st.text(alphabet=string.ascii_letters + string.digits + "-./_", min_size=1, max_size=20)


def test_a_new_serial_is_wellformed_and_long_enough():
    serial = rules.new_serial()
    assert len(serial) == rules.SERIAL_LENGTH >= 17
    assert set(serial) <= set(rules.SERIAL_ALPHABET)
    assert rules.serial_is_wellformed(serial)


def test_the_alphabet_has_no_look_alikes():
    assert not set("0O1IL") & set(rules.SERIAL_ALPHABET)


def test_new_serials_are_distinct():
    serials = rules.new_serials(20_000)
    assert len(set(serials)) == 20_000


@given(SERIALS)
def test_any_single_wrong_symbol_is_caught(body):
    serial = body + rules.check_symbol(body)
    assert rules.serial_is_wellformed(serial)
    for position in range(len(serial)):
        for symbol in rules.SERIAL_ALPHABET:
            if symbol != serial[position]:
                typo = serial[:position] + symbol + serial[position + 1 :]
                assert not rules.serial_is_wellformed(typo)


@pytest.mark.parametrize(
    "text, expected",
    [
        (" abcd-efgh ", "ABCDEFGH"),
        ("abc def", "ABCDEF"),
        ("", ""),
    ],
)
def test_it_normalises_what_people_type(text, expected):
    assert rules.normalise_serial(text) == expected


@pytest.mark.parametrize("serial", ["", "ABC", "0" * 17, "I" * 17, "2" * 16 + "2" + "2", "!" * 17])
def test_it_refuses_malformed_serials(serial):
    assert not rules.serial_is_wellformed(serial)


@pytest.mark.parametrize(
    "lot, ok",
    [
        ("L2026-01", True),
        ("A" * 20, True),
        ("A" * 21, False),
        ("lô 1", False),
        ("", False),
        ("x/y%z", True),
        ("é", False),
    ],
)
def test_lots_follow_gs1_ai_10(lot, ok):
    assert rules.lot_is_valid(lot) is ok


@given(body=SERIALS, lot=LOTS)
def test_the_digital_link_parses_with_biip(body, lot):
    serial = body + rules.check_symbol(body)
    uri = rules.stamp_address(domain="ocop.gov.vn", serial=serial, gtin="8930000000019", lot=lot)
    assert uri.startswith("https://ocop.gov.vn/01/08930000000019/10/")
    parsed = GS1DigitalLinkURI.parse(uri)
    values = {e.ai.ai: e.value for e in parsed.element_strings}
    assert values["01"] == "08930000000019"
    assert unquote(values["10"]) == lot
    assert values["21"] == serial


def test_without_gtin_the_address_is_a_short_path():
    assert rules.stamp_address(domain="ocop.gov.vn", serial="ABC") == "https://ocop.gov.vn/s/ABC"


@pytest.mark.parametrize(
    "text, gtin",
    [
        ("08930000000019", "8930000000019"),
        ("8930000000019", "8930000000019"),
        ("abc", ""),
        (None, ""),
        ("12345670", "0000012345670"),
    ],
)
def test_it_normalises_scanned_gtins(text, gtin):
    assert rules.normalise_gtin(text) == gtin


@given(SERIALS)
def test_the_fast_check_symbol_is_stdnums_luhn_mod_n(body):
    assert rules.fast_check_symbol(body) == rules.check_symbol(body)


@given(SERIALS, st.sampled_from(rules.SERIAL_ALPHABET))
def test_a_wellformed_serial_is_one_stdnum_finds_valid(body, last):
    serial = body + last
    valid = luhn.is_valid(serial, alphabet=rules.SERIAL_ALPHABET)
    assert rules.serial_is_wellformed(serial) == valid


def test_every_symbol_is_drawn_evenly():
    from collections import Counter

    counts = Counter("".join(s[:16] for s in rules.new_serials(6000)))
    assert set(counts) == set(rules.SERIAL_ALPHABET)
    assert max(counts.values()) < 1.2 * min(counts.values())


IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)
ZALO_IN_APP = (
    "Mozilla/5.0 (Linux; Android 12; SM-A525F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 Zalo android/12110111 "
    "ZaloTheme/light ZaloLanguage/vn"
)
FACEBOOK_IN_APP = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/430.0.0.31.106;]"
)


@pytest.mark.parametrize(
    "user_agent, robot",
    [
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", True),
        ("TelegramBot (like TwitterBot)", True),
        ("WhatsApp/2.23.20.0 A", True),
        ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", True),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", True),
        (IPHONE, False),
        (ZALO_IN_APP, False),  # a buyer scanning with Zalo's own QR reader
        (FACEBOOK_IN_APP, False),
        ("", False),
    ],
)
def test_link_previews_and_search_engines_are_robots_buyers_are_not(user_agent, robot):
    assert rules.is_robot(user_agent) is robot
