"""The single-node Elasticsearch of the local stack (``newsingest stack up``), without Docker.

Assembly (cached under ``<stack_dir>/elasticsearch/``):

1. ``deploy/stack/elasticsearch/pom.xml`` fetches the server distribution zip from Maven Central
   (``org.elasticsearch.distribution.integ-test-zip:elasticsearch``: the real server without optional modules);
   its SHA-256 is checked against a pinned value (known versions) and recorded in a manifest that is
   re-verified on every assemble.
2. The zip is unpacked (file modes kept) to ``elasticsearch-<version>/``.
3. That distribution lacks the ``analysis-common`` module (language analyzers, ``asciifolding``...), so the small
   plugin in ``deploy/stack/elasticsearch/analysis-plugin/`` is compiled with the JDK that runs the node, against
   the distribution's ``lib/``, and installed as ``plugins/newsingest-analysis/``.

Elasticsearch refuses to run as root: under root the node runs as the unprivileged ``stack_es_user``.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import stat
import subprocess
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from string import Template

from newsingest.config import Settings
from newsingest.stack.component import ServerComponent
from newsingest.stack.java import find_java_home
from newsingest.stack.maven import DEPLOY_STACK, run_maven, sha256_file, verify_manifest, write_manifest
from newsingest.stack.process import (
    StackError,
    port_open,
    read_pid,
    start_detached,
    tail,
    wait_until,
)

ES_DEPLOY = DEPLOY_STACK / "elasticsearch"
POM = ES_DEPLOY / "pom.xml"
CONFIG_TEMPLATE = ES_DEPLOY / "elasticsearch.yml.template"
PLUGIN_SOURCE = ES_DEPLOY / "analysis-plugin"
DESCRIPTOR_TEMPLATE = PLUGIN_SOURCE / "plugin-descriptor.properties.template"

PLUGIN_NAME = "newsingest-analysis"
PLUGIN_CLASS = "newsingest.analysis.NewsingestAnalysisPlugin"
PLUGIN_JAVA_RELEASE = 21
MIN_JAVA = 21
CLUSTER_NAME = "newsingest-local"
MARKER = ".newsingest-assembled.json"

# SHA-256 of the integ-test-zip as published on Maven Central (which publishes no checksum files for it).
PINNED_SHA256: dict[str, str] = {
    "9.3.2": "99b5b540c8d3a5c53cbe1e4f35c46acefff59131760ddc330a7616cd319086f1",
}


# --------------------------------------------------------------------------------------------- pure helpers


def zip_name(version: str) -> str:
    return f"elasticsearch-{version}.zip"


def render_config(
    template: str,
    *,
    host: str,
    http_port: int,
    transport_port: int,
    data_dir: Path,
    logs_dir: Path,
    node_name: str = "newsingest-local-1",
) -> str:
    """elasticsearch.yml from its template; strings are JSON-quoted (valid YAML whatever the path holds)."""
    return Template(template).substitute(
        node_name=json.dumps(node_name),
        host=json.dumps(host),
        http_port=int(http_port),
        transport_port=int(transport_port),
        data_dir=json.dumps(str(data_dir)),
        logs_dir=json.dumps(str(logs_dir)),
    )


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


def java_opts(heap: str) -> str:
    """ES_JAVA_OPTS for a fixed heap (``1g``, ``512m``): equal -Xms and -Xmx as Elasticsearch recommends."""
    heap = heap.strip()
    if not heap or not heap[:-1].isdigit() or heap[-1].lower() not in "kmg":
        raise StackError(f"stack_es_heap must look like 512m or 1g, got {heap!r}")
    return f"-Xms{heap} -Xmx{heap}"


def health_status(body: bytes) -> str | None:
    """The ``status`` of a ``/_cluster/health`` answer, or None if it is not one."""
    try:
        status = json.loads(body).get("status")
    except (ValueError, AttributeError):
        return None
    return status if isinstance(status, str) else None


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


def untraversable_dir(path: Path) -> Path | None:
    """The first folder on the way to ``path`` that other users cannot enter (None: all can)."""
    for parent in [*reversed(path.resolve().parents), path.resolve()]:
        if parent.is_dir() and not parent.stat().st_mode & stat.S_IXOTH:
            return parent
    return None


# --------------------------------------------------------------------------------------------- the component


class ElasticsearchStack(ServerComponent):
    name = "elasticsearch"

    def __init__(self, settings: Settings, progress: Callable[[str], None] = print) -> None:
        super().__init__(settings, progress)
        self.version = settings.stack_es_version
        self.base = settings.stack_dir / "elasticsearch"
        self.download_dir = self.base / "download"
        self.zip_path = self.download_dir / zip_name(self.version)
        self.manifest = self.download_dir / "manifest.json"
        self.home = self.base / f"elasticsearch-{self.version}"
        self.data_dir = self.base / "data"
        self.logs_dir = self.base / "logs"
        self.tmp_dir = self.base / "tmp"
        self.build_dir = self.base / "build"
        self.pid_file = self.base / "elasticsearch.pid"
        self.log_file = self.logs_dir / "console.log"
        self.maven_log = self.base / "maven.log"
        self.url = f"http://{settings.stack_host}:{settings.stack_es_port}"

    # ----------------------------------------------------------------------------------------- assemble

    def assemble(self) -> None:
        java_home = find_java_home(MIN_JAVA, self.settings.stack_java_home)
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

    # ----------------------------------------------------------------------------------------- run

    def start(self) -> None:
        pid = read_pid(self.pid_file)
        if pid is not None:
            if self.is_healthy():
                self.progress(f"{self.name}: already running (pid {pid}) at {self.url}")
                return
            self.progress(f"{self.name}: running (pid {pid}) but not healthy yet; waiting")
            self._wait_healthy(time.monotonic())
            return
        self.pid_file.unlink(missing_ok=True)  # stale: the process is gone
        self._check_ports_free()
        self.assemble()
        self._write_config()
        user = self._run_as_user()
        env = {
            "ES_JAVA_HOME": str(find_java_home(MIN_JAVA, self.settings.stack_java_home)),
            "ES_JAVA_OPTS": java_opts(self.settings.stack_es_heap),
            "ES_PATH_CONF": str(self.home / "config"),
            "ES_TMPDIR": str(self.tmp_dir),
        }
        if user is not None:
            env["HOME"] = str(self.base)
        started = time.monotonic()
        self.progress(f"{self.name}: starting Elasticsearch {self.version} at {self.url} (log: {self.log_file})")
        start_detached(
            [str(self.home / "bin" / "elasticsearch")],
            log_file=self.log_file,
            pid_file=self.pid_file,
            env=env,
            cwd=self.logs_dir,
            user=user,
        )
        self._wait_healthy(started)

    def _wait_healthy(self, started: float) -> None:
        wait_until(
            self.is_healthy,
            timeout=self.settings.stack_start_timeout_s,
            what="Elasticsearch",
            log_file=self.log_file,
            pid_file=self.pid_file,
            progress=self.progress,
        )
        self.progress(f"{self.name}: healthy ({self._health()}) at {self.url} after {time.monotonic() - started:.0f}s")

    def _check_ports_free(self) -> None:
        host = self.settings.stack_host
        for port in (self.settings.stack_es_port, self.settings.stack_es_transport_port):
            if port_open(host, port):
                raise StackError(
                    f"port {host}:{port} is taken by a process this stack did not start "
                    f"(no live pid in {self.pid_file}); stop it or change NEWSINGEST_STACK_ES_PORT / "
                    "NEWSINGEST_STACK_ES_TRANSPORT_PORT"
                )

    def _write_config(self) -> None:
        for folder in (self.data_dir, self.logs_dir, self.tmp_dir):
            folder.mkdir(parents=True, exist_ok=True)
        config = render_config(
            CONFIG_TEMPLATE.read_text(),
            host=self.settings.stack_host,
            http_port=self.settings.stack_es_port,
            transport_port=self.settings.stack_es_transport_port,
            data_dir=self.data_dir,
            logs_dir=self.logs_dir,
        )
        (self.home / "config" / "elasticsearch.yml").write_text(config)

    def _run_as_user(self) -> str | None:
        """Under root: the unprivileged user to run as (created if missing), owning the node's folders."""
        if os.geteuid() != 0:
            return None
        user = self.settings.stack_es_user
        entry = _ensure_user(user, self.progress)
        java_home = find_java_home(MIN_JAVA, self.settings.stack_java_home)
        for own in (self.settings.stack_dir, self.base):  # folders this stack created: let the user in
            own.chmod(own.stat().st_mode | stat.S_IXOTH)
        for needed in (self.home, java_home):
            blocked = untraversable_dir(needed)
            if blocked is not None:
                raise StackError(
                    f"user {user!r} cannot enter {blocked} (on the way to {needed}); "
                    f"`chmod o+x {blocked}` or set NEWSINGEST_STACK_DIR / NEWSINGEST_STACK_JAVA_HOME elsewhere"
                )
        for folder in (self.home, self.data_dir, self.logs_dir, self.tmp_dir):
            _chown_tree(folder, entry.pw_uid, entry.pw_gid)
        return user

    def after_stop(self) -> None:
        host = self.settings.stack_host
        ports = (self.settings.stack_es_port, self.settings.stack_es_transport_port)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(port_open(host, p) for p in ports):
            time.sleep(0.2)

    def _health(self) -> str | None:
        try:
            with urllib.request.urlopen(f"{self.url}/_cluster/health", timeout=3) as response:
                return health_status(response.read())
        except (urllib.error.URLError, OSError, ValueError):
            return None

    def is_healthy(self) -> bool:
        return self._health() in ("green", "yellow")

    def status_details(self, pid: int | None) -> dict[str, object]:
        health = (
            self._health()
            if pid is not None or port_open(self.settings.stack_host, self.settings.stack_es_port)
            else None
        )
        return {"url": self.url, "version": self.version, "health": health}


def _ensure_user(user: str, progress: Callable[[str], None]) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(user)
    except KeyError:
        pass
    useradd = shutil.which("useradd")
    if useradd is None:
        raise StackError(f"Elasticsearch cannot run as root and `useradd` is missing to create {user!r}")
    progress(f"elasticsearch: creating system user {user!r} (Elasticsearch refuses to run as root)")
    result = subprocess.run(
        [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise StackError(f"useradd {user} failed: {result.stderr.strip()}")
    return pwd.getpwnam(user)


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    if not root.exists():
        return
    os.chown(root, uid, gid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in (*dirnames, *filenames):
            os.chown(os.path.join(dirpath, name), uid, gid, follow_symlinks=False)
