"""The local Stanford CoreNLP server (named entities) assembled from Maven Central jars.

CoreNLP is GPL-3.0, so it only ever runs as this separate server process; newsingest talks HTTP to it
(``enrich/ner/corenlp.py``). ``stack/resources/corenlp/pom.xml`` fetches the CoreNLP jar plus one models jar per
language in ``settings.ner_languages`` (Maven profiles ``-Dcorenlp.<language>=true``); their SHA-256 are
recorded in a manifest and re-verified on every start. After the server answers ``/ready``, one request per
language loads that language's classifier, so the first article does not pay for it.
"""

from __future__ import annotations

import ipaddress
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from newsingest.config import Settings
from newsingest.enrich.ner.corenlp import LANGUAGE_PROPERTIES, pipeline_properties
from newsingest.stack.component import ServerComponent
from newsingest.stack.java import find_java_home
from newsingest.stack.maven import STACK_RESOURCES, run_maven, verify_manifest, write_manifest
from newsingest.stack.process import (
    StackError,
    port_open,
    read_pid,
    start_detached,
    tail,
    wait_until,
)

CORENLP_MIN_JAVA = 11
# The models jar each language needs (the pom's profile of the same name fetches it).
MODEL_CLASSIFIERS = {"en": "models", "de": "models-german", "fr": "models-french", "es": "models-spanish"}
WARMUP_TEXT = {
    "en": "Angela Merkel visited Paris.",
    "de": "Angela Merkel besuchte Paris.",
    "fr": "Angela Merkel a visité Paris.",
    "es": "Angela Merkel visitó París.",
}


