"""Class codes and teacher keys: made by ``secrets``, read forgivingly, compared in constant time.

A class code is what students type or scan: 8 symbols of Crockford's base 32 (no I, L, O or U,
so nothing reads as another symbol), 5 bits each: 40 random bits, shown as ``K7P4-2QXM``. A
teacher key is 128 random bits in URL-safe base 64, only ever in the teacher's own link.

Neither is stored as it is. The database keeps the SHA-256 of each, looks a class up by the hash
of its code (an index lookup then leaks nothing about the code's characters), and compares with
``hmac.compare_digest``. Every parser returns None for anything that is not a well-formed code or
key (empty, huge, SQL-looking, unicode), so a hostile link never reaches the database as text.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

#: Crockford's base 32: digits and letters, without I, L, O, U.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_SYMBOLS = 8
CODE_BITS = CODE_SYMBOLS * 5  # 40
KEY_BYTES = 16
KEY_BITS = KEY_BYTES * 8  # 128
#: Longer inputs are refused before any work (a pasted 100 kB "code").
MAX_INPUT_CHARS = 64

# Read as typed on a phone: lower case, spaces and dashes, O for 0, I and L for 1.
_TYPO = str.maketrans({"O": "0", "I": "1", "L": "1"})
_KEY = re.compile(r"[A-Za-z0-9_-]{22}")


def new_code() -> str:
    """A fresh class code, ``CODE_BITS`` random bits (shown with ``show_code``)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_SYMBOLS))


def new_key() -> str:
    """A fresh teacher key: ``KEY_BITS`` random bits, 22 URL-safe characters."""
    return secrets.token_urlsafe(KEY_BYTES)


def show_code(code: str) -> str:
    """``K7P42QXM`` → ``K7P4-2QXM``: two groups of four are easier to read out and type."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def parse_code(text: object) -> str | None:
    """The class code ``text`` stands for (typos forgiven), or None when it is not one."""
    if not isinstance(text, str) or not text or len(text) > MAX_INPUT_CHARS:
        return None
    if not text.isascii():
        return None
    code = text.upper().replace("-", "").replace(" ", "").translate(_TYPO)
    if len(code) != CODE_SYMBOLS or any(c not in ALPHABET for c in code):
        return None
    return code


def parse_key(text: object) -> str | None:
    """The teacher key ``text`` is, or None when it cannot be one (wrong length or symbols)."""
    if not isinstance(text, str) or not text.isascii() or not _KEY.fullmatch(text):
        return None
    return text


def digest(secret: str) -> str:
    """The SHA-256 of a code or key, as the database stores it (64 hex digits)."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def same(secret: str, stored_digest: str) -> bool:
    """Whether ``secret`` hashes to ``stored_digest``, in time that does not depend on where
    they differ."""
    return hmac.compare_digest(digest(secret), stored_digest)
