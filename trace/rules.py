"""Pure rules of traceability stamps: serials, lots and stamp addresses. No database.

A serial is random (``secrets``), never derived from a database id: 16 symbols of an
alphabet without look-alikes (no 0/O, 1/I/L, nor U read as V), then one check symbol
computed with Luhn mod N (python-stdnum), which catches any single mistyped symbol and
most swaps of two neighbours. 30¹⁶ ≈ 4·10²³ possible serials (about 78 bits).
"""

from __future__ import annotations

import functools
import re
import secrets
from urllib.parse import quote

import crawleruseragents
from stdnum import luhn

SERIAL_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
SERIAL_RANDOM_LENGTH = 16
SERIAL_LENGTH = SERIAL_RANDOM_LENGTH + 1
_SERIAL_SET = frozenset(SERIAL_ALPHABET)

# GS1 AI (10) batch/lot: up to 20 characters of GS1 character set 82.
LOT_MAX_LENGTH = 20
LOT_PATTERN = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$")
GTIN13 = re.compile(r"^\d{13}$")


def check_symbol(body: str) -> str:
    """The Luhn mod N check symbol of python-stdnum (``stdnum.luhn``)."""
    return luhn.calc_check_digit(body, alphabet=SERIAL_ALPHABET)


# The same Luhn mod N with per-symbol tables, for issuing serials by the hundred
# thousand (stdnum's general version costs about 20 µs a serial); a test checks both
# agree on any body.
_N = len(SERIAL_ALPHABET)
_SINGLE = {c: i for i, c in enumerate(SERIAL_ALPHABET)}
_DOUBLE = {c: sum(divmod(2 * i, _N)) for i, c in enumerate(SERIAL_ALPHABET)}


def fast_check_symbol(body: str) -> str:
    total = sum(_DOUBLE[c] for c in body[-1::-2]) + sum(_SINGLE[c] for c in body[-2::-2])
    return SERIAL_ALPHABET[-(total % _N)]


# Random bytes below 240 (= 8 × 30) map uniformly onto the alphabet; the rest are dropped.
_KEEP = 256 - 256 % _N
_TO_SYMBOL = bytes(ord(SERIAL_ALPHABET[b % _N]) if b < _KEEP else 0 for b in range(256))
_DROP = bytes(range(_KEEP, 256))


def _random_symbols(count: int) -> str:
    symbols = ""
    while len(symbols) < count:
        raw = secrets.token_bytes(count - len(symbols) + 64)
        symbols += raw.translate(_TO_SYMBOL, _DROP).decode("ascii")
    return symbols[:count]


def new_serial() -> str:
    """A fresh random serial with its check symbol."""
    return new_serials(1)[0]


def new_serials(count: int) -> list[str]:
    """``count`` distinct fresh serials (distinct among themselves, not yet checked
    against the database), drawn from ``secrets``."""
    serials: set[str] = set()
    while len(serials) < count:
        wanted = count - len(serials)
        symbols = _random_symbols(wanted * SERIAL_RANDOM_LENGTH)
        for start in range(0, len(symbols), SERIAL_RANDOM_LENGTH):
            body = symbols[start : start + SERIAL_RANDOM_LENGTH]
            serials.add(body + fast_check_symbol(body))
    return list(serials)


def normalise_serial(text: str) -> str:
    """What a person typed or a scanner read: upper case, spaces and dashes dropped."""
    return "".join(ch for ch in (text or "").strip().upper() if ch not in " -\t")


def serial_is_wellformed(serial: str) -> bool:
    """Length, alphabet and check symbol: a typo is refused before touching the database."""
    if len(serial) != SERIAL_LENGTH or not _SERIAL_SET.issuperset(serial):
        return False
    return serial[-1] == fast_check_symbol(serial[:-1])  # stdnum's luhn.is_valid, faster


def lot_is_valid(lot: str) -> bool:
    return bool(LOT_PATTERN.match(lot or ""))


def gtin14(gtin: str) -> str:
    """A GTIN-8/12/13 padded to the 14 digits of a Digital Link."""
    return gtin.zfill(14)


def normalise_gtin(text: str | None) -> str:
    """A GTIN as scanned (8 to 14 digits) to its 13-digit form ('' when not one)."""
    digits = (text or "").strip()
    if not digits.isdigit() or not 8 <= len(digits) <= 14:
        return ""
    digits = digits.zfill(14)
    return digits[1:] if digits.startswith("0") else digits


def stamp_address(*, domain: str, serial: str, gtin: str = "", lot: str = "") -> str:
    """The address printed in the QR code.

    With a GTIN: a GS1 Digital Link URI ``/01/<gtin14>/10/<lot>/21/<serial>`` (the lot
    percent-encoded), so a till scanner and a phone read the same code. Without: a short
    path ``/s/<serial>``.
    """
    if gtin:
        path = f"/01/{gtin14(gtin)}"
        if lot:
            path += f"/10/{quote(lot, safe='')}"
        return f"https://{domain}{path}/21/{serial}"
    return f"https://{domain}/s/{serial}"


@functools.lru_cache(maxsize=4096)
def is_robot(user_agent: str) -> bool:
    """A known robot: a search engine, or a chat app fetching a link preview when a stamp
    address is shared (crawler-user-agents' list). Its visits are logged, not counted, so
    sharing a stamp's link does not make the buyer's own scan say "already verified".
    Kept per browser string: matching the whole list costs a fraction of a millisecond."""
    return bool(user_agent) and crawleruseragents.is_crawler(user_agent)
