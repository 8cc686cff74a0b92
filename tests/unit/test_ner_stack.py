"""The CoreNLP stack component: what it fetches, how it starts the server, where the manager includes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsingest.config import Settings
from newsingest.stack.corenlp import CoreNLPStack
from newsingest.stack.manager import local_components


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(stack_dir=tmp_path, stack_corenlp_port=9100, stack_corenlp_threads=3, stack_corenlp_heap="3g")


def test_models_jar_per_language(settings: Settings) -> None:
    stack = CoreNLPStack(settings, progress=lambda _: None)
    assert stack.languages == ["de", "en"]
    assert stack.required_jars() == [
        "stanford-corenlp-4.5.10.jar",
        "stanford-corenlp-4.5.10-models-german.jar",
        "stanford-corenlp-4.5.10-models.jar",
    ]
    only_en = CoreNLPStack(Settings(ner_languages=["en", "pl"]), progress=lambda _: None)
    assert only_en.languages == ["en"]
    spacy_en = CoreNLPStack(Settings(ner_spacy_models={"en": "en_core_web_lg"}), progress=lambda _: None)
    assert spacy_en.languages == ["de"]


def test_server_command(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("newsingest.stack.corenlp.find_java_home", lambda *_: Path("/jdk"))
    stack = CoreNLPStack(settings, progress=lambda _: None)
    argv = stack.server_argv()
    assert argv[0] == "/jdk/bin/java"
    assert "-Xmx3g" in argv
    assert "edu.stanford.nlp.pipeline.StanfordCoreNLPServer" in argv
    assert argv[argv.index("-port") + 1] == "9100"
    assert argv[argv.index("-threads") + 1] == "3"
    assert int(argv[argv.index("-timeout") + 1]) > settings.ner_timeout_s * 1000
    assert int(argv[argv.index("-maxCharLength") + 1]) >= max(settings.ner_chunk_chars, settings.ner_pack_chars)
    assert "-Dsun.net.httpserver.nodelay=true" in argv  # else answers of a few KB wait 40 ms for a delayed ACK
    assert argv[argv.index("-cp") + 1] == f"{stack.lib_dir}/*"
    assert "-blockList" in argv


def test_blocks_other_ipv4_clients_only_for_a_loopback_host(settings: Settings) -> None:
    import ipaddress

    blocked = [ipaddress.ip_network(n) for n in CoreNLPStack(settings, progress=lambda _: None).blocked_subnets()]
    assert not any(ipaddress.ip_address("127.0.0.1") in net for net in blocked)
    assert any(ipaddress.ip_address("192.0.2.7") in net for net in blocked)
    assert any(ipaddress.ip_address("10.1.2.3") in net for net in blocked)
    exposed = CoreNLPStack(Settings(stack_host="0.0.0.0"), progress=lambda _: None)
    assert exposed.blocked_subnets() == []


def test_manager_includes_corenlp_only_when_local_and_enabled() -> None:
    names = [c.name for c in local_components(Settings(), progress=lambda _: None)]
    assert "corenlp" in names
    assert "corenlp" not in [c.name for c in local_components(Settings(ner_enabled=False), lambda _: None)]
    external = Settings(corenlp_url="http://nlp.example:9000")
    assert "corenlp" not in [c.name for c in local_components(external, lambda _: None)]


def test_render_config(settings: Settings) -> None:
    stack = CoreNLPStack(settings, progress=lambda _: None)
    stack._render_config()
    properties = (stack.config_dir / "server.properties").read_text()
    assert "annotators = tokenize,ssplit" in properties
    assert (stack.config_dir / "blocklist.txt").read_text().count("\n") == 8


def test_a_changed_jar_is_deleted_for_fetching_again(settings: Settings) -> None:
    from newsingest.stack.maven import write_manifest

    stack = CoreNLPStack(settings, progress=lambda _: None)
    stack.lib_dir.mkdir(parents=True)
    for name in stack.required_jars():
        (stack.lib_dir / name).write_bytes(b"jar")
    write_manifest(stack.lib_dir.glob("*.jar"), stack.lib_dir / "MANIFEST.sha256.json")
    assert stack._missing_jars() == []
    tampered = stack.lib_dir / stack.required_jars()[1]
    tampered.write_bytes(b"changed")
    assert stack._missing_jars() == [tampered.name]
    assert not tampered.exists()
    tampered.write_bytes(b"jar")
    write_manifest(stack.lib_dir.glob("*.jar"), stack.lib_dir / "MANIFEST.sha256.json")
    only_en = CoreNLPStack(settings.model_copy(update={"ner_languages": ["en", "fr"]}), progress=lambda _: None)
    assert only_en._missing_jars() == ["stanford-corenlp-4.5.10-models-french.jar"]
