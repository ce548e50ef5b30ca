"""Read articles from files, folders, globs and stdin into ``RawArticle`` records.

Bad input never stops a batch: every problem (missing path, empty or binary file,
undecodable bytes, a malformed JSON line, a record without text, ...) becomes one
``IngestError`` in the stream and reading goes on with the next record or file.

Formats, by extension: ``.txt`` (and any unknown extension named explicitly), ``.html``
/ ``.htm`` (trafilatura), ``.json`` (one object or a list of objects), ``.jsonl`` /
``.ndjson`` (one object per line), ``.csv`` / ``.tsv``. Field and column names follow
news-please and trafilatura output and are matched case-insensitively.

``max_bytes`` bounds what is held in memory for one article: a .txt, .html or .json
file is read whole, so the file must fit; JSONL and CSV files are streamed a line
(record) at a time, so the bound applies to each record instead.
"""

from __future__ import annotations

import csv
import glob
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, TextIO

from wiredesk.clean import html_to_article, is_furniture_line
from wiredesk.models import RawArticle

__all__ = ["IngestError", "iter_articles", "guess_title", "SUPPORTED_EXTENSIONS"]

TEXT_EXT = frozenset({".txt", ".text"})
HTML_EXT = frozenset({".html", ".htm", ".xhtml"})
JSON_EXT = frozenset({".json"})
JSONL_EXT = frozenset({".jsonl", ".ndjson", ".jsonlines"})
CSV_EXT = frozenset({".csv", ".tsv"})
SUPPORTED_EXTENSIONS = TEXT_EXT | HTML_EXT | JSON_EXT | JSONL_EXT | CSV_EXT

# Field names, most specific first. Keys are compared after _norm_key.
TEXT_KEYS = ("maintext", "text", "body", "content", "article", "fulltext", "story")
HTML_KEYS = ("html", "rawhtml", "contenthtml")
TITLE_KEYS = ("title", "headline", "titlepage", "titlerss", "name")
DATE_KEYS = (
    "datepublish",
    "published",
    "datepublished",
    "publishdate",
    "publisheddate",
    "publicationdate",
    "pubdate",
    "date",
    "publishedat",
    "datetime",
    "time",
)
URL_KEYS = ("url", "link", "canonicalurl", "sourceurl", "href")
SOURCE_KEYS = ("sourcedomain", "source", "sitename", "hostname", "outlet", "publisher", "domain")

# Leading words that only say which record the column belongs to ("article_content").
_KEY_PREFIXES = ("article", "news", "story", "post", "item", "document", "doc")
# Values that a serializer wrote for "no value".
_NULLS = frozenset({"", "none", "null", "nan", "n/a", "na", "nat"})

# Magic numbers of common binary formats that may carry no NUL in their first bytes.
_BINARY_MAGIC = (
    b"%PDF",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\x7fELF",
    b"\xd0\xcf\x11\xe0",
    b"SQLite format 3",
    b"WARC/",  # WARC is text-framed but needs its own reader; not yet supported
)
_SNIFF = 8192


