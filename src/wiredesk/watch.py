"""Continuous ingest: follow folders and RSS/Atom feeds, run what is new through the pipeline.

Each pass reads every source once. Folders give the files that are new or changed since
the last pass; feeds give their entries, whose pages are fetched unless their address was
fetched before. Articles whose content the store already holds are dropped, and the rest
go through :func:`wiredesk.pipeline.process_articles` as one batch, streamed as they are
fetched. What was seen lives in the store (documents by content hash and address, the
``seen_urls`` table for pages that gave nothing new), so a restarted watcher does not
fetch or add anything twice.

A source that fails (unreachable, HTTP error, garbage instead of a feed, a redirect loop,
a page over the size limit, a wrong content type, a timeout) is reported in one line and
skipped; the other sources and later passes go on.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Literal, Protocol
from urllib.parse import urljoin, urlsplit

import httpx

from wiredesk import __version__
from wiredesk.ingest import SUPPORTED_EXTENSIONS, IngestError, guess_title, iter_articles
from wiredesk.models import RawArticle
from wiredesk.pipeline import Options, Progress, document_id, process_articles
from wiredesk.store import Store, default_url

Kind = Literal["feed", "page"]

# Content types a feed or an article page may come as. A feed served as text/html or
# text/plain is still tried (feedparser decides); images, archives and PDFs are not.
_FEED_TYPES = ("xml", "rss", "atom", "rdf", "text/html", "text/plain")
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
# HTTP answers that will not change on asking again (408 and 429 are worth a retry).
_GONE = frozenset({400, 401, 403, 404, 405, 406, 410, 414, 415, 451})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


@dataclass
class WatchOptions:
    """Settings of ``wiredesk watch`` (each has a CLI flag)."""

    every: float = 300.0  # seconds between the starts of two passes
    once: bool = False  # one pass, then stop
    max_bytes: int = 10_000_000  # larger pages and files are reported and skipped
    timeout: float = 20.0  # seconds for each network wait (connect, each read)
    max_redirects: int = 5
    settle: float = 1.0  # a file modified more recently than this is left for next pass
    user_agent: str = f"wiredesk/{__version__} (news event extraction; wiredesk watch)"


class Reporter(Protocol):
    """Where the watcher says what it does: one line per failure or pass."""

    def error(self, msg: str) -> None: ...

    def info(self, msg: str) -> None: ...


class Collector:
    """A reporter that keeps the lines (tests, library use)."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.infos: list[str] = []

    def error(self, msg: str) -> None:
        self.errors.append(msg)

    def info(self, msg: str) -> None:
        self.infos.append(msg)


@dataclass
class PassStats:
    """What one pass over the sources did."""

    number: int
    new: int = 0  # articles sent through the pipeline
    known_url: int = 0  # feed entries skipped before fetching: address seen before
    known_content: int = 0  # articles read but dropped: the store holds their content
    failures: list[str] = field(default_factory=list)
    documents: int | None = None  # documents in the store after the pass (None: no run)
    events: int | None = None
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def summary(self) -> str:
        """One line for the terminal."""
        line = (f"{self.started:%H:%M:%S}Z pass {self.number}: {self.new} new, "
                f"{self.known_url} known by address, {self.known_content} known by content")
        if self.failures:
            line += f", {len(self.failures)} failed"
        if self.documents is not None:
            line += f" -> {self.documents} documents, {self.events} events"
        return line


# --- fetching ------------------------------------------------------------------------


class FetchError(Exception):
    """A page or feed that could not be fetched; the message says why in a few words.

    ``permanent``: asking again will give the same answer (404, too large, a redirect
    loop, not HTML), so an article page that failed so is not fetched again; timeouts,
    5xx answers and network errors are retried next pass."""

    def __init__(self, msg: str, permanent: bool = False) -> None:
        super().__init__(msg)
        self.permanent = permanent


@dataclass
class Fetched:
    """A page read whole (within the size limit)."""

    url: str  # after redirects
    mime: str
    charset: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None

    def text(self) -> str:
        """The body decoded: the HTTP charset, else a <meta charset>, else UTF-8."""
        enc = self.charset
        if not enc:
            m = _META_CHARSET.search(self.body[:4096])
            enc = m.group(1).decode("ascii") if m else "utf-8"
        try:
            return self.body.decode(enc, errors="replace")
        except LookupError:  # an unknown charset name
            return self.body.decode("utf-8", errors="replace")


