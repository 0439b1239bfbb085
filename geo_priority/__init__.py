"""geo-priority: where must extreme poverty be fought first.

Reads official boundaries and indicator tables, harmonises Indonesian region
codes and names, computes transparent priority scores and classes, and writes
maps and GIS layers.

The public API works on frames in memory; the command line is a thin user of
it. The stages, in the order data flows::

    config  = load_config("banten.toml")            # or config_from_dict({...})
    inputs  = load_inputs(config)                   # read (the only disk access)
    result  = analyse(inputs.boundaries, inputs.tables, config,
                      crosswalks=inputs.crosswalks)  # harmonise, score, classify
    m       = build_map(result)                     # folium.Map, works offline
    files   = write_outputs(result)                 # every outputs.formats file

Names are imported on first use, so ``import geo_priority`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo_priority.lazy_exports import lazy_exports

__version__ = "0.1.0"

#: Public name -> the module that defines it.
_EXPORTS = {
    "Config": "geo_priority.config",
    "load_config": "geo_priority.config",
    "config_from_dict": "geo_priority.config",
    "Inputs": "geo_priority.inputs",
    "load_inputs": "geo_priority.inputs",
    "Analysis": "geo_priority.analysis",
    "analyse": "geo_priority.analysis",
    "ranked_table": "geo_priority.analysis",
    "run_record": "geo_priority.metadata",
    "build_map": "geo_priority.outputs",
    "build_figure": "geo_priority.outputs",
    "scored_layer": "geo_priority.outputs",
    "export_layer": "geo_priority.outputs",
    "write_outputs": "geo_priority.outputs",
    "run": "geo_priority.pipeline",
    "check": "geo_priority.pipeline",
    "aggregate_registry": "geo_priority.microdata",
    "GeoPriorityError": "geo_priority.errors",
}

__all__ = [
    "Analysis",
    "Config",
    "GeoPriorityError",
    "Inputs",
    "__version__",
    "aggregate_registry",
    "analyse",
    "build_figure",
    "build_map",
    "check",
    "config_from_dict",
    "export_layer",
    "load_config",
    "load_inputs",
    "ranked_table",
    "run",
    "run_record",
    "scored_layer",
    "write_outputs",
]
assert set(__all__) == {"__version__", *_EXPORTS}, "__all__ and _EXPORTS disagree"

if TYPE_CHECKING:
    from geo_priority.analysis import Analysis, analyse, ranked_table
    from geo_priority.config import Config, config_from_dict, load_config
    from geo_priority.errors import GeoPriorityError
    from geo_priority.inputs import Inputs, load_inputs
    from geo_priority.metadata import run_record
    from geo_priority.microdata import aggregate_registry
    from geo_priority.outputs import (
        build_figure,
        build_map,
        export_layer,
        scored_layer,
        write_outputs,
    )
    from geo_priority.pipeline import check, run


__getattr__, __dir__ = lazy_exports("geo_priority", _EXPORTS, globals(), public=__all__)
