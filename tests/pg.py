"""A throwaway PostgreSQL server for the tests: ``initdb`` and ``pg_ctl`` in a temporary
folder, on a free port of 127.0.0.1, so a test can also stop and restart it.

Debian's ``postgresql`` package (installed by ``.ci/run``) puts the binaries in
``/usr/lib/postgresql/<version>/bin``. PostgreSQL refuses to run as root, so as root
the server runs as the ``postgres`` user (``runuser``).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


def find_bindir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (PATH first, then Debian's layout)."""
    found = shutil.which("pg_ctl")
    if found:
        bindir = Path(found).resolve().parent
        if (bindir / "initdb").exists():
            return bindir
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                      else 0, reverse=True)
    return versions[0].parent if versions else None


def unavailable() -> str | None:
    """Why a test server cannot be started here (None: it can)."""
    if find_bindir() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) not found; apt-get install postgresql"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """One PostgreSQL cluster in a temporary folder; trust authentication on 127.0.0.1."""

    def __init__(self) -> None:
        bindir = find_bindir()
        assert bindir is not None, unavailable()
        self.bindir = bindir
        self.port = _free_port()
        # Not under pytest's tmp_path: that is private to root, and the server runs as
        # the postgres user.
        self.root = Path(tempfile.mkdtemp(prefix="wiredesk-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        # A test server: small, fast, unsafe on power loss (never on a process kill).
        settings = {
            "port": str(self.port), "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.root}'", "fsync": "off",
            "synchronous_commit": "off", "full_page_writes": "off",
            "shared_buffers": "'16MB'", "max_connections": "40",
        }
        conf = "".join(f"{k} = {v}\n" for k, v in settings.items())
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as fh:
            fh.write(conf)
        self.start()

    def _run(self, cmd: str, *args: str) -> None:
        argv = [str(self.bindir / cmd), *args]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=self.root,
                              timeout=120)
        if proc.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{cmd} {' '.join(args)} failed: {proc.stderr.strip()}\n{log}")

    def start(self) -> None:
        """Start (or restart) the server and wait until it accepts connections."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` ends every session at once, ``immediate`` is a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        """Whether the server is up."""
        argv = [str(self.bindir / "pg_ctl"), "-D", str(self.data), "status"]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        return subprocess.run(argv, capture_output=True).returncode == 0

    def url(self, dbname: str = "postgres") -> str:
        """The SQLAlchemy URL of a database on this server."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def new_database(self) -> str:
        """Create an empty database; returns its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self) -> None:
        """Stop the server if it runs and remove its folder."""
        try:
            if self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