class Fetcher:
    """HTTP GET with a size limit, timeouts, a redirect limit and a content-type check."""

    def __init__(self, options: WatchOptions, transport: httpx.BaseTransport | None = None):
        self.options = options
        # Redirects are followed by hand so that a loop can be named as one.
        self.client = httpx.Client(
            timeout=httpx.Timeout(options.timeout), follow_redirects=False,
            headers={"User-Agent": options.user_agent}, transport=transport,
        )

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, kind: Kind, headers: dict[str, str] | None = None
            ) -> Fetched | None:
        """Fetch ``url``; None when the server says it has not changed (304).

        Raises FetchError for HTTP errors, redirect loops, too many redirects, bodies over
        ``max_bytes`` (refused from Content-Length, or cut off while reading), content
        types that cannot be a ``kind``, timeouts and network errors.
        """
        visited = [url]
        current = url
        try:
            for _ in range(self.options.max_redirects + 1):
                with self.client.stream("GET", current, headers=headers) as r:
                    location = r.headers.get("location")
                    if r.status_code in _REDIRECTS and location:
                        nxt = str(r.url.join(location))
                        if nxt in visited:
                            chain = " -> ".join([*visited[visited.index(nxt):], nxt])
                            raise FetchError(f"redirect loop: {chain}", permanent=True)
                        visited.append(nxt)
                        current = nxt
                        continue
                    return self._read(r, kind)
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out after {self.options.timeout:g}s "
                             f"({type(exc).__name__})") from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchError(f"not a fetchable address: {exc}", permanent=True) from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}") from exc
        raise FetchError(f"more than {self.options.max_redirects} redirects "
                         f"(last: {current})", permanent=True)

    def _read(self, r: httpx.Response, kind: Kind) -> Fetched | None:
        if r.status_code == 304:
            return None
        if r.status_code >= 400:
            raise FetchError(f"HTTP {r.status_code} {r.reason_phrase}".rstrip(),
                             permanent=r.status_code in _GONE)
        if r.status_code != 200:
            raise FetchError(f"unexpected HTTP status {r.status_code}", permanent=True)
        mime = r.headers.get("content-type", "").split(";")[0].strip().lower()
        allowed = _FEED_TYPES if kind == "feed" else _PAGE_TYPES
        if mime and not any(a in mime for a in allowed):
            raise FetchError(f"content type {mime} is not a {kind}", permanent=True)
        limit = self.options.max_bytes
        length = r.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            raise FetchError(f"too large: {int(length):,} bytes (limit {limit:,}); not read",
                             permanent=True)
        # The whole body may take a few network waits, not forever (a slow drip).
        deadline = time.monotonic() + 4 * self.options.timeout
        body = bytearray()
        for chunk in r.iter_bytes():
            body += chunk
            if len(body) > limit:
                raise FetchError(f"too large: over {limit:,} bytes; stopped reading",
                                 permanent=True)
            if time.monotonic() > deadline:
                raise FetchError(f"timed out: body not read in {4 * self.options.timeout:g}s")
        return Fetched(
            url=str(r.url), mime=mime, charset=r.charset_encoding, body=bytes(body),
            etag=r.headers.get("etag"), last_modified=r.headers.get("last-modified"),
        )


# --- sources -------------------------------------------------------------------------


@dataclass
class _Pass:
    """What the sources of one pass share."""

    store: Store
    fetcher: Fetcher
    options: WatchOptions
    encoding: str
    stop: threading.Event
    stats: PassStats
    urls: set[str] = field(default_factory=set)  # addresses met earlier in this pass
    dead: list[str] = field(default_factory=list)  # pages that failed for good


class Source(Protocol):
    """A folder or a feed: yields what it has that is new since the last pass."""

    label: str

    def articles(self, ctx: _Pass) -> Iterator[RawArticle | IngestError]: ...


def domain(url: str) -> str | None:
    """The host of an address without a leading ``www.``: the article's source."""
    host = urlsplit(url).hostname
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


