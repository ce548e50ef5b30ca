"""The merged view as the writers read it: list by list and a page of events at a time,
from a ``Store`` (streamed from the database, so that a large store's outputs never sit
in memory whole) or from a ``Result`` in memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol, TypeVar

from wiredesk.models import DocumentOut, Entity, Event, Relation, Result


class View(Protocol):
    """What the writers read: ``Store`` has these methods; ``ResultView`` gives them to
    a ``Result``."""

    def view_items(self, part: str) -> Iterable[Any]: ...

    def documents_out(self, ids: Iterable[str]) -> dict[str, DocumentOut]: ...

    def load_entities(self, ids: Iterable[str]) -> list[Entity]: ...

    def relations_at(self, event_ids: Iterable[str]) -> list[Relation]: ...


class ResultView:
    """A ``Result`` in memory read as a ``View``."""

    def __init__(self, result: Result) -> None:
        self.result = result
        self._docs: dict[str, DocumentOut] | None = None
        self._entities: dict[str, Entity] | None = None

    def view_items(self, part: str) -> Iterable[Any]:
        return list(getattr(self.result, part))

    def documents_out(self, ids: Iterable[str]) -> dict[str, DocumentOut]:
        if self._docs is None:
            self._docs = {d.id: d for d in self.result.documents}
        return {i: self._docs[i] for i in ids if i in self._docs}

    def load_entities(self, ids: Iterable[str]) -> list[Entity]:
        if self._entities is None:
            self._entities = {e.id: e for e in self.result.entities}
        return [self._entities[i] for i in ids if i in self._entities]

    def relations_at(self, event_ids: Iterable[str]) -> list[Relation]:
        ids = set(event_ids)
        return [r for r in self.result.relations if r.source in ids or r.target in ids]


def as_view(source: Result | View) -> View:
    """``source`` as a ``View``."""
    return ResultView(source) if isinstance(source, Result) else source


#: Events read together when a writer needs their entities, documents or relations.
PAGE = 500

_T = TypeVar("_T")


def batched(items: Iterable[_T], n: int) -> Iterator[list[_T]]:
    """``items`` in lists of ``n`` (the last may be shorter)."""
    batch: list[_T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


def pages(events: Iterable[Event]) -> Iterator[list[Event]]:
    """``events`` in lists of ``PAGE``."""
    return batched(events, PAGE)


def named(view: View, page: list[Event]) -> tuple[dict[str, Entity], dict[str, DocumentOut]]:
    """The entities and the documents a page of events names, by id."""
    entities = {e.id: e for e in view.load_entities(
        {a.entity_id for ev in page for a in ev.actors if a.entity_id})}
    return entities, view.documents_out({m.doc_id for ev in page for m in ev.mentions})