@dataclass(frozen=True)
class IngestError:
    """One input that could not be read, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


Item = RawArticle | IngestError


# --- small helpers ----------------------------------------------------------------------


def _norm_key(key: str) -> str:
    k = re.sub(r"[^a-z0-9]", "", key.lower())
    for prefix in _KEY_PREFIXES:
        if k.startswith(prefix) and len(k) > len(prefix) and k != "articles":
            rest = k[len(prefix) :]
            if rest in TEXT_KEYS + TITLE_KEYS + DATE_KEYS + URL_KEYS + SOURCE_KEYS + HTML_KEYS:
                return rest
    return k


def _scalar(value: Any) -> str | None:
    """A field value as text; None for missing, null-like or empty values."""
    if value is None:
        return None
    if isinstance(value, dict):
        # NewsAPI style {"id": ..., "name": "BBC News"}.
        for k in ("name", "title", "domain", "url"):
            if value.get(k):
                return _scalar(value[k])
        return None
    if isinstance(value, list):
        parts = [p for p in (_scalar(v) for v in value) if p]
        return "\n\n".join(parts) if parts else None
    text = str(value)
    return None if text.strip().lower() in _NULLS else text


def _pick(fields: dict[str, Any], keys: Iterable[str]) -> str | None:
    for k in keys:
        if k in fields:
            v = _scalar(fields[k])
            if v is not None and v.strip():
                return v
    return None


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith(("<!doctype html", "<html")) or (
        head.startswith("<") and len(re.findall(r"</?(?:p|div|br|span|a|h[1-6])\b", head)) >= 3
    )


def guess_title(text: str) -> str | None:
    """The headline of a plain-text article: its first content line, if headline-shaped.

    Furniture above it (date headers, nav bars) is skipped. A headline is short, has no
    sentence ending and stands on its own line before the first paragraph.
    """
    for raw in text.splitlines()[:12]:
        line = raw.strip()
        if not line or is_furniture_line(line):
            continue
        words = line.split()
        if 3 <= len(words) <= 25 and not re.search(r"[.,;:!\"”’']$", line):
            return line
        return None
    return None


def _article_from_fields(fields: dict[str, Any], path: str) -> Item:
    """Build an article from one JSON object or CSV row (keys already normalized)."""
    text = _pick(fields, TEXT_KEYS)
    is_html = False
    meta: RawArticle | None = None
    html = _pick(fields, HTML_KEYS)
    if text is None and html is not None:
        meta = html_to_article(html, path)
        text, is_html = meta.text, True
    elif text is not None and _looks_like_html(text):
        meta = html_to_article(text, path)
        text, is_html = meta.text, True
    if text is None:
        if not any(k in fields for k in TEXT_KEYS):
            names = ", ".join(sorted(fields)) or "none"
            return IngestError(
                path, f"no text field (expected one of {', '.join(TEXT_KEYS)}; found: {names})"
            )
        return IngestError(path, "the text field is empty")
    if not text.strip():
        return IngestError(path, "no article text found")
    return RawArticle(
        path=path,
        text=text,
        title=_pick(fields, TITLE_KEYS) or (meta.title if meta else None),
        url=_pick(fields, URL_KEYS) or (meta.url if meta else None),
        source=_pick(fields, SOURCE_KEYS) or (meta.source if meta else None),
        published_raw=_pick(fields, DATE_KEYS) or (meta.published_raw if meta else None),
        is_html=is_html,
    )


def _from_object(obj: Any, path: str) -> Item:
    if not isinstance(obj, dict):
        return IngestError(path, f"expected a JSON object, found {type(obj).__name__}")
    return _article_from_fields({_norm_key(str(k)): v for k, v in obj.items()}, path)


class _DecodeFailure(str):
    """A decoding failure's message (a distinct type, so it is not taken for text)."""