class FolderSource:
    """A folder (read recursively) or a single file; a file is read again when its size or
    modification time changes. That memory is per process: after a restart every file is
    read once more and dropped by content hash."""

    def __init__(self, path: str) -> None:
        self.label = path
        self.path = path
        self.seen: dict[str, tuple[int, int]] = {}  # file -> (mtime_ns, size) when read

    def _files(self) -> list[str]:
        if os.path.isfile(self.path):
            return [self.path]
        found: list[str] = []
        for root, dirs, files in os.walk(self.path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if (not name.startswith(".")
                        and os.path.splitext(name)[1].lower() in SUPPORTED_EXTENSIONS):
                    found.append(os.path.join(root, name))
        return sorted(found)

    def articles(self, ctx: _Pass) -> Iterator[RawArticle | IngestError]:
        """Articles of the files that are new or changed since this source's last pass."""
        if not os.path.exists(self.path):
            yield IngestError(self.path, "no such file or folder")
            return
        now = time.time()
        present: set[str] = set()
        for f in self._files():
            present.add(f)
            try:
                st = os.stat(f)
            except OSError as exc:
                yield IngestError(f, f"cannot read: {exc.strerror or exc}")
                continue
            sig = (st.st_mtime_ns, st.st_size)
            if self.seen.get(f) == sig:
                continue
            # A file still being written is left for the next pass (not with --once).
            if not ctx.options.once and now - st.st_mtime < ctx.options.settle:
                continue
            if ctx.stop.is_set():
                return
            yield from iter_articles([f], encoding=ctx.encoding,
                                     max_bytes=ctx.options.max_bytes)
            self.seen[f] = sig  # only once its articles were taken
        for gone in set(self.seen) - present:
            del self.seen[gone]


class FeedSource:
    """An RSS or Atom feed; each entry's page is fetched once, ever."""

    def __init__(self, url: str) -> None:
        self.label = url
        self.url = url
        self.etag: str | None = None
        self.last_modified: str | None = None

    def articles(self, ctx: _Pass) -> Iterator[RawArticle | IngestError]:
        """Articles of the entries whose address the store has not seen."""
        import feedparser

        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        try:
            fetched = ctx.fetcher.get(self.url, "feed", headers)
        except FetchError as exc:
            yield IngestError(self.url, str(exc))
            return
        if fetched is None:  # 304 Not Modified
            return
        # Bytes, never the address: feedparser must not fetch anything itself.
        parsed = feedparser.parse(
            fetched.body,
            response_headers={"content-type": fetched.mime or "application/xml",
                              "content-location": fetched.url},
        )
        if not parsed.get("version") and not parsed.entries:
            why = parsed.get("bozo_exception")
            yield IngestError(self.url, "not an RSS or Atom feed"
                              + (f" ({str(why).splitlines()[0]})" if why else ""))
            return
        entries = [(urljoin(fetched.url, str(e.get("link"))), e)
                   for e in parsed.entries if e.get("link")]
        known = ctx.store.known_urls(link for link, _ in entries)
        for link, entry in entries:
            if link in known or link in ctx.urls:
                ctx.stats.known_url += 1
                continue
            if ctx.stop.is_set():
                return  # the rest next time: the feed's validators are not kept
            ctx.urls.add(link)
            try:
                page = ctx.fetcher.get(link, "page")
            except FetchError as exc:
                if exc.permanent:
                    ctx.dead.append(link)
                yield IngestError(link, str(exc))
                continue
            if page is None:  # 304 to a request without validators: nothing to read
                continue
            yield _page_article(page, link, entry)
        # Conditional requests only once every entry was taken, so a stop mid-feed
        # does not hide the rest behind a 304.
        self.etag, self.last_modified = fetched.etag, fetched.last_modified


def _page_article(page: Fetched, link: str, entry: Any) -> RawArticle:
    """A fetched page as an article, with title, address and date from its feed entry."""
    from wiredesk.clean import html_to_article

    text = page.text()
    if page.mime == "text/plain":
        raw = RawArticle(path=link, text=text, title=guess_title(text))
    else:
        raw = html_to_article(text, link)
    published = entry.get("published") or entry.get("updated") or raw.published_raw
    return raw.model_copy(update={
        "title": str(entry.get("title") or "").strip() or raw.title,
        "url": link,
        "source": domain(link) or raw.source,
        "published_raw": str(published) if published else None,
    })


def make_source(spec: str) -> Source:
    """A feed for an http(s) address, else a folder or file path.

    Raises ValueError for an address of another scheme."""
    scheme = urlsplit(spec).scheme.lower()
    if scheme in ("http", "https"):
        return FeedSource(spec)
    if "://" in spec:
        raise ValueError(f"{spec}: only http:// and https:// feeds can be watched")
    return FolderSource(spec)


# --- passes ---------------------------------------------------------------------------


class Watcher:
    """Runs passes over a fixed list of sources into one store and output folder."""

    def __init__(
        self,
        sources: Sequence[str | Source],
        out: str | Path,
        *,
        db: str | None = None,
        options: Options | None = None,
        watch_options: WatchOptions | None = None,
        report: Reporter | None = None,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.sources = [make_source(s) if isinstance(s, str) else s for s in sources]
        self.out = Path(out)
        self.options = options or Options()
        self.watch_options = watch_options or WatchOptions()
        self.report: Reporter = report or Collector()
        self.progress = progress
        self.stop = stop or threading.Event()
        self.out.mkdir(parents=True, exist_ok=True)
        self.db = db or default_url(self.out)
        self.store = Store(self.db)
        self.fetcher = Fetcher(self.watch_options, transport)
        self.passes = 0

    def close(self) -> None:
        """Release the HTTP client and the store's connections."""
        self.fetcher.close()
        self.store.close()

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run_pass(self) -> PassStats:
        """Read every source once and run what is new through the pipeline as one batch."""
        self.passes += 1
        stats = PassStats(self.passes)
        ctx = _Pass(self.store, self.fetcher, self.watch_options, self.options.encoding,
                    self.stop, stats)
        pending: list[tuple[str, str]] = []  # (address, document id) of new pages
        copies: list[tuple[str, str | None]] = []  # addresses that gave nothing new

        def fail(msg: str) -> None:
            stats.failures.append(msg)
            self.report.error(msg)

        def fresh() -> Iterator[RawArticle]:
            ids: set[str] = set()
            for source in self.sources:
                if self.stop.is_set():
                    return
                for item in _guarded(source, ctx):
                    if isinstance(item, IngestError):
                        fail(str(item))
                        continue
                    url = item.url if isinstance(source, FeedSource) else None
                    if not item.text.strip():
                        fail(f"{item.path}: no article text found")
                        if url:
                            copies.append((url, None))
                        continue
                    doc_id = document_id(item.text)
                    if doc_id in ids or self.store.known_ids([doc_id]):
                        stats.known_content += 1
                        if url:
                            copies.append((url, doc_id))
                        continue
                    ids.add(doc_id)
                    if url:
                        pending.append((url, doc_id))
                    stats.new += 1
                    yield item

        items = fresh()
        first = next(items, None)
        if first is not None:
            result = process_articles(
                itertools.chain([first], items), self.out, db=self.db, options=self.options,
                progress=self.progress, on_error=fail,
            )
            stats.documents, stats.events = result.documents, result.events
        # Addresses of pages now stored (an article whose analysis failed is retried).
        stored = self.store.known_ids(d for _, d in pending)
        self.store.mark_urls_seen(copies + [(u, None) for u in ctx.dead]
                                  + [(u, d) for u, d in pending if d in stored])
        return stats

    def run(self, on_pass: Callable[[PassStats], None] | None = None) -> list[PassStats]:
        """Pass after pass every ``every`` seconds until ``stop`` is set (or one pass with
        ``once``). Returns the stats of the passes (only the last ten are kept)."""
        from wiredesk.outputs import OutputError
        from wiredesk.store import StoreError

        done: list[PassStats] = []
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                stats = self.run_pass()
            except (StoreError, OutputError) as exc:
                if self.watch_options.once:
                    raise
                # The database or disk may come back: what was not committed is not
                # marked seen, so the next pass fetches it again.
                self.report.error(f"{exc}; trying again next pass")
                self.stop.wait(self.watch_options.every)
                continue
            done = [*done[-9:], stats]
            if on_pass:
                on_pass(stats)
            if self.watch_options.once:
                break
            wait = self.watch_options.every - (time.monotonic() - started)
            self.stop.wait(max(0.0, wait))
        return done


def _guarded(source: Source, ctx: _Pass) -> Iterator[RawArticle | IngestError]:
    """A source's items; a source that breaks unexpectedly is one error, not a crash."""
    it = source.articles(ctx)
    while True:
        try:
            item = next(it)
        except StopIteration:
            return
        except Exception as exc:  # a parser bug on one feed must not stop the watcher
            yield IngestError(source.label, f"failed: {type(exc).__name__}: {exc}")
            return
        yield item


def watch(
    sources: Sequence[str],
    out: str | Path,
    *,
    db: str | None = None,
    options: Options | None = None,
    watch_options: WatchOptions | None = None,
    report: Reporter | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> list[PassStats]:
    """Follow folders and feeds into ``out`` until stopped (see :class:`Watcher`)."""
    with Watcher(sources, out, db=db, options=options, watch_options=watch_options,
                 report=report, progress=progress, stop=stop) as w:
        return w.run(on_pass=(lambda s: w.report.info(s.summary())))


@contextmanager
def stop_on_signals(stop: threading.Event, report: Reporter | None = None) -> Iterator[None]:
    """SIGINT and SIGTERM set ``stop`` (the watcher ends after the current batch); a
    second SIGINT interrupts at once. Previous handlers are restored on exit."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()
        if report:
            report.info(f"{signal.Signals(signum).name}: stopping after the current batch")

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
