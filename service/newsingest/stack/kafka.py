"""The local Apache Kafka broker (KRaft, one combined broker+controller) assembled from Maven Central jars."""

from __future__ import annotations

import asyncio
import contextlib
import string
import subprocess
from collections.abc import Callable
from pathlib import Path

from newsingest.config import Settings
from newsingest.stack.component import ServerComponent
from newsingest.stack.java import find_java_home
from newsingest.stack.maven import STACK_RESOURCES, run_maven, verify_manifest, write_manifest
from newsingest.stack.process import (
    StackError,
    port_open,
    read_pid,
    start_detached,
    wait_until,
)

KAFKA_MIN_JAVA = 17


class KafkaStack(ServerComponent):
    name = "kafka"

    def __init__(self, settings: Settings, progress: Callable[[str], None] = print) -> None:
        super().__init__(settings, progress)
        self.home = settings.stack_dir / "kafka"
        self.lib_dir = self.home / f"lib-{settings.stack_kafka_version}"
        self.config_dir = self.home / "config"
        self.data_dir = self.home / "data"
        self.log_file = self.home / "logs" / "kafka.log"
        self.pid_file = self.home / "kafka.pid"
        self.sources = STACK_RESOURCES / "kafka"

    # --- assembling ----------------------------------------------------------------------------
    @property
    def _manifest(self) -> Path:
        return self.lib_dir / "MANIFEST.sha256.json"

    def assemble(self) -> None:
        """Fetch the broker's jars (once, cached and checksummed) and render its configuration."""
        if verify_manifest(self._manifest):
            self.progress(f"kafka: fetching Apache Kafka {self.settings.stack_kafka_version} jars from Maven Central")
            run_maven(
                self.sources / "pom.xml",
                ["dependency:copy-dependencies"],
                properties={"kafka.version": self.settings.stack_kafka_version, "lib.dir": str(self.lib_dir)},
                log_file=self.home / "logs" / "maven.log",
            )
            write_manifest(self.lib_dir.glob("*.jar"), self._manifest)
            bad = verify_manifest(self._manifest)
            if bad:
                raise StackError(f"kafka: checksum check failed for {bad}")
        self._render_config()
        self._format_storage()

    def render_server_properties(self) -> str:
        template = string.Template((self.sources / "server.properties.template").read_text())
        return template.substitute(
            host=self.settings.stack_host,
            port=self.settings.stack_kafka_port,
            controller_port=self.settings.stack_kafka_controller_port,
            data_dir=self.data_dir,
        )

    def _render_config(self) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        (self.config_dir / "server.properties").write_text(self.render_server_properties())
        (self.config_dir / "log4j2.properties").write_text((self.sources / "log4j2.properties").read_text())

    def _java(self) -> Path:
        return find_java_home(KAFKA_MIN_JAVA, self.settings.stack_java_home) / "bin" / "java"

    def _java_argv(self, main: str, *args: str, heap: str | None = None) -> list[str]:
        argv = [str(self._java())]
        if heap:
            argv += [f"-Xms{heap}", f"-Xmx{heap}"]
        argv += [
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.config_dir / 'log4j2.properties'}",
            "-cp",
            f"{self.lib_dir}/*",
            main,
            *args,
        ]
        return argv

    def _format_storage(self) -> None:
        if (self.data_dir / "meta.properties").exists():
            return
        self.progress("kafka: formatting KRaft storage")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        uuid = subprocess.run(
            self._java_argv("kafka.tools.StorageTool", "random-uuid"),
            capture_output=True, text=True, check=True, timeout=120,
        ).stdout.strip().splitlines()[-1]
        result = subprocess.run(
            self._java_argv(
                "kafka.tools.StorageTool", "format", "-t", uuid,
                "-c", str(self.config_dir / "server.properties"), "--ignore-formatted",
            ),
            capture_output=True, text=True, check=False, timeout=120,
        )
        if result.returncode != 0:
            raise StackError(f"kafka: formatting storage failed:\n{result.stdout}\n{result.stderr}")

    # --- running -------------------------------------------------------------------------------
    def is_healthy(self) -> bool:
        if not port_open(self.settings.stack_host, self.settings.stack_kafka_port):
            return False
        return asyncio.run(_metadata_ok(self.settings.kafka_servers))

    def start(self) -> None:
        if read_pid(self.pid_file) is not None and self.is_healthy():
            self.progress(f"kafka: already running on {self.settings.kafka_servers}")
            return
        self.assemble()
        if read_pid(self.pid_file) is None:
            for port in (self.settings.stack_kafka_port, self.settings.stack_kafka_controller_port):
                if port_open(self.settings.stack_host, port):
                    raise StackError(
                        f"kafka: port {port} is in use by another process; stop it or set "
                        "NEWSINGEST_STACK_KAFKA_PORT / NEWSINGEST_STACK_KAFKA_CONTROLLER_PORT"
                    )
            self.progress(f"kafka: starting broker on {self.settings.kafka_servers} (log: {self.log_file})")
            start_detached(
                self._java_argv(
                    "kafka.Kafka", str(self.config_dir / "server.properties"), heap=self.settings.stack_kafka_heap
                ),
                log_file=self.log_file,
                pid_file=self.pid_file,
                cwd=self.home,
            )
        wait_until(
            self.is_healthy,
            timeout=self.settings.stack_start_timeout_s,
            what="kafka",
            log_file=self.log_file,
            pid_file=self.pid_file,
            progress=self.progress,
        )
        self.progress("kafka: ready")

    def status_details(self, pid: int | None) -> dict[str, object]:
        return {
            "bootstrap_servers": self.settings.kafka_servers,
            "version": self.settings.stack_kafka_version,
            **super().status_details(pid),
        }


async def _metadata_ok(bootstrap: str) -> bool:
    """True when the broker answers a metadata request and has a controller."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    try:
        await asyncio.wait_for(admin.start(), timeout=5)
        cluster = await asyncio.wait_for(admin.describe_cluster(), timeout=5)
        return bool(cluster.get("brokers"))
    except Exception:
        return False
    finally:
        with contextlib.suppress(Exception):
            await admin.close()
