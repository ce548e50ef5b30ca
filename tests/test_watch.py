"""``wiredesk watch``: feeds and folders followed into the store, failures reported and
skipped, nothing fetched or added twice. A local HTTP server started here serves the feeds
and pages (short reports written for these tests)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wiredesk.cli import app
from wiredesk.store import Store, default_url
from wiredesk.watch import (
    Collector,
    Fetcher,
    FetchError,
    FolderSource,
    Watcher,
    WatchOptions,
    make_source,
)

# --- pages and feeds, written for these tests -------------------------------------

ARTICLES = {
    "/news/dara-market.html": (
        "Car bomb kills six at market in Dara'a",
        "Tue, 14 Jul 2020 09:10:00 +0300",
        "DARA'A, Syria, July 14 (Northwind Wire) - A car bomb exploded near the "
        "vegetable market in Dara'a on Tuesday morning, killing six civilians and "
        "wounding at least 20 others, a local health official said. No group "
        "claimed responsibility for the blast, the third in the city this month.",
    ),
    "/news/sahel-convoy.html": (
        "Gunmen ambush army convoy in northern Burkina Faso",
        "Wed, 15 Jul 2020 18:45:00 +0000",
        "OUAGADOUGOU, July 15 (Northwind Wire) - Gunmen ambushed an army supply "
        "convoy near Djibo on Wednesday, killing four soldiers, the defence ministry "
        "said in a statement. Two attackers were killed when troops returned fire, "
        "according to the ministry.",
    ),
    "/news/port-protest.html": (
        "Dock workers march on port authority in Mombasa",
        "2020-07-16T11:00:00+03:00",
        "MOMBASA, Kenya, July 16 (Coastline Daily) - Several hundred dock workers "
        "marched to the port authority offices in Mombasa on Thursday to protest "
        "unpaid wages. Police fired tear gas to disperse the crowd and arrested "
        "twelve people, witnesses said.",
    ),
}
# The same report as the first one, at another address: dropped by content hash.
MIRROR = "/mirror/dara-market.html"


def page_html(title: str, body: str) -> bytes:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1><p>{body}</p></article>"
        f"<footer>Copyright Northwind Wire</footer></body></html>"
    ).encode()


def rss(base: str, paths: list[str]) -> bytes:
    items = []
    for p in paths:
        title, published, _ = ARTICLES.get(p.replace("/mirror/", "/news/"),
                                           ("Broken link", "Tue, 14 Jul 2020 10:00:00 +0000", ""))
        items.append(f"<item><title>{title}</title><link>{base}{p}</link>"
                     f"<pubDate>{published}</pubDate></item>")
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>Northwind Wire</title><link>{base}/</link>"
            f"<description>Test feed</description>{''.join(items)}</channel></rss>").encode()


def atom(base: str, path: str) -> bytes:
    title, published, _ = ARTICLES[path]
    return (
        "<?xml version='1.0' encoding='utf-8'?>"
        "<feed xmlns='http://www.w3.org/2005/Atom'><title>Coastline Daily</title>"
        f"<id>{base}/atom</id><updated>2020-07-16T12:00:00Z</updated>"
        f"<entry><title>{title}</title><id>{base}{path}</id>"
        # relative link: resolved against the feed's address
        f"<link href='{path}'/><published>{published}</published>"
        f"<updated>{published}</updated></entry></feed>"
    ).encode()


class _Server:
    """A threading HTTP server on 127.0.0.1 with a log of the paths asked for."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                outer.log.append(self.path)
                route = outer.routes.get(self.path)
                try:
                    if route is None:
                        self.send_error(404, "Not Found")
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading on purpose (size limit)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def fetched(self, path: str) -> int:
        return self.log.count(path)


def _send(body: bytes, ctype: str, status: int = 200, length: bool = True
          ) -> Callable[[BaseHTTPRequestHandler], None]:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        if length:
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
    return route


def _redirect(to: str) -> Callable[[BaseHTTPRequestHandler], None]:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(302)
        h.send_header("Location", to)
        h.send_header("Content-Length", "0")
        h.end_headers()
    return route


