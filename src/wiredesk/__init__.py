"""wiredesk: news reports about violent and political events in, one sourced event record out.

``wiredesk.run(paths, out=...)`` runs the whole pipeline over files and folders;
``wiredesk.analyze(text, published=..., title=...)`` analyses one article in memory.
Both return a ``wiredesk.models.Result``, the typed form of events.json.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from wiredesk.models import Result
    from wiredesk.pipeline import Options, analyze, run

__all__ = ["Options", "Result", "__version__", "analyze", "run"]


def __getattr__(name: str) -> Any:
    # Lazy, so that `import wiredesk` (and `wiredesk --help`) does not load spaCy.
    if name in ("run", "analyze", "Options"):
        from wiredesk import pipeline

        return getattr(pipeline, name)
    if name == "Result":
        from wiredesk.models import Result

        return Result
    raise AttributeError(f"module 'wiredesk' has no attribute {name!r}")
