"""证明编号 and 验证码 of a 参保证明 or 备案凭证.

The number is random (not a sequence), so numbers cannot be walked. The 验证码 is an HMAC-SHA256
over the number and the issue data, keyed from SECRET_KEY with this module's own salt, written in
an alphabet without the look-alikes 0/O, 1/I/L so it can be read off paper and typed back. It is
recomputed at each check and compared in constant time; rotating SECRET_KEY without keeping the
old one in SECRET_KEY_FALLBACKS is not supported (codes printed before would stop matching).
"""

from __future__ import annotations

import datetime
import secrets
from typing import Protocol

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 characters: no 0 O 1 I L
CODE_LENGTH = 10  # 31**10 ≈ 2**49.5
NUMBER_RANDOM_DIGITS = 8
SALT = "yibao.certificates.verification-code"


class Issued(Protocol):
    """What the code is computed over (a Certificate, read only)."""

    @property
    def number(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def unit_id(self) -> int: ...
    @property
    def person_id(self) -> int | None: ...
    @property
    def filing_id(self) -> int | None: ...
    @property
    def holder_name(self) -> str: ...
    @property
    def issued_at(self) -> datetime.datetime: ...


def certificate_number_new(issued_at: datetime.datetime) -> str:
    """证明编号: the local issue date (YYYYMMDD, as 出具日期 prints it) and eight random digits,
    16 digits in all."""
    return f"{timezone.localdate(issued_at):%Y%m%d}{secrets.randbelow(10**NUMBER_RANDOM_DIGITS):0{NUMBER_RANDOM_DIGITS}d}"


def _message(certificate: Issued) -> str:
    """What the code covers; a 备案凭证 adds the filing it names (a 参保证明's message, and so the
    codes already printed, stay as they were)."""
    issued = certificate.issued_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    parts = [
        certificate.number,
        certificate.kind,
        str(certificate.unit_id),
        str(certificate.person_id or ""),
        certificate.holder_name,
        issued,
    ]
    if certificate.filing_id is not None:
        parts.append(f"filing:{certificate.filing_id}")
    return "|".join(parts)


def _encode(digest: bytes, length: int) -> str:
    value = int.from_bytes(digest, "big")
    chars = []
    for _ in range(length):
        value, index = divmod(value, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def verification_code(certificate: Issued) -> str:
    """The certificate's 验证码 (10 characters of ALPHABET)."""
    digest = salted_hmac(SALT, _message(certificate), algorithm="sha256").digest()
    return _encode(digest, CODE_LENGTH)


def code_normalise(text: str) -> str:
    """What a person typed, as the code is printed: upper case, without spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch not in " -\t\u3000")


def code_matches(certificate: Issued, given: str) -> bool:
    """Whether `given` is the certificate's 验证码, compared in constant time."""
    return constant_time_compare(verification_code(certificate), code_normalise(given))