def _huge(length_header: bool) -> Callable[[BaseHTTPRequestHandler], None]:
    """An 11 MB page, announced in Content-Length or not (then sent in 64 KB pieces)."""
    size = 11_000_000

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        if length_header:
            h.send_header("Content-Length", str(size))
        else:
            h.send_header("Connection", "close")
        h.end_headers()
        piece = b"<p>" + b"filler text " * 5460 + b"</p>\n"
        sent = 0
        while sent < size:
            h.wfile.write(piece)
            sent += len(piece)
    return route


def _slow(h: BaseHTTPRequestHandler) -> None:
    time.sleep(3)
    _send(b"<rss version='2.0'><channel></channel></rss>", "application/rss+xml")(h)


@pytest.fixture()
def server() -> Iterator[_Server]:
    srv = _Server()
    b = srv.base
    for path, (title, _date, body) in ARTICLES.items():
        srv.routes[path] = _send(page_html(title, body), "text/html; charset=utf-8")
    title, _date, body = ARTICLES["/news/dara-market.html"]
    srv.routes[MIRROR] = _send(page_html(title, body), "text/html; charset=utf-8")
    srv.routes["/feeds/world.rss"] = _send(rss(b, [
        "/news/dara-market.html", "/news/sahel-convoy.html", "/news/gone.html",
        "/news/huge.html", "/news/loop.html", "/news/busy.html",
    ]), "application/rss+xml")
    srv.routes["/news/busy.html"] = _send(b"try later", "text/plain", status=503)
    srv.routes["/feeds/coast.atom"] = _send(atom(b, "/news/port-protest.html"),
                                            "application/atom+xml")
    srv.routes["/feeds/mirror.rss"] = _send(rss(b, [MIRROR]), "application/rss+xml")
    srv.routes["/feeds/garbage.xml"] = _send(
        b"\x00\x13garbage}}{{ <<not a feed>> " * 50, "application/xml")
    srv.routes["/feeds/html.rss"] = _send(
        b"<html><body><p>Our feed has moved.</p></body></html>", "text/html")
    srv.routes["/feeds/loop-a.rss"] = _redirect("/feeds/loop-b.rss")
    srv.routes["/feeds/loop-b.rss"] = _redirect(f"{b}/feeds/loop-a.rss")
    srv.routes["/news/loop.html"] = _redirect("/news/loop.html")
    srv.routes["/news/huge.html"] = _huge(length_header=True)
    srv.routes["/news/huge-stream.html"] = _huge(length_header=False)
    srv.routes["/feeds/slow.rss"] = _slow
    srv.routes["/img/photo.png"] = _send(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png")
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


# --- fetching limits --------------------------------------------------------------


def test_fetcher_reports_each_bad_page(server: _Server) -> None:
    f = Fetcher(WatchOptions(timeout=1.0, max_redirects=5))
    b = server.base
    try:
        page = f.get(f"{b}/news/sahel-convoy.html", "page")
        assert page is not None and b"Djibo" in page.body and page.charset == "utf-8"
        cases = {  # path: (message, whether asking again is pointless)
            "/news/gone.html": ("HTTP 404", True),
            "/news/busy.html": ("HTTP 503", False),
            "/news/loop.html": ("redirect loop", True),
            "/feeds/loop-a.rss": ("redirect loop", True),
            "/news/huge.html": ("too large: 11,000,000 bytes", True),
            "/news/huge-stream.html": ("too large: over 10,000,000 bytes; stopped reading",
                                       True),
            "/feeds/slow.rss": ("timed out after 1s", False),
            "/img/photo.png": ("content type image/png is not a page", True),
        }
        for path, (expected, permanent) in cases.items():
            with pytest.raises(FetchError, match=expected) as caught:
                f.get(b + path, "page")
            assert caught.value.permanent is permanent, path
        with pytest.raises(FetchError, match="not a fetchable address"):
            f.get("http://", "page")
    finally:
        f.close()


def test_redirect_limit_is_not_a_loop(server: _Server) -> None:
    for i in range(4):
        server.routes[f"/hop{i}"] = _redirect(f"/hop{i + 1}")
    server.routes["/hop4"] = _send(page_html("End", "x " * 50), "text/html")
    f = Fetcher(WatchOptions(max_redirects=2))
    try:
        with pytest.raises(FetchError, match="more than 2 redirects"):
            f.get(f"{server.base}/hop0", "page")
        f.options.max_redirects = 4
        page = f.get(f"{server.base}/hop0", "page")
        assert page is not None and page.url.endswith("/hop4")
    finally:
        f.close()


# --- feeds end to end -------------------------------------------------------------


def _events_json(out: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((out / "events.json").read_text(encoding="utf-8"))
    return data


def test_watch_once_twice_over_feeds(server: _Server, tmp_path: Path) -> None:
    b = server.base
    out = tmp_path / "out"
    good = [f"{b}/feeds/world.rss", f"{b}/feeds/coast.atom", f"{b}/feeds/mirror.rss"]
    bad = [f"{b}/feeds/garbage.xml", f"{b}/feeds/html.rss", f"{b}/feeds/missing.rss",
           f"{b}/feeds/loop-a.rss", f"{b}/feeds/slow.rss"]
    args = ["watch", *good, *bad, "--out", str(out), "--once", "--timeout", "1"]
    runner = CliRunner()

    first = runner.invoke(app, args)
    assert first.exit_code == 1, first.output  # some sources failed
    errors = [ln for ln in first.stderr.splitlines() if ln.startswith("error:")]
    expected = {
        f"{b}/news/gone.html": "HTTP 404",
        f"{b}/news/huge.html": "too large",
        f"{b}/news/loop.html": "redirect loop",
        f"{b}/news/busy.html": "HTTP 503",
        f"{b}/feeds/garbage.xml": "not an RSS or Atom feed",
        f"{b}/feeds/html.rss": "not an RSS or Atom feed",
        f"{b}/feeds/missing.rss": "HTTP 404",
        f"{b}/feeds/loop-a.rss": "redirect loop",
        f"{b}/feeds/slow.rss": "timed out",
    }
    assert len(errors) == len(expected), first.stderr  # one line per failure
    for where, why in expected.items():
        assert any(where + ":" in ln and why in ln for ln in errors), (where, first.stderr)

    data = _events_json(out)
    docs = data["documents"]
    assert isinstance(docs, list)
    # three reports: two from the RSS feed, one from Atom; the mirror is the same text
    assert sorted(d["url"] for d in docs) == sorted(b + p for p in ARTICLES)
    by_url = {d["url"]: d for d in docs}
    convoy = by_url[f"{b}/news/sahel-convoy.html"]
    assert convoy["title"] == "Gunmen ambush army convoy in northern Burkina Faso"
    assert convoy["source"] == "127.0.0.1"
    assert convoy["published"] == "2020-07-15" and convoy["published_basis"] == "metadata"
    # the feed's local date, not its UTC instant
    assert by_url[f"{b}/news/port-protest.html"]["published"] == "2020-07-16"
    assert data["events"], "the reports hold events"
    assert server.fetched(MIRROR) == 1

    # second pass, a new process: nothing added, no known page fetched again
    server.log.clear()
    second = runner.invoke(app, args)
    assert second.exit_code == 1
    for path in [*ARTICLES, MIRROR]:
        assert server.fetched(path) == 0, path
    # the feeds are read again; a page that failed for good is not asked for again
    # (nor reported again), one that may recover (503) is
    assert server.fetched("/feeds/world.rss") == 1
    for path in ("/news/gone.html", "/news/huge.html", "/news/loop.html"):
        assert server.fetched(path) == 0, path
    assert server.fetched("/news/busy.html") == 1
    errors2 = [ln for ln in second.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors2) == len(bad) + 1 and any("busy.html" in ln for ln in errors2)
    assert len(_events_json(out)["documents"]) == 3  # type: ignore[arg-type]
    store = Store(default_url(out))
    try:
        assert store.known_urls([b + MIRROR, f"{b}/news/gone.html", f"{b}/news/busy.html"]
                                ) == {b + MIRROR, f"{b}/news/gone.html"}
    finally:
        store.close()


def test_new_entry_in_feed_is_the_only_page_fetched(server: _Server, tmp_path: Path) -> None:
    b = server.base
    feed = f"{b}/feeds/live.rss"
    server.routes["/feeds/live.rss"] = _send(rss(b, ["/news/dara-market.html"]),
                                             "application/rss+xml")
    report = Collector()
    with Watcher([feed], tmp_path / "out", report=report,
                 watch_options=WatchOptions(once=True)) as w:
        s1 = w.run_pass()
        assert (s1.new, s1.known_url, s1.documents) == (1, 0, 1)
        server.routes["/feeds/live.rss"] = _send(
            rss(b, ["/news/dara-market.html", "/news/sahel-convoy.html"]),
            "application/rss+xml")
        server.log.clear()
        s2 = w.run_pass()
        assert (s2.new, s2.known_url, s2.documents) == (1, 1, 2)
        assert server.log == ["/feeds/live.rss", "/news/sahel-convoy.html"]
        s3 = w.run_pass()
        assert (s3.new, s3.known_url, s3.documents) == (0, 2, None)  # no pipeline run
    assert report.errors == []


def test_stop_before_a_pass_fetches_nothing(server: _Server, tmp_path: Path) -> None:
    stop = threading.Event()
    stop.set()
    with Watcher([f"{server.base}/feeds/world.rss"], tmp_path / "out", stop=stop) as w:
        assert w.run() == []
    assert server.log == []


def test_sources_are_feeds_or_paths() -> None:
    assert type(make_source("https://example.org/rss")).__name__ == "FeedSource"
    assert isinstance(make_source("some/folder"), FolderSource)
    with pytest.raises(ValueError, match="only http"):
        make_source("ftp://example.org/feed.xml")
    result = CliRunner().invoke(app, ["watch", "ftp://example.org/f", "--out", "x", "--once"])
    assert result.exit_code == 2


# --- folders ------------------------------------------------------------------------


def _write_report(folder: Path, name: str, path: str) -> None:
    title, date, body = ARTICLES[path]
    (folder / name).write_text(f"{title}\n\n{body}\n", encoding="utf-8")


def test_folder_picks_up_a_file_added_between_passes(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    out = tmp_path / "out"
    _write_report(inbox, "convoy.txt", "/news/sahel-convoy.html")
    (inbox / "notes.bin").write_bytes(b"\x00\x01")  # unsupported type: never read
    report = Collector()
    with Watcher([str(inbox)], out, report=report,
                 watch_options=WatchOptions(settle=0.0)) as w:
        s1 = w.run_pass()
        assert (s1.new, s1.documents) == (1, 1)
        assert w.run_pass().new == 0  # unchanged file: not read again
        _write_report(inbox, "protest.txt", "/news/port-protest.html")
        (inbox / "empty.txt").write_text("", encoding="utf-8")
        s3 = w.run_pass()
        assert (s3.new, s3.known_content, s3.documents) == (1, 0, 2)
        assert len(report.errors) == 1 and "empty.txt" in report.errors[0]
    paths = {Path(d["path"]).name for d in _events_json(out)["documents"]}  # type: ignore[union-attr]
    assert paths == {"convoy.txt", "protest.txt"}

    # a new watcher (a restart) reads the files once more and drops them by content hash
    with Watcher([str(inbox)], out, report=Collector(),
                 watch_options=WatchOptions(settle=0.0)) as w2:
        s = w2.run_pass()
        assert (s.new, s.known_content, s.documents) == (0, 2, None)


def test_folder_leaves_a_file_being_written_for_later(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _write_report(inbox, "convoy.txt", "/news/sahel-convoy.html")
    with Watcher([str(inbox)], tmp_path / "out",
                 watch_options=WatchOptions(settle=3600.0)) as w:
        assert w.run_pass().new == 0  # modified just now: not yet
        old = time.time() - 7200
        os.utime(inbox / "convoy.txt", (old, old))
        assert w.run_pass().new == 1


def test_missing_folder_is_reported_and_skipped(tmp_path: Path) -> None:
    report = Collector()
    with Watcher([str(tmp_path / "nowhere")], tmp_path / "out", report=report) as w:
        s = w.run_pass()
    assert s.new == 0 and report.errors == [f"{tmp_path / 'nowhere'}: no such file or folder"]


# --- signals --------------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_loop_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "wiredesk.cli", "watch", str(inbox), "--out", str(out),
         "--every", "3600"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        # the store is created before the first pass; wait for it, then a moment more
        for _ in range(600):
            if (out / "wiredesk.sqlite").exists() or proc.poll() is not None:
                break
            time.sleep(0.05)
        time.sleep(0.5)
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_signal_during_a_batch_finishes_it_then_stops(tmp_path: Path) -> None:
    from wiredesk.watch import stop_on_signals

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _write_report(inbox, "convoy.txt", "/news/sahel-convoy.html")
    _write_report(inbox, "protest.txt", "/news/port-protest.html")

    class SignalMidway:
        """A progress display that receives SIGTERM while the batch is analysed."""

        sent = False

        def stage(self, name: str, total: int | None) -> None:
            pass

        def advance(self, n: int = 1) -> None:
            if not self.sent:
                self.sent = True
                os.kill(os.getpid(), signal.SIGTERM)

    stop = threading.Event()
    report = Collector()
    # whatever was installed before (Ray, started by an earlier test, installs its own)
    before = signal.getsignal(signal.SIGTERM)
    with stop_on_signals(stop, report), Watcher(
        [str(inbox)], tmp_path / "out", stop=stop, report=report, progress=SignalMidway(),
        watch_options=WatchOptions(every=3600, settle=0.0),
    ) as w:
        passes = w.run()
    assert len(passes) == 1 and passes[0].documents == 2  # the batch was finished
    assert report.infos == ["SIGTERM: stopping after the current batch"]
    assert signal.getsignal(signal.SIGTERM) is before  # handlers restored


def test_unchanged_feed_is_asked_conditionally(server: _Server, tmp_path: Path) -> None:
    body = rss(server.base, ["/news/gone.html"])
    asked: list[str | None] = []

    def route(h: BaseHTTPRequestHandler) -> None:
        asked.append(h.headers.get("If-None-Match"))
        if h.headers.get("If-None-Match") == '"v1"':
            h.send_response(304)
            h.end_headers()
            return
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("ETag", '"v1"')
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    server.routes["/feeds/etag.rss"] = route
    report = Collector()
    with Watcher([f"{server.base}/feeds/etag.rss"], tmp_path / "out", report=report) as w:
        w.run_pass()
        w.run_pass()
    assert asked == [None, '"v1"']
    assert server.fetched("/news/gone.html") == 1
    assert len(report.errors) == 1 and "HTTP 404" in report.errors[0]


def test_store_failure_in_a_loop_is_reported_and_retried(tmp_path: Path) -> None:
    from wiredesk.store import StoreError

    stop = threading.Event()
    report = Collector()
    with Watcher([str(tmp_path)], tmp_path / "out", stop=stop, report=report,
                 watch_options=WatchOptions(every=1.0)) as w:
        calls = []

        def flaky() -> object:
            calls.append(1)
            if len(calls) == 1:
                raise StoreError("cannot write to store sqlite:///x: disk I/O error")
            stop.set()
            return type("S", (), {"summary": lambda self: "ok"})()

        w.run_pass = flaky  # type: ignore[method-assign,assignment]
        w.run()
    assert len(calls) == 2
    assert report.errors == ["cannot write to store sqlite:///x: disk I/O error; "
                             "trying again next pass"]
