"""The briefing: per event a summary from the structured record with citations, figures
with best / low / high, the disagreements quoted side by side, the chain of events as a
timeline, and a map; as one offline HTML file or as Markdown with an SVG map beside it.

    from wiredesk.report import write_report
    write_report(result, Path("briefing.html"), texts=load_texts(store, result))
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from wiredesk.models import Document, Result
from wiredesk.report.briefing import Briefing, EventView, build
from wiredesk.report.html import render_html
from wiredesk.report.markdown import render_markdown
from wiredesk.report.svg import map_svg, timeline_svg

__all__ = [
    "Briefing", "EventView", "build", "load_texts", "map_svg", "render_html",
    "render_markdown", "timeline_svg", "write_report",
]


class _DocumentSource(Protocol):
    def load_document(self, doc_id: str) -> Document | None: ...


def load_texts(store: _DocumentSource, result: Result) -> dict[str, str]:
    """The cleaned text of each document of ``result`` that ``store`` holds, so quotes
    can be shown in their whole sentence."""
    texts = {}
    for d in result.documents:
        doc = store.load_document(d.id)
        if doc is not None:
            texts[d.id] = doc.text
    return texts


def write_report(result: Result, out: Path, texts: Mapping[str, str] | None = None,
                 title: str = "Event briefing") -> list[Path]:
    """Write the briefing to ``out`` (.html, or .md with ``NAME.map.svg`` beside it);
    returns the files written."""
    briefing = build(result, texts)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() in (".md", ".markdown"):
        map_path = out.with_name(out.stem + ".map.svg")
        map_path.write_text(map_svg(briefing, standalone=True) + "\n", encoding="utf-8")
        out.write_text(render_markdown(briefing, title, map_file=map_path.name),
                       encoding="utf-8")
        return [out, map_path]
    if out.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"report file must end in .html or .md, not {out.name!r}")
    out.write_text(render_html(briefing, title), encoding="utf-8")
    return [out]
