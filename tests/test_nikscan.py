"""The NIK-leak scan itself: it finds a NIK and ignores sha256 digests."""

from nikscan import SIXTEEN


def test_scan_finds_a_nik_and_ignores_digests():
    assert SIXTEEN.search("nik,3601011501950001\n")
    assert SIXTEEN.search(b"3601011501950001")
    digest = (
        "d0716f39cce07b88a" + "0392861422348392" + "4b6eacf3af3812860abcdef01234567"
    )
    assert len(digest) == 64
    assert not SIXTEEN.search(f'"sha256": "{digest}"')
    assert SIXTEEN.search(f'"sha256": "{digest}", "nik": "3601011501950001"')