class CoreNLPStack(ServerComponent):
    name = "corenlp"
    stop_timeout_s = 30.0

    def __init__(self, settings: Settings, progress: Callable[[str], None] = print) -> None:
        super().__init__(settings, progress)
        self.version = settings.stack_corenlp_version
        self.home = settings.stack_dir / "corenlp"
        self.lib_dir = self.home / f"lib-{self.version}"
        self.config_dir = self.home / "config"
        self.log_file = self.home / "logs" / "corenlp.log"
        self.pid_file = self.home / "corenlp.pid"
        self.sources = STACK_RESOURCES / "corenlp"
        spacy = settings.ner_spacy_models  # languages served by an installed spaCy pipeline need no model here
        self.languages = [lang for lang in settings.ner_languages if lang in MODEL_CLASSIFIERS and lang not in spacy]
        self.url = f"http://{settings.stack_host}:{settings.stack_corenlp_port}"

    # --- assembling ----------------------------------------------------------------------------
    @property
    def _manifest(self) -> Path:
        return self.lib_dir / "MANIFEST.sha256.json"

    def required_jars(self) -> list[str]:
        jars = [f"stanford-corenlp-{self.version}.jar"]
        jars += [f"stanford-corenlp-{self.version}-{MODEL_CLASSIFIERS[lang]}.jar" for lang in self.languages]
        return jars

    def _missing_jars(self) -> list[str]:
        bad = verify_manifest(self._manifest)
        if bad:
            for name in bad:  # changed since fetched: delete, so that Maven fetches it again
                if not name.startswith("<"):
                    (self.lib_dir / name).unlink(missing_ok=True)
            return bad
        recorded = set(json.loads(self._manifest.read_text()))
        return [jar for jar in self.required_jars() if jar not in recorded]

    def assemble(self) -> None:
        """Fetch the server's and the languages' jars (once, cached and checksummed); write its configuration."""
        missing = self._missing_jars()
        if missing:
            self.progress(
                f"corenlp: fetching Stanford CoreNLP {self.version} with models for "
                f"{', '.join(self.languages) or 'no language'} from Maven Central (about 0.7 GB for de+en)"
            )
            run_maven(
                self.sources / "pom.xml",
                ["dependency:copy-dependencies"],
                properties={
                    "corenlp.version": self.version,
                    "lib.dir": str(self.lib_dir),
                    **{f"corenlp.{lang}": "true" for lang in self.languages},
                },
                log_file=self.home / "logs" / "maven.log",
            )
            write_manifest(self.lib_dir.glob("*.jar"), self._manifest)
            still_missing = self._missing_jars()
            if still_missing:
                raise StackError(f"corenlp: missing or corrupt after fetching: {still_missing}")
        self._render_config()

    def _render_config(self) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        (self.config_dir / "server.properties").write_text((self.sources / "server.properties").read_text())
        (self.config_dir / "blocklist.txt").write_text("".join(f"{net}\n" for net in self.blocked_subnets()))

    def blocked_subnets(self) -> list[str]:
        """The server has no bind-address option and listens on every interface; when the stack host is
        loopback, IPv4 clients from anywhere else are refused (the server does not check IPv6 clients)."""
        try:
            host = ipaddress.ip_address(
                "127.0.0.1" if self.settings.stack_host == "localhost" else self.settings.stack_host
            )
        except ValueError:
            return []
        if not host.is_loopback or host.version != 4:
            return []
        loopback = ipaddress.ip_network("127.0.0.0/8")
        return sorted(str(net) for net in ipaddress.ip_network("0.0.0.0/0").address_exclude(loopback))

    def _java(self) -> Path:
        return find_java_home(CORENLP_MIN_JAVA, self.settings.stack_java_home) / "bin" / "java"

    def server_argv(self) -> list[str]:
        timeout_ms = int(self.settings.ner_timeout_s * 1000) + 5000  # the client gives up first
        argv = [
            str(self._java()),
            f"-Xmx{self.settings.stack_corenlp_heap}",
            "-XX:+UseG1GC",
            # models sit in soft-reference caches: keep them unless the heap is really full
            "-XX:SoftRefLRUPolicyMSPerMB=1000000",
            "-Djava.awt.headless=true",
            # answers go out at once: without TCP_NODELAY the JDK's HTTP server (Nagle) holds the last part of an
            # answer of a few KB until the client's delayed ACK, 40 ms later (docs/ner.md, "Round 10")
            "-Dsun.net.httpserver.nodelay=true",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            # one line per pipeline (re)built, i.e. per change of language between requests: too chatty
            "-Dorg.slf4j.simpleLogger.log.edu.stanford.nlp.pipeline.StanfordCoreNLP=warn",
            "-cp",
            f"{self.lib_dir}/*",
            "edu.stanford.nlp.pipeline.StanfordCoreNLPServer",
            "-port",
            str(self.settings.stack_corenlp_port),
            "-threads",
            str(self.settings.stack_corenlp_threads),
            "-timeout",
            str(timeout_ms),
            "-maxCharLength",
            str(max(100_000, 2 * self.settings.ner_chunk_chars, 2 * self.settings.ner_pack_chars)),
            "-serverProperties",
            str(self.config_dir / "server.properties"),
            "-quiet",
            "true",
        ]
        if self.blocked_subnets():
            # the server honours -blockList only in its "stanford" mode, whose other effect (capping timeouts)
            # applies to the host corenlp.stanford.edu alone
            argv += ["-stanford", "true", "-blockList", str(self.config_dir / "blocklist.txt")]
        return argv

    # --- running -------------------------------------------------------------------------------
    def is_healthy(self) -> bool:
        if not port_open(self.settings.stack_host, self.settings.stack_corenlp_port):
            return False
        try:
            with urllib.request.urlopen(f"{self.url}/ready", timeout=3) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def start(self) -> None:
        if read_pid(self.pid_file) is not None and self.is_healthy():
            self.progress(f"corenlp: already running on {self.url}")
            self.warm_up()
            return
        self.assemble()
        if read_pid(self.pid_file) is None:
            if port_open(self.settings.stack_host, self.settings.stack_corenlp_port):
                raise StackError(
                    f"corenlp: port {self.settings.stack_corenlp_port} is in use by another process; stop it or "
                    "set NEWSINGEST_STACK_CORENLP_PORT (or NEWSINGEST_CORENLP_URL for an external server)"
                )
            self.progress(f"corenlp: starting Stanford CoreNLP server on {self.url} (log: {self.log_file})")
            start_detached(self.server_argv(), log_file=self.log_file, pid_file=self.pid_file, cwd=self.home)
        wait_until(
            self.is_healthy,
            timeout=self.settings.stack_start_timeout_s,
            what="corenlp",
            log_file=self.log_file,
            pid_file=self.pid_file,
            progress=self.progress,
        )
        self.warm_up()
        self.progress("corenlp: ready")

    def warm_up(self) -> None:
        """Load each language's classifier with one small request (idempotent; fast once loaded)."""
        for lang in self.languages:
            if lang not in LANGUAGE_PROPERTIES:
                continue
            query = urllib.parse.urlencode({"properties": json.dumps(pipeline_properties(lang))})
            request = urllib.request.Request(
                f"{self.url}/?{query}",
                data=WARMUP_TEXT.get(lang, "Paris.").encode("utf-8"),
                headers={"Content-Type": "text/plain; charset=utf-8"},
            )
            try:
                with urllib.request.urlopen(request, timeout=self.settings.stack_start_timeout_s) as response:
                    json.loads(response.read())
            except (urllib.error.URLError, OSError, ValueError) as exc:
                raise StackError(
                    f"corenlp: loading the {lang} model failed ({exc}); read {self.log_file}\n{tail(self.log_file)}"
                ) from exc

    def status_details(self, pid: int | None) -> dict[str, object]:
        return {"url": self.url, "version": self.version, "languages": self.languages, **super().status_details(pid)}
