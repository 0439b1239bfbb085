"""A package's public names, imported from their modules on first use (PEP 562).

``geo_priority`` and ``geo_priority.io`` name their exports without importing
them, so that ``import geo_priority`` stays fast and a light module of a
package (``geo_priority.io.geoparquet``) loads without the rest.

Examples
--------
>>> namespace: dict[str, object] = {}
>>> getattr_, dir_ = lazy_exports(
...     "pkg", {"dumps": "json"}, namespace, public=["dumps"])
>>> getattr_("dumps")({"a": 1}), "dumps" in namespace, dir_()
('{"a": 1}', True, ['dumps'])
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any


def lazy_exports(
    package: str,
    exports: Mapping[str, str],
    namespace: MutableMapping[str, Any],
    *,
    public: Sequence[str],
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return a package's module ``__getattr__`` and ``__dir__``.

    Parameters
    ----------
    package : str
        The package's name, for the error of an unknown name.
    exports : mapping of str to str
        Each public name and the module that defines it.
    namespace : dict
        The package's ``globals()``: a name, once imported, is kept there.
    public : sequence of str
        What ``dir(package)`` lists (its ``__all__``).
    """

    def getattr_(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted(public)

    return getattr_, dir_
