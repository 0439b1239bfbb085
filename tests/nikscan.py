"""The NIK-leak scan of the tests: any run of 16 digits is taken for a NIK.

A sha256 digest (64 hex digits, as in the run record's file manifest) can hold
16 digits in a row by chance; it is taken out before the scan, so the scan
fails only on a real digit run, never at random.
"""

from __future__ import annotations

import re
from typing import AnyStr

_RUN = r"(?<![\d.])\d{16}(?!\d)"
_DIGEST = r"(?<![0-9a-fA-F])[0-9a-f]{64}(?![0-9a-fA-F])"


class NikScan:
    """``search(text)`` finds a 16-digit run outside sha256 digests."""

    def __init__(self) -> None:
        self._run = {str: re.compile(_RUN), bytes: re.compile(_RUN.encode())}
        self._digest = {str: re.compile(_DIGEST), bytes: re.compile(_DIGEST.encode())}

    def search(self, text: AnyStr) -> re.Match[AnyStr] | None:
        kind = type(text)
        blank = "" if kind is str else b""
        return self._run[kind].search(self._digest[kind].sub(blank, text))


SIXTEEN = NikScan()
