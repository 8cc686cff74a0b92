"""Pure parts of the local stack's Elasticsearch component: config and descriptor rendering, unpacking, checks."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from newsingest.stack.elasticsearch import CONFIG_TEMPLATE, health_status, java_opts, render_config, untraversable_dir
from newsingest.stack.es_install import (
    DESCRIPTOR_TEMPLATE,
    PINNED_SHA256,
    PLUGIN_CLASS,
    PLUGIN_NAME,
    PLUGIN_SOURCE,
    POM,
    extract_zip,
    parse_descriptor,
    plugin_fingerprint,
    render_descriptor,
    zip_name,
)
from newsingest.stack.process import StackError


def _yaml_pairs(text: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition(": ")
            assert sep, f"not a `key: value` line: {raw!r}"
            pairs[key] = value
    return pairs


def test_config_renders_every_placeholder() -> None:
    text = render_config(
        CONFIG_TEMPLATE.read_text(),
        host="127.0.0.1",
        http_port=9200,
        transport_port=9300,
        data_dir=Path("/srv/stack/elasticsearch/data"),
        logs_dir=Path("/srv/stack/elasticsearch/logs"),
    )
    assert "$" not in text
    pairs = _yaml_pairs(text)
    assert pairs["cluster.name"] == "newsingest-local"
    assert pairs["discovery.type"] == "single-node"
    assert pairs["network.host"] == '"127.0.0.1"'
    assert pairs["http.port"] == "9200"
    assert pairs["transport.port"] == "9300"
    assert json.loads(pairs["path.data"]) == "/srv/stack/elasticsearch/data"
    assert json.loads(pairs["path.logs"]) == "/srv/stack/elasticsearch/logs"
    assert pairs["xpack.security.enabled"] == "false"
    assert pairs["cluster.routing.allocation.disk.threshold_enabled"] == "false"


def test_config_quotes_awkward_paths() -> None:
    text = render_config(
        CONFIG_TEMPLATE.read_text(),
        host="::1",
        http_port=19200,
        transport_port=19300,
        data_dir=Path('/tmp/a dir: with "quotes"/data'),
        logs_dir=Path("/tmp/x/logs"),
    )
    pairs = _yaml_pairs(text)
    assert json.loads(pairs["path.data"]) == '/tmp/a dir: with "quotes"/data'
    assert json.loads(pairs["network.host"]) == "::1"
    assert pairs["http.port"] == "19200"


def test_descriptor_has_exactly_the_accepted_keys() -> None:
    pairs = parse_descriptor(render_descriptor(DESCRIPTOR_TEMPLATE.read_text(), es_version="9.3.2"))
    assert set(pairs) == {"name", "description", "version", "classname", "java.version", "elasticsearch.version"}
    assert pairs["elasticsearch.version"] == "9.3.2"
    assert pairs["name"] == PLUGIN_NAME
    assert pairs["classname"] == PLUGIN_CLASS
    assert pairs["java.version"] == "21"


def test_plugin_class_is_where_the_descriptor_says() -> None:
    source = PLUGIN_SOURCE / "src" / (PLUGIN_CLASS.replace(".", "/") + ".java")
    text = source.read_text()
    assert f"public final class {PLUGIN_CLASS.rsplit('.', 1)[1]} extends Plugin implements AnalysisPlugin" in text
    for name in ("german", "english", "french", "spanish", "italian", "dutch", "portuguese", "russian", "arabic"):
        assert f'new Language("{name}"' in text
    for name in ('"lowercase"', '"asciifolding"', '"stop"', '"german_normalization"', '"stemmer"'):
        assert name in text


def test_pom_takes_the_version_as_a_property() -> None:
    pom = POM.read_text()
    assert "<es.version>" in pom
    assert "${es.version}" in pom
    assert "${download.dir}" in pom
    assert zip_name("9.3.2") == "elasticsearch-9.3.2.zip"
    assert all(len(digest) == 64 for digest in PINNED_SHA256.values())


@pytest.mark.parametrize(
    ("heap", "opts"), [("1g", "-Xms1g -Xmx1g"), ("512m", "-Xms512m -Xmx512m"), (" 2G ", "-Xms2G -Xmx2G")]
)
def test_java_opts(heap: str, opts: str) -> None:
    assert java_opts(heap) == opts


@pytest.mark.parametrize("heap", ["", "1", "g", "1gb", "-1g", "1.5g"])
def test_java_opts_rejects_garbage(heap: str) -> None:
    with pytest.raises(StackError):
        java_opts(heap)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"cluster_name":"newsingest-local","status":"yellow"}', "yellow"),
        (b'{"status":"green"}', "green"),
        (b'{"error":"x"}', None),
        (b"not json", None),
        (b"[1, 2]", None),
    ],
)
def test_health_status(body: bytes, status: str | None) -> None:
    assert health_status(body) == status


def test_plugin_fingerprint_changes_with_sources_version_and_jdk(tmp_path: Path) -> None:
    source = tmp_path / "A.java"
    source.write_text("class A {}")
    base = plugin_fingerprint([source], es_version="9.3.2", java_home=Path("/jdk"))
    assert plugin_fingerprint([source], es_version="9.3.2", java_home=Path("/jdk")) == base
    assert plugin_fingerprint([source], es_version="9.3.3", java_home=Path("/jdk")) != base
    assert plugin_fingerprint([source], es_version="9.3.2", java_home=Path("/jdk2")) != base
    source.write_text("class A { }")
    assert plugin_fingerprint([source], es_version="9.3.2", java_home=Path("/jdk")) != base


def _add(zf: zipfile.ZipFile, name: str, data: bytes, mode: int) -> None:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFREG | mode) << 16
    zf.writestr(info, data)


def test_extract_zip_keeps_executable_bits(tmp_path: Path) -> None:
    archive = tmp_path / "dist.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        _add(zf, "es/bin/elasticsearch", b"#!/bin/sh\n", 0o755)
        _add(zf, "es/config/elasticsearch.yml", b"x: 1\n", 0o644)
    extract_zip(archive, tmp_path / "out")
    script = tmp_path / "out" / "es" / "bin" / "elasticsearch"
    assert script.read_bytes() == b"#!/bin/sh\n"
    assert os.access(script, os.X_OK)
    assert (tmp_path / "out" / "es" / "config" / "elasticsearch.yml").stat().st_mode & 0o777 == 0o644


def test_extract_zip_refuses_entries_outside_the_target(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        _add(zf, "../escaped.txt", b"x", 0o644)
    with pytest.raises(StackError):
        extract_zip(archive, tmp_path / "out")
    assert not (tmp_path / "escaped.txt").exists()


def test_untraversable_dir(tmp_path: Path) -> None:
    assert untraversable_dir(Path("/usr/lib")) is None
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    (tmp_path / "a").chmod(0o750)
    try:
        blocked = untraversable_dir(inner)
        assert blocked is not None
        assert blocked in inner.resolve().parents
        assert not blocked.stat().st_mode & stat.S_IXOTH
    finally:
        (tmp_path / "a").chmod(0o755)
