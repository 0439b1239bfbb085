"""Keyed pseudonymisation of NIK and No. KK (HMAC-SHA256, REGISTRIES.md §4.2).

A token is the first 32 hex characters of ``HMAC-SHA256(key, nik)``. The key
(at least 32 bytes) comes from a file or an environment variable; there is no
default key, and the key is never written or shown. A plain hash is not
enough: the NIK space is small enough to enumerate.

Examples
--------
>>> token = nik_token("3601011508950123", b"k" * 32)
>>> len(token), token == nik_token("3601011508950123", b"k" * 32)
(32, True)
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from geo_priority.errors import ConfigError, InputError

__all__ = ["KEY_ENV", "MIN_KEY_BYTES", "hmac_pads", "load_key", "nik_token"]

#: Environment variable read when no key file is given.
KEY_ENV = "GEO_PRIORITY_NIK_KEY"
MIN_KEY_BYTES = 32
TOKEN_CHARS = 32
_HOW = (
    'Create a key once with: python -c "import secrets; '
    'print(secrets.token_hex(32))" > nik.key  (keep it outside the repository '
    f"and the outputs), then pass --key-file nik.key or set {KEY_ENV}."
)


def _decode(raw: bytes) -> bytes:
    text = raw.strip()
    try:
        if len(text) >= 2 * MIN_KEY_BYTES and len(text) % 2 == 0:
            return bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        pass
    return text


def load_key(
    key_file: str | os.PathLike[str] | None = None, *, env: str = KEY_ENV
) -> bytes:
    """Return the pseudonymisation key from ``key_file`` or ``$env``.

    A key that is 64+ hex characters is decoded to bytes; anything else is
    used as raw bytes. Surrounding whitespace is ignored.

    Parameters
    ----------
    key_file : path-like, optional
        A file holding the key. When None, the environment variable is used.
    env : str
        Name of the environment variable.

    Returns
    -------
    bytes
        The key (never logged).

    Raises
    ------
    InputError
        When the key file cannot be read.
    ConfigError
        When no key is given or it is shorter than 32 bytes.

    Examples
    --------
    >>> os.environ["DOCTEST_KEY"] = "ab" * 32
    >>> len(load_key(env="DOCTEST_KEY"))
    32
    """
    if key_file is not None:
        path = Path(key_file)
        try:
            raw = path.read_bytes()
        except OSError as err:
            raise InputError(
                f"cannot read the NIK key file {str(path)!r}: "
                f"{err.strerror or err}. {_HOW}"
            ) from err
        where = f"key file {str(path)!r}"
    else:
        value = os.environ.get(env)
        if not value:
            raise ConfigError(f"no NIK pseudonymisation key was given. {_HOW}")
        raw, where = value.encode("utf-8"), f"${env}"
    key = _decode(raw)
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(
            f"the NIK key in {where} is too short ({len(key)} bytes); it needs at "
            f"least {MIN_KEY_BYTES} random bytes. {_HOW}"
        )
    return key


def _block_key(key: bytes) -> bytes:
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    return key.ljust(64, b"\0")


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """Return HMAC's inner and outer padded keys (for the SQL engine).

    ``HMAC(k, m) = H(opad || H(ipad || m))``; the engine computes the same
    token as :func:`nik_token` with DuckDB's ``sha256``.
    """
    block = _block_key(key)
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


def nik_token(nik: str, key: bytes) -> str:
    """Return the 32-hex-character keyed token of a normalised NIK.

    Parameters
    ----------
    nik : str
        A normalised 16-digit NIK (or No. KK).
    key : bytes
        The key from :func:`load_key`.

    Returns
    -------
    str
    """
    return hmac.new(key, nik.encode("ascii"), hashlib.sha256).hexdigest()[:TOKEN_CHARS]
