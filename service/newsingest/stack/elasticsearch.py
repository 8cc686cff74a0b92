"""The single-node Elasticsearch of the local stack (``newsingest stack up``), without Docker: configured, started
as a detached process, waited for until healthy, stopped. The distribution it runs is assembled by
``stack/es_install.py`` (fetched from Maven Central, verified, the analysis plugin built).

Elasticsearch refuses to run as root: under root the node runs as the unprivileged ``stack_es_user``.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from string import Template

from newsingest.config import Settings
from newsingest.stack.component import ServerComponent
from newsingest.stack.es_install import ES_DEPLOY, MIN_JAVA, ElasticsearchInstall
from newsingest.stack.java import find_java_home
from newsingest.stack.process import (
    StackError,
    port_open,
    read_pid,
    start_detached,
    wait_until,
)

CONFIG_TEMPLATE = ES_DEPLOY / "elasticsearch.yml.template"
CLUSTER_NAME = "newsingest-local"


# --------------------------------------------------------------------------------------------- pure helpers


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
        self.install = ElasticsearchInstall(
            self.version, self.base, java_home_setting=settings.stack_java_home, progress=progress
        )
        self.home = self.install.home
        self.data_dir = self.base / "data"
        self.logs_dir = self.base / "logs"
        self.tmp_dir = self.base / "tmp"
        self.pid_file = self.base / "elasticsearch.pid"
        self.log_file = self.logs_dir / "console.log"
        self.url = f"http://{settings.stack_host}:{settings.stack_es_port}"

    def assemble(self) -> None:
        self.install.assemble()

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