def _decode(data: bytes, encoding: str, base_offset: int = 0) -> str:
    """Decode strictly; on failure return a ``_DecodeFailure`` naming the byte offset."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        bad = data[e.start : e.start + 1]
        hint = " (try encoding latin-1)" if encoding.lower().startswith("utf") else ""
        return _DecodeFailure(
            f"not valid {encoding}: byte 0x{bad.hex()} at offset {base_offset + e.start}{hint}"
        )
    except LookupError:
        return _DecodeFailure(f"unknown encoding {encoding!r}")
    return text.removeprefix("\ufeff")


def _binary_reason(head: bytes, encoding: str) -> str | None:
    if head.startswith(_BINARY_MAGIC):
        return "binary file (not text)"
    wide = encoding.lower().replace("_", "-").startswith(("utf-16", "utf-32", "utf16", "utf32"))
    if not wide and b"\x00" in head:
        return "binary file (contains NUL bytes), not text"
    return None


# --- per-format readers ---------------------------------------------------------------


def _read_whole(path: str, encoding: str, max_bytes: int) -> str | IngestError:
    """Read a small file entirely, with the size, binary and encoding checks."""
    try:
        size = os.path.getsize(path)
        if size == 0:
            return IngestError(path, "empty file")
        if size > max_bytes:
            return IngestError(path, f"file is {size:,} bytes, over the limit of {max_bytes:,}")
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        return IngestError(path, e.strerror or str(e))
    reason = _binary_reason(data[:_SNIFF], encoding)
    if reason:
        return IngestError(path, reason)
    text = _decode(data, encoding)
    if isinstance(text, _DecodeFailure):
        return IngestError(path, str(text))
    if not text.strip():
        return IngestError(path, "file holds only whitespace")
    return text


def _text_article(text: str, path: str) -> Item:
    if _looks_like_html(text):
        return _html_article(text, path)
    return RawArticle(path=path, text=text, title=guess_title(text))


def _html_article(html: str, path: str) -> Item:
    try:
        art = html_to_article(html, path)
    except Exception as e:  # trafilatura/lxml raise many kinds on broken markup
        return IngestError(path, f"could not parse HTML ({type(e).__name__}: {e})")
    if not art.text.strip():
        return IngestError(path, "no article text found in the HTML page")
    return art


def _json_items(text: str, path: str) -> Iterator[Item]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        yield IngestError(path, f"malformed JSON at line {e.lineno}, column {e.colno}: {e.msg}")
        return
    if isinstance(obj, dict):
        # A wrapper such as {"articles": [...]} holds the records one level down.
        keys = {_norm_key(str(k)) for k in obj}
        if not keys & set(TEXT_KEYS + HTML_KEYS):
            for k in ("articles", "items", "data", "results", "documents", "docs", "records"):
                inner = next((v for kk, v in obj.items() if str(kk).lower() == k), None)
                if isinstance(inner, list):
                    obj = inner
                    break
    if isinstance(obj, list):
        if not obj:
            yield IngestError(path, "JSON list holds no articles")
        for n, rec in enumerate(obj, 1):
            yield _from_object(rec, f"{path}#{n}")
        return
    yield _from_object(obj, path)


def _jsonl_items(
    lines: Iterator[bytes], path: str, encoding: str, max_bytes: int
) -> Iterator[Item]:
    """One article per line; each bad line is reported and skipped."""
    offset = 0
    record = 0
    any_line = False
    for lineno, raw in enumerate(lines, 1):
        start = offset
        offset += len(raw)
        if len(raw) > max_bytes:
            record += 1
            yield IngestError(f"{path}#{record}", f"line {lineno} is over {max_bytes:,} bytes")
            continue
        text = _decode(raw, encoding, start)
        if isinstance(text, _DecodeFailure):
            record += 1
            yield IngestError(f"{path}#{record}", f"line {lineno}: {text}")
            continue
        if not text.strip():
            continue
        any_line = True
        record += 1
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            yield IngestError(
                f"{path}#{record}", f"line {lineno}: malformed JSON (column {e.colno}: {e.msg})"
            )
            continue
        yield _from_object(obj, f"{path}#{record}")
    if not any_line and record == 0:
        yield IngestError(path, "no JSON lines in the file")


def _bounded_lines(f: IO[bytes], max_bytes: int) -> Iterator[bytes]:
    """Lines of a binary stream; a line longer than max_bytes is cut to max_bytes + 1
    bytes (so the caller can tell) and the rest of it skipped without being held."""
    while True:
        line = f.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:
                rest = f.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line


def _csv_items(
    f: IO[bytes], path: str, encoding: str, max_bytes: int, delimiter: str | None
) -> Iterator[Item]:
    """Stream CSV rows. Columns are matched case-insensitively, ignoring prefixes such
    as ``article_`` (FA-KES: article_title, article_content)."""
    failure: list[str] = []

    def decoded() -> Iterator[str]:
        offset = 0
        for lineno, raw in enumerate(_bounded_lines(f, max_bytes), 1):
            text = _decode(raw, encoding, offset)
            offset += len(raw)
            if isinstance(text, _DecodeFailure):
                failure.append(f"line {lineno}: {text}; rows from here on not read")
                return
            yield text

    lines = decoded()
    if delimiter is None:
        first = next(lines, None)
        if first is None:
            if failure:
                yield IngestError(path, failure[0])
            else:
                yield IngestError(path, "empty file")
            return
        counts = {d: first.count(d) for d in (",", "\t", ";", "|")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
        lines = _chain([first], lines)
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes))
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as e:
        yield IngestError(path, f"malformed CSV header: {e}")
        return
    if not header:
        yield IngestError(path, failure[0] if failure else "no header row")
        return
    columns = [_norm_key(h) for h in header]
    if not any(c in TEXT_KEYS or c in HTML_KEYS for c in columns):
        yield IngestError(
            path,
            f"no text column (expected one of {', '.join(TEXT_KEYS)}; "
            f"found: {', '.join(h.strip() for h in header)})",
        )
        return
    n = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            n += 1
            yield IngestError(f"{path}#{n}", f"malformed CSV row near line {reader.line_num}: {e}")
            continue
        if not any(cell.strip() for cell in row):
            continue
        n += 1
        fields: dict[str, Any] = {}
        for col, cell in zip(columns, row, strict=False):
            fields.setdefault(col, cell)
        yield _article_from_fields(fields, f"{path}#{n}")
    if failure:
        yield IngestError(path, failure[0])
    elif n == 0:
        yield IngestError(path, "CSV holds a header but no rows")


def _chain(first: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from first
    yield from rest


def _file_items(path: str, encoding: str, max_bytes: int) -> Iterator[Item]:
    """Every article (or error) of one file, by its extension."""
    ext = os.path.splitext(path)[1].lower()
    if ext in JSONL_EXT or ext in CSV_EXT:
        try:
            f = open(path, "rb")  # noqa: SIM115 - closed in the finally below
        except OSError as e:
            yield IngestError(path, e.strerror or str(e))
            return
        try:
            head = f.read(_SNIFF)
            if not head:
                yield IngestError(path, "empty file")
                return
            reason = _binary_reason(head, encoding)
            if reason:
                yield IngestError(path, reason)
                return
            f.seek(0)
            if ext in JSONL_EXT:
                yield from _jsonl_items(_bounded_lines(f, max_bytes), path, encoding, max_bytes)
            else:
                yield from _csv_items(f, path, encoding, max_bytes, "\t" if ext == ".tsv" else None)
        finally:
            f.close()
        return
    text = _read_whole(path, encoding, max_bytes)
    if isinstance(text, IngestError):
        yield text
    elif ext in HTML_EXT:
        yield _html_article(text, path)
    elif ext in JSON_EXT:
        yield from _json_items(text, path)
    else:
        yield _text_article(text, path)


def _stdin_items(stream: TextIO, max_bytes: int) -> Iterator[Item]:
    """Plain text, HTML, a JSON document, or JSON lines ("-#N") from a text stream."""
    first = ""
    skipped: list[str] = []
    for line in stream:
        if line.strip():
            first = line
            break
        skipped.append(line)
    if not first:
        yield IngestError("-", "empty input on stdin")
        return
    obj: Any = None
    try:
        obj = json.loads(first)
    except json.JSONDecodeError:
        obj = None
    if isinstance(obj, dict):
        # JSON lines: stream the rest a line at a time.
        def lines() -> Iterator[bytes]:
            yield first.encode("utf-8")
            for ln in stream:
                yield ln.encode("utf-8")

        yield from _jsonl_items(lines(), "-", "utf-8", max_bytes)
        return
    budget = max_bytes + 1 - len(first)
    rest = stream.read(max(budget, 0))
    text = "".join(skipped) + first + rest
    if len(text.encode("utf-8", "replace")) > max_bytes:
        yield IngestError("-", f"input on stdin is over the limit of {max_bytes:,} bytes")
        return
    if first.lstrip().startswith(("[", "{")):
        try:
            json.loads(text)
        except json.JSONDecodeError:
            pass
        else:
            yield from _json_items(text, "-")
            return
    if _looks_like_html(text):
        yield _html_article(text, "-")
    else:
        yield RawArticle(path="-", text=text, title=guess_title(text))


# --- path expansion ---------------------------------------------------------------------


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _walk(folder: str) -> list[str]:
    """Supported files under a folder, recursive, sorted, hidden files and folders skipped."""
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        for name in sorted(files):
            if not _hidden(name) and os.path.splitext(name)[1].lower() in SUPPORTED_EXTENSIONS:
                found.append(os.path.join(root, name))
    return sorted(found)


_GLOB_CHARS = re.compile(r"[*?\[]")


def iter_articles(
    paths: list[str],
    *,
    stdin: TextIO | None = None,
    encoding: str = "utf-8",
    max_bytes: int = 10_000_000,
) -> Iterator[RawArticle | IngestError]:
    """Yield every article found under ``paths``, and one ``IngestError`` per bad input.

    ``paths`` may name files, folders (read recursively in sorted order; hidden files
    and files of unsupported types inside them are skipped), glob patterns, and ``-``
    for ``stdin`` (``sys.stdin`` when not given). A file named twice is read once.
    """
    seen: set[str] = set()

    def files_of(target: str) -> Iterator[Item]:
        real = os.path.realpath(target)
        if real in seen:
            return
        seen.add(real)
        yield from _file_items(target, encoding, max_bytes)

    def folder_of(folder: str) -> Iterator[Item]:
        files = _walk(folder)
        if not files:
            yield IngestError(
                folder,
                "no articles: the folder holds no "
                + "/".join(sorted(e.lstrip(".") for e in SUPPORTED_EXTENSIONS))
                + " files",
            )
            return
        got = 0
        for f in files:
            for item in files_of(f):
                got += isinstance(item, RawArticle)
                yield item
        if got == 0:
            yield IngestError(folder, f"no articles could be read from its {len(files)} file(s)")

    for p in paths:
        if p == "-":
            try:
                yield from _stdin_items(stdin if stdin is not None else sys.stdin, max_bytes)
            except UnicodeDecodeError as e:
                yield IngestError("-", f"stdin is not valid text: {e.reason} at byte {e.start}")
        elif os.path.isdir(p):
            yield from folder_of(p)
        elif os.path.isfile(p):
            yield from files_of(p)
        elif os.path.exists(p):
            yield IngestError(p, "not a regular file or folder")
        elif _GLOB_CHARS.search(p):
            matches = sorted(
                m for m in glob.glob(p, recursive=True) if not _hidden(os.path.basename(m))
            )
            if not matches:
                yield IngestError(p, "no files match this pattern")
                continue
            got = 0
            for m in matches:
                items = folder_of(m) if os.path.isdir(m) else files_of(m)
                for item in items:
                    got += isinstance(item, RawArticle)
                    yield item
            if got == 0:
                yield IngestError(p, f"no articles among the {len(matches)} matching path(s)")
        else:
            yield IngestError(p, "no such file or directory")
