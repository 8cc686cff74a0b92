"""The Elasticsearch distribution of the local stack: fetched, verified, unpacked and completed with the analysis
plugin (cached under ``<stack_dir>/elasticsearch/``).

1. ``stack/resources/elasticsearch/pom.xml`` fetches the server distribution zip from Maven Central
   (``org.elasticsearch.distribution.integ-test-zip:elasticsearch``: the real server without optional modules);
   its SHA-256 is checked against a pinned value (known versions) and recorded in a manifest that is
   re-verified on every assemble.
2. The zip is unpacked (file modes kept) to ``elasticsearch-<version>/``.
3. That distribution lacks the ``analysis-common`` module (language analyzers, ``asciifolding``...), so the small
   plugin in ``stack/resources/elasticsearch/analysis-plugin/`` is compiled with the JDK that runs the node, against
   the distribution's ``lib/``, and installed as ``plugins/newsingest-analysis/``.

Running the node is ``stack/elasticsearch.py``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from string import Template

from newsingest.stack.java import find_java_home
from newsingest.stack.maven import STACK_RESOURCES, run_maven, sha256_file, verify_manifest, write_manifest
from newsingest.stack.process import StackError, tail

ES_DEPLOY = STACK_RESOURCES / "elasticsearch"
POM = ES_DEPLOY / "pom.xml"
PLUGIN_SOURCE = ES_DEPLOY / "analysis-plugin"
DESCRIPTOR_TEMPLATE = PLUGIN_SOURCE / "plugin-descriptor.properties.template"

PLUGIN_NAME = "newsingest-analysis"
PLUGIN_CLASS = "newsingest.analysis.NewsingestAnalysisPlugin"
PLUGIN_JAVA_RELEASE = 21
MIN_JAVA = 21
MARKER = ".newsingest-assembled.json"

# SHA-256 of the integ-test-zip as published on Maven Central (which publishes no checksum files for it).
PINNED_SHA256: dict[str, str] = {
    "9.3.2": "99b5b540c8d3a5c53cbe1e4f35c46acefff59131760ddc330a7616cd319086f1",
}



# --------------------------------------------------------------------------------------------- pure helpers


def zip_name(version: str) -> str:
    return f"elasticsearch-{version}.zip"


def render_descriptor(template: str, *, es_version: str, java_version: int = PLUGIN_JAVA_RELEASE) -> str:
    """plugin-descriptor.properties: Elasticsearch rejects unknown keys and any other server version."""
    return Template(template).substitute(
        name=PLUGIN_NAME,
        description="Language analyzers and token filters of analysis-common for the newsingest local stack",
        version=es_version,
        classname=PLUGIN_CLASS,
        java_version=str(java_version),
        elasticsearch_version=es_version,
    )


def parse_descriptor(text: str) -> dict[str, str]:
    """The key=value pairs of a .properties text (comments and blank lines skipped)."""
    pairs: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "!")):
            continue
        key, _, value = line.partition("=")
        pairs[key.strip()] = value.strip()
    return pairs


def plugin_fingerprint(files: Iterable[Path], *, es_version: str, java_home: Path) -> str:
    """Identifies a plugin build: its sources, the server version and the JDK (a change means rebuild)."""
    digest = hashlib.sha256(f"{es_version}\0{java_home}\0".encode())
    for path in sorted(files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def extract_zip(archive: Path, dest: Path) -> None:
    """Unpack keeping the Unix file modes (zipfile alone drops the executable bits of bin/)."""
    dest_resolved = dest.resolve()
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            target = (dest / info.filename).resolve()
            if not target.is_relative_to(dest_resolved):
                raise StackError(f"{archive} has an entry outside the target folder: {info.filename}")
            mode = (info.external_attr >> 16) & 0o7777
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
            if mode:
                target.chmod(mode)


# --------------------------------------------------------------------------------------------- the install


class ElasticsearchInstall:
    """One version of the distribution under ``base``: ``assemble()`` makes ``home`` ready to run."""

    name = "elasticsearch"

    def __init__(
        self, version: str, base: Path, *, java_home_setting: Path | None, progress: Callable[[str], None] = print
    ) -> None:
        self.version = version
        self.base = base
        self.java_home_setting = java_home_setting
        self.progress = progress
        self.download_dir = base / "download"
        self.zip_path = self.download_dir / zip_name(version)
        self.manifest = self.download_dir / "manifest.json"
        self.home = base / f"elasticsearch-{version}"
        self.build_dir = base / "build"
        self.maven_log = base / "maven.log"

    def assemble(self) -> None:
        java_home = find_java_home(MIN_JAVA, self.java_home_setting)
        self.base.mkdir(parents=True, exist_ok=True)
        self._fetch()
        fingerprint = plugin_fingerprint(self._plugin_files(), es_version=self.version, java_home=java_home)
        marker = self.home / MARKER
        if marker.exists():
            try:
                done = json.loads(marker.read_text())
            except ValueError:
                done = {}
            if done.get("zip_sha256") == self._zip_digest() and done.get("plugin") == fingerprint:
                return
        if not (self.home / "bin" / "elasticsearch").exists() or not marker.exists():
            self._unpack()
        self._build_plugin(java_home)
        marker.write_text(
            json.dumps({"version": self.version, "zip_sha256": self._zip_digest(), "plugin": fingerprint}, indent=1)
        )
        self.progress(f"{self.name}: assembled {self.home}")

    def _zip_digest(self) -> str:
        return str(json.loads(self.manifest.read_text())[self.zip_path.name])

    def _fetch(self) -> None:
        if self.zip_path.exists() and self.manifest.exists() and not verify_manifest(self.manifest):
            return
        if self.manifest.exists() and self.zip_path.exists():
            self.progress(f"{self.name}: {self.zip_path.name} changed since it was fetched; fetching it again")
        self.zip_path.unlink(missing_ok=True)
        self.manifest.unlink(missing_ok=True)
        self.download_dir.mkdir(parents=True, exist_ok=True)
        pinned = PINNED_SHA256.get(self.version)
        for skip_cache in (False, True):
            self.progress(
                f"{self.name}: fetching Elasticsearch {self.version} from Maven Central (log: {self.maven_log})"
            )
            run_maven(
                POM,
                ["download:wget"],
                properties={
                    "es.version": self.version,
                    "download.dir": str(self.download_dir),
                    "download.skip.cache": str(skip_cache).lower(),
                },
                log_file=self.maven_log,
            )
            if not self.zip_path.exists():
                raise StackError(f"Maven did not produce {self.zip_path}; read {self.maven_log}")
            digest = sha256_file(self.zip_path)
            if pinned is None:
                self.progress(f"{self.name}: no pinned checksum for {self.version}; recording sha256 {digest}")
                break
            if digest == pinned:
                break
            self.zip_path.unlink()
            if skip_cache:
                raise StackError(
                    f"{zip_name(self.version)} from Maven Central has sha256 {digest}, expected {pinned}; "
                    f"not using it (read {self.maven_log})"
                )
        write_manifest([self.zip_path], self.manifest)
        shutil.rmtree(self.home, ignore_errors=True)  # a new zip means a new unpack

    def _unpack(self) -> None:
        self.progress(f"{self.name}: unpacking {self.zip_path.name}")
        staging = self.base / ".unpack"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        extract_zip(self.zip_path, staging)
        unpacked = staging / f"elasticsearch-{self.version}"
        if not (unpacked / "bin" / "elasticsearch").exists():
            raise StackError(f"{self.zip_path} does not contain elasticsearch-{self.version}/bin/elasticsearch")
        shutil.rmtree(self.home, ignore_errors=True)
        unpacked.rename(self.home)
        shutil.rmtree(staging, ignore_errors=True)

    def _plugin_files(self) -> list[Path]:
        sources = sorted((PLUGIN_SOURCE / "src").rglob("*.java"))
        if not sources or not DESCRIPTOR_TEMPLATE.exists():
            raise StackError(f"the analysis plugin sources are missing under {PLUGIN_SOURCE}")
        return [*sources, DESCRIPTOR_TEMPLATE]

    def _build_plugin(self, java_home: Path) -> None:
        self.progress(f"{self.name}: building the analysis plugin with {java_home}")
        javac = java_home / "bin" / "javac"
        if not javac.exists():
            raise StackError(f"{java_home} has no javac (a JRE?); install a JDK >= {MIN_JAVA}")
        classes = self.build_dir / "classes"
        shutil.rmtree(classes, ignore_errors=True)
        classes.mkdir(parents=True)
        sources = [str(p) for p in self._plugin_files() if p.suffix == ".java"]
        build_log = self.build_dir / "javac.log"
        argv = [
            str(javac),
            "--release",
            str(PLUGIN_JAVA_RELEASE),
            "-encoding",
            "UTF-8",
            "-nowarn",
            "-cp",
            str(self.home / "lib" / "*"),
            "-d",
            str(classes),
            *sources,
        ]
        with open(build_log, "w") as log:
            result = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT, check=False)
        if result.returncode != 0:
            raise StackError(f"compiling the analysis plugin failed; read {build_log}\n{tail(build_log, 25)}")
        plugin_dir = self.home / "plugins" / PLUGIN_NAME
        shutil.rmtree(plugin_dir, ignore_errors=True)
        plugin_dir.mkdir(parents=True)
        with zipfile.ZipFile(plugin_dir / f"{PLUGIN_NAME}.jar", "w", zipfile.ZIP_DEFLATED) as jar:
            jar.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nCreated-By: newsingest stack\r\n\r\n")
            for path in sorted(classes.rglob("*.class")):
                jar.write(path, path.relative_to(classes).as_posix())
        descriptor = render_descriptor(DESCRIPTOR_TEMPLATE.read_text(), es_version=self.version)
        (plugin_dir / "plugin-descriptor.properties").write_text(descriptor)
