"""Tests for geo_priority.io.fetch: registry, cache, mirror and pooch downloads.

Downloads go to a local ThreadingHTTPServer on 127.0.0.1 only; a guard fails any
test that tries to reach another host. The user's cache is never touched:
GEO_PRIORITY_CACHE points into tmp_path for every test.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from geo_priority.errors import FetchError, InputError
from geo_priority.io import fetch
from geo_priority.messages import use_language

SOURCE = "banten-desa-ocha-bps2020"
PREFIX = "jfraziz-indonesia-district-8d3de3c"
N_FEATURES = 1552
FIRST = "id36_banten/id3601_pandeglang/id3601_pandeglang.geojson"
TAMPERED = "id36_banten/id3602_lebak/id3602_lebak.geojson"
TAMPERED_SHA256 = "336f5c82a4194729e99c3cbe3676e35124926483923952d75c1c5ae1061929c6"
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


# --------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------


def _shared_data() -> Path:
    env = os.environ.get("GEO_PRIORITY_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def upstream() -> Path:
    """The shared ``upstream`` dir holding ``<PREFIX>/id36_banten/...``."""
    root = _shared_data() / "upstream"
    if not (root / PREFIX / FIRST).is_file():
        reason = (
            f"real upstream Banten files not found under {str(root / PREFIX)!r}; "
            "set GEO_PRIORITY_SHARED to the shared data directory"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return root


@pytest.fixture(autouse=True)
def _isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Use a tmp cache, the repo registry, no mirror, no proxy for 127.0.0.1."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(fetch.ENV_CACHE, str(cache))
    monkeypatch.delenv(fetch.ENV_MIRROR, raising=False)
    monkeypatch.delenv(fetch.ENV_REGISTRY, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    return cache


@pytest.fixture(autouse=True)
def _no_real_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if anything resolves or connects to a non-loopback host."""
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def _check(host: Any) -> None:
        if host not in _LOOPBACK:
            raise AssertionError(f"test tried to reach the network: {host!r}")

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check(address[0])
        real_connect(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        _check(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serve a directory quietly and record every request path."""

    timeout = 10  # seconds a connection may stay idle

    def __init__(self, *args: Any, seen: list[str], **kwargs: Any) -> None:
        self._seen = seen  # set first: the base class handles the request in init
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        self._seen.append(self.path)
        return super().send_head()


@dataclass
class Server:
    base_url: str
    requests: list[str]


@pytest.fixture
def serve() -> Iterator[Callable[[Path], Server]]:
    """Start HTTP servers on 127.0.0.1 for directories; stop them at teardown."""
    running: list[tuple[http.server.ThreadingHTTPServer, threading.Thread]] = []

    def start(directory: Path) -> Server:
        seen: list[str] = []
        handler = functools.partial(
            _CountingHandler, directory=str(directory), seen=seen
        )
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        running.append((httpd, thread))
        return Server(f"http://127.0.0.1:{httpd.server_address[1]}/", seen)

    yield start
    for httpd, thread in running:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
        assert not thread.is_alive(), "HTTP server thread did not stop"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tampered_copy(src: Path, dest: Path) -> Path:
    """Copy the upstream tree and change one byte of TAMPERED (same size)."""
    shutil.copytree(src, dest)
    path = dest / TAMPERED
    data = bytearray(path.read_bytes())
    i = data.index(b"106.", len(data) // 2) + 5  # a coordinate digit
    data[i] = ord("1") if data[i] != ord("1") else ord("2")
    path.write_bytes(bytes(data))
    return path


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------


def test_registry_entry_is_complete() -> None:
    source = fetch.get_source(SOURCE)
    assert source.level == "desa"
    assert source.code_system == "bps"
    assert source.code_column == "village_code"
    assert source.crs == "EPSG:4326"
    assert source.mirror_prefix == PREFIX
    assert source.licence == "CC BY-IGO 3.0 (OCHA COD-AB, from BPS)"
    assert len(source.files) == 8
    assert source.files[0].mirror_path == FIRST
    assert sum(f.size for f in source.files) == 12_205_698


@pytest.mark.integration
def test_registry_matches_scout_manifest(upstream: Path) -> None:
    manifest = upstream.parent / "boundaries" / "UPSTREAM_SHA256.txt"
    pinned = {}
    for line in manifest.read_text().splitlines():
        if "id36_banten" in line:
            sha, size, url = line.split()
            pinned[url] = (sha, int(size))
    source = fetch.get_source(SOURCE)
    assert {f.url: (f.sha256, f.size) for f in source.files} == pinned


@pytest.mark.parametrize(
    "given", ["banten-desa-ocha-bps2020", " Banten_Desa_OCHA_BPS2020 "]
)
def test_get_source_normalises_id(given: str) -> None:
    assert fetch.get_source(given).id == SOURCE


def test_unknown_source_lists_known_ids() -> None:
    with (
        use_language("en"),
        pytest.raises(FetchError, match=r"unknown boundary source 'jawa-desa'"),
    ):
        fetch.fetch_source("jawa-desa")
    with (
        use_language("en"),
        pytest.raises(FetchError, match=r"Known sources: 'banten-desa-ocha-bps2020'"),
    ):
        fetch.get_source("jawa-desa")


def test_registry_path_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    copy = tmp_path / "my.toml"
    shutil.copy(fetch.registry_path(), copy)
    monkeypatch.setenv(fetch.ENV_REGISTRY, str(copy))
    assert fetch.registry_path() == copy
    monkeypatch.setenv(fetch.ENV_REGISTRY, str(tmp_path / "missing.toml"))
    with pytest.raises(InputError, match=r"GEO_PRIORITY_REGISTRY=.*missing\.toml"):
        fetch.registry_path()


def test_registry_path_none_found(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    nowhere = (tmp_path / "a.toml", tmp_path / "b.toml")
    monkeypatch.setattr(fetch, "_default_registry_paths", lambda: nowhere)
    with (
        use_language("en"),
        pytest.raises(InputError, match=r"sources\.toml not found.*a\.toml"),
    ):
        fetch.registry_path()


_GOOD_FILE = {
    "url": "https://example.org/c0ffee/a/b.geojson",
    "sha256": "0" * 64,
    "size": 10,
    "mirror_path": "a/b.geojson",
}


def _write_registry(path: Path, **file_overrides: Any) -> Path:
    entry = {**_GOOD_FILE, **file_overrides}
    lines = [
        "[sources.tiny]",
        'title = "t"',
        'level = "desa"',
        'code_system = "bps"',
        'code_column = "code"',
        'name_column = "name"',
        'crs = "EPSG:4326"',
        'licence = "l"',
        'attribution = "a"',
        'mirror_prefix = "tiny"',
        "[[sources.tiny.files]]",
        *(f"{k} = {v!r}" if isinstance(v, int) else f'{k} = "{v}"'
          for k, v in entry.items()),
    ]  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    return path


def test_load_registry_minimal(tmp_path: Path) -> None:
    sources = fetch.load_registry(_write_registry(tmp_path / "r.toml"))
    assert list(sources) == ["tiny"]
    assert sources["tiny"].files[0].url_for("http://h:1/") == "http://h:1/a/b.geojson"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"sha256": "XYZ"}, r"sha256 must be 64 lowercase hex digits, got 'XYZ'"),
        ({"size": 0}, r"size must be a positive byte count, got 0"),
        ({"mirror_path": "a/c.geojson"}, r"does not end with '/a/c\.geojson'"),
        ({"mirror_path": "../b.geojson"}, r"mirror_path must be a relative POSIX"),
        (
            {"sha265": "0" * 64},
            r"unknown key\(s\) in .*: 'sha265'\. Did you mean 'sha256'\?",
        ),
    ],
)
def test_load_registry_rejects_bad_entries(
    tmp_path: Path, override: dict[str, Any], message: str
) -> None:
    path = _write_registry(tmp_path / "r.toml", **override)
    with use_language("en"), pytest.raises(InputError, match=message):
        fetch.load_registry(path)


def test_load_registry_rejects_bad_toml(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text("[sources.x\n")
    with use_language("en"), pytest.raises(InputError, match=r"is not valid TOML"):
        fetch.load_registry(path)


# --------------------------------------------------------------------------
# Locations
# --------------------------------------------------------------------------


def test_cache_dir_from_env(_isolate: Path) -> None:
    assert fetch.cache_dir() == _isolate


def test_cache_dir_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fetch.ENV_CACHE)
    path = fetch.cache_dir()
    assert path.name == "boundaries"
    assert "geo-priority" in str(path)


def test_mirror_dir_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    assert fetch.mirror_dir() is None
    monkeypatch.setenv(fetch.ENV_MIRROR, str(tmp_path))
    assert fetch.mirror_dir() == tmp_path


# --------------------------------------------------------------------------
# Downloads
# --------------------------------------------------------------------------


@pytest.mark.integration
def test_download_then_cache(
    upstream: Path, serve: Callable[[Path], Server], _isolate: Path
) -> None:
    server = serve(upstream / PREFIX)
    source = fetch.get_source(SOURCE)
    assert not fetch.is_cached(SOURCE)

    paths = fetch.fetch_source(SOURCE, base_url=server.base_url)

    assert paths == [_isolate / PREFIX / f.mirror_path for f in source.files]
    assert [_sha256(p) for p in paths] == [f.sha256 for f in source.files]
    assert sorted(server.requests) == sorted("/" + f.mirror_path for f in source.files)
    assert _files(_isolate / PREFIX) == sorted(f.mirror_path for f in source.files)
    assert fetch.is_cached(SOURCE)

    gdf = fetch.load_source(SOURCE, base_url=server.base_url)

    assert len(server.requests) == 8, "second call must use the cache"
    assert len(gdf) == N_FEATURES
    assert gdf.crs == "EPSG:4326"
    assert pd.api.types.is_string_dtype(gdf["village_code"])
    assert gdf["village_code"].str.fullmatch(r"id36\d{8}").all()
    assert gdf["village_code"].is_unique
    assert gdf["regency_code"].iloc[0] == "id3601"  # registry order
    assert gdf["regency_code"].iloc[-1] == "id3674"


@pytest.mark.integration
def test_tampered_download_is_rejected(
    upstream: Path, serve: Callable[[Path], Server], tmp_path: Path, _isolate: Path
) -> None:
    bad = _tampered_copy(upstream / PREFIX, tmp_path / "served")
    server = serve(tmp_path / "served")

    with use_language("en"), pytest.raises(FetchError) as info:
        fetch.fetch_source(SOURCE, base_url=server.base_url)

    message = str(info.value)
    assert f"{server.base_url}{TAMPERED}" in message
    assert f"expected sha256 {TAMPERED_SHA256}, got {_sha256(bad)}" in message
    assert "corrupted or was changed upstream" in message
    lebak_dir = _isolate / PREFIX / Path(TAMPERED).parent
    assert not lebak_dir.exists() or list(lebak_dir.iterdir()) == []
    assert not fetch.is_cached(SOURCE)


def test_http_404_is_a_fetch_error(
    serve: Callable[[Path], Server], tmp_path: Path, _isolate: Path
) -> None:
    (tmp_path / "empty").mkdir()
    server = serve(tmp_path / "empty")
    with (
        use_language("en"),
        pytest.raises(FetchError, match=r"could not download .*network says: .*404"),
    ):
        fetch.fetch_source(SOURCE, base_url=server.base_url)
    assert server.requests == ["/" + FIRST]
    assert _files(_isolate) == []


def test_unreachable_server_gives_mirror_hint(_isolate: Path) -> None:
    base_url = f"http://127.0.0.1:{_free_port()}/"
    with use_language("en"), pytest.raises(FetchError) as info:
        fetch.fetch_source(SOURCE, base_url=base_url, progress=True)
    message = str(info.value)
    assert f"could not download '{base_url}{FIRST}'" in message
    assert "network says:" in message
    assert "8 file(s)" in message
    assert "--mirror DIR" in message
    assert "GEO_PRIORITY_MIRROR" in message
    assert f"copy the files into {str(_isolate / PREFIX)!r}" in message
    assert _files(_isolate) == []


def test_base_url_must_be_http() -> None:
    with (
        use_language("en"),
        pytest.raises(FetchError, match=r"base_url must start with http.*mirror=DIR"),
    ):
        fetch.fetch_source(SOURCE, base_url="/srv/mirror")


# --------------------------------------------------------------------------
# Mirror and offline
# --------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize("prefixed", [False, True], ids=["mirror-root", "prefix-dir"])
def test_mirror_offline(upstream: Path, _isolate: Path, prefixed: bool) -> None:
    mirror = upstream / PREFIX if prefixed else upstream
    before = _snapshot(mirror)

    paths = fetch.fetch_source(SOURCE, mirror=mirror, offline=True)

    assert all(p.is_relative_to(_isolate) for p in paths)
    assert fetch.is_cached(SOURCE)
    assert _snapshot(mirror) == before, "the mirror must not be written to"


@pytest.mark.integration
def test_mirror_from_env(
    upstream: Path, monkeypatch: pytest.MonkeyPatch, _isolate: Path
) -> None:
    monkeypatch.setenv(fetch.ENV_MIRROR, str(upstream))
    gdf = fetch.load_source(SOURCE, offline=True)
    assert len(gdf) == N_FEATURES


@pytest.mark.integration
def test_tampered_mirror_is_rejected(
    upstream: Path, tmp_path: Path, _isolate: Path
) -> None:
    bad = _tampered_copy(upstream / PREFIX, tmp_path / "mirror" / PREFIX)
    with use_language("en"), pytest.raises(FetchError) as info:
        fetch.fetch_source(SOURCE, mirror=tmp_path / "mirror", offline=True)
    message = str(info.value)
    assert f"mirror file {str(bad)!r}" in message
    assert f"expected sha256 {TAMPERED_SHA256}, got {_sha256(bad)}" in message
    lebak_dir = _isolate / PREFIX / Path(TAMPERED).parent
    assert not lebak_dir.exists() or list(lebak_dir.iterdir()) == []


@pytest.mark.integration
def test_corrupt_cached_file_is_replaced(upstream: Path, _isolate: Path) -> None:
    fetch.fetch_source(SOURCE, mirror=upstream, offline=True)
    cached = _isolate / PREFIX / FIRST
    cached.write_bytes(b"not geojson")
    assert not fetch.is_cached(SOURCE)
    with (
        use_language("en"),
        pytest.raises(FetchError, match=r"1 of 8 files .* not in the cache"),
    ):
        fetch.fetch_source(SOURCE, offline=True)
    assert not cached.exists(), "a corrupt cache file must not be kept"
    fetch.fetch_source(SOURCE, mirror=upstream, offline=True)
    assert fetch.is_cached(SOURCE)


def test_offline_empty_cache_names_missing_files(_isolate: Path) -> None:
    with use_language("en"), pytest.raises(FetchError) as info:
        fetch.fetch_source(SOURCE, offline=True)
    message = str(info.value)
    assert "8 of 8 files of 'banten-desa-ocha-bps2020' are not in the cache" in message
    assert "'id3601_pandeglang.geojson', 'id3602_lebak.geojson'" in message
    assert "(3 more)" in message
    assert f"Copy them into {str(_isolate / PREFIX)!r}" in message
    assert "--mirror DIR" in message


def test_offline_mirror_without_files(tmp_path: Path) -> None:
    (tmp_path / "mirror").mkdir()
    with (
        use_language("en"),
        pytest.raises(FetchError, match=r"not in the mirror .*mirror'"),
    ):
        fetch.fetch_source(SOURCE, mirror=tmp_path / "mirror", offline=True)


def test_missing_mirror_dir(tmp_path: Path) -> None:
    with (
        use_language("en"),
        pytest.raises(InputError, match=r"mirror directory .*nope' does not exist"),
    ):
        fetch.fetch_source(SOURCE, mirror=tmp_path / "nope", offline=True)


def test_mirror_overlapping_cache_is_refused(_isolate: Path) -> None:
    _isolate.mkdir()
    with pytest.raises(InputError, match=r"overlap"):
        fetch.fetch_source(SOURCE, mirror=_isolate.parent, offline=True)


def test_is_cached_false_for_empty_cache(tmp_path: Path) -> None:
    assert not fetch.is_cached(SOURCE)
    assert not fetch.is_cached(SOURCE, cache=tmp_path / "other")


@pytest.mark.integration
def test_full_cache_ignores_missing_mirror(upstream: Path, tmp_path: Path) -> None:
    fetch.fetch_source(SOURCE, mirror=upstream, offline=True)
    paths = fetch.fetch_source(SOURCE, mirror=tmp_path / "unplugged", offline=True)
    assert len(paths) == 8
