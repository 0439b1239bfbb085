"""geo-priority: where must extreme poverty be fought first.

Reads official boundaries and indicator tables, harmonises Indonesian region
codes and names, computes transparent priority scores and classes, and writes
maps and GIS layers.
"""

from __future__ import annotations

__version__ = "0.1.0"
