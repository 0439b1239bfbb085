"""The run record's WGS84 extent: a WGS84 layer is not reprojected for it."""

from __future__ import annotations


def test_the_wgs84_extent_of_a_wgs84_layer_is_its_own_extent() -> None:
    import geopandas as gpd
    import pyproj
    from shapely.geometry import box

    from geo_priority.metadata import layer_facts

    shapes = [box(106.1, -6.9, 106.4, -6.2), box(105.1, -7.0, 105.9, -6.5)]
    # EPSG:4326 with lat/lon axes (what GeoParquet and GeoJSON layers carry)
    # and with lon/lat axes (OGC:CRS84): the same extent as reprojecting
    for crs in ("EPSG:4326", "OGC:CRS84"):
        layer = gpd.GeoDataFrame(geometry=shapes, crs=crs)
        facts = layer_facts(layer, "t")
        expected = layer.to_crs(4326).total_bounds
        assert facts["extent_wgs84"] == [round(float(v), 6) for v in expected]
        assert facts["extent_wgs84"] == [105.1, -7.0, 106.4, -6.2]
    # a projected layer is reprojected (UTM 48S metres -> degrees)
    utm = gpd.GeoDataFrame(geometry=shapes, crs=4326).to_crs(32748)
    facts = layer_facts(utm, "t")
    assert pyproj.CRS(facts["crs"]).to_epsg() == 32748
    assert facts["extent_wgs84"][0] < 105.11 and facts["extent_wgs84"][2] > 106.39
