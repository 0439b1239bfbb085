"""The output-column schema declares exactly the columns the tables carry."""

from __future__ import annotations

from test_microdata_disclosure import _counts

from geo_priority.microdata import columns, engine, tables
from geo_priority.microdata.api import area_tables


def test_schema_lists_every_published_column_in_order():
    counts = _counts()
    out, rates = area_tables(counts, max_desil=4, threshold=10)
    schema = columns.area_columns([c for c in counts if c != "kode_desa"], rates)
    assert list(out["desa"].columns) == [c.name for c in schema]


def test_engine_counts_are_the_declared_desa_counts():
    declared = [c.name for c in columns.desa_counts(4)]
    counts = _counts()
    assert [c for c in counts if c != "kode_desa"] == declared
    assert engine.FAMILY_PROGRAMMES == columns.FAMILY_PROGRAMMES


def test_absent_persons_blank_person_counts_and_their_rates_only():
    rates = tables.rates_for(columns.FAMILY_PROGRAMMES, columns.PERSON_PROGRAMMES)
    schema = columns.area_columns(columns.desa_counts(4), rates)
    names = {c.name for c in columns.blanked(schema, ["persons"]) if c.kind != "flag"}
    assert {"persons", "persons_desil_1", "target_persons_6_21"} <= names
    assert {"miskin_ekstrem_share", "coverage_pip", "coverage_pbi_jk"} <= names
    assert not names & {"families", "pbi_jk_persons", "inclusion_error_pbi_jk"}
