"""Turn uploaded files and pasted text into ``RawArticle``s, through the same readers
as ``wiredesk run`` (so every format the CLI reads can be uploaded)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePath

from wiredesk.ingest import IngestError, iter_articles
from wiredesk.models import RawArticle

MAX_BYTES = 10_000_000


def _safe_name(name: str, i: int) -> str:
    base = PurePath(name.replace("\\", "/")).name or f"upload{i}.txt"
    return f"{i:03d}_{base}"[:120]


def read_uploads(
    files: Sequence[tuple[str, bytes]],
    text: str | None = None,
    title: str | None = None,
    published: str | None = None,
    source: str | None = None,
) -> list[RawArticle | IngestError]:
    """Articles from uploaded ``(filename, bytes)`` pairs and pasted ``text``; an input
    that cannot be read is an ``IngestError`` naming it, as on the command line."""
    items: list[RawArticle | IngestError] = []
    with tempfile.TemporaryDirectory(prefix="wiredesk-upload-") as tmp:
        for i, (name, data) in enumerate(files):
            if not data:
                items.append(IngestError(f"upload/{name}", "empty file"))
                continue
            target = Path(tmp) / _safe_name(name, i)
            target.write_bytes(data)
            for item in iter_articles([str(target)], max_bytes=MAX_BYTES):
                if isinstance(item, RawArticle):
                    suffix = item.path[len(str(target)):]
                    items.append(item.model_copy(update={"path": f"upload/{name}{suffix}"}))
                else:
                    items.append(IngestError(f"upload/{name}", item.reason))
    if text and text.strip():
        items.append(RawArticle(path="upload/pasted", text=text, title=title or None,
                                source=source or None, published_raw=published or None))
    return items
