"""The whole road: ingest -> clean -> date -> nlp -> time -> places -> actors -> mentions
-> merge -> reconcile -> link -> stories -> store -> outputs.

Each stage lives in its own module and can be called alone; this module only wires
them together, does the I/O at the edges and keeps a bad document from stopping a batch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from wiredesk import __version__
from wiredesk.identity import Identity
from wiredesk.ingest import IngestError
from wiredesk.models import (
    Document,
    DocumentOut,
    Entity,
    Event,
    EventMention,
    Place,
    RawArticle,
    Result,
)
from wiredesk.nlp import model_name as nlp_model_name

if TYPE_CHECKING:
    from wiredesk.review import Review
    from wiredesk.store import Store

_T = TypeVar("_T")


@lru_cache(maxsize=8)
def analysis_version(model: str | None = None) -> str:
    """Key of a stored analysis: the package version, a hash of the code and data that
    produce analyses, and the spaCy model. A store made by other code or another model is
    re-analysed rather than trusted, so an upgrade never serves stale mentions."""
    h = hashlib.sha256(f"{__version__}|{model or ''}".encode())
    root = resources.files("wiredesk")
    for rel in sorted(_ANALYSIS_SOURCES):
        item = root.joinpath(rel)
        if item.is_dir():
            for sub in sorted(item.iterdir(), key=lambda x: x.name):
                if sub.is_file() and sub.name.endswith((".py", ".csv", ".toml", ".json")):
                    h.update(sub.name.encode())
                    h.update(sub.read_bytes())
        elif item.is_file():
            h.update(rel.encode())
            h.update(item.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


# What a stored analysis depends on (merge, link and outputs are redone every run anyway).
_ANALYSIS_SOURCES = (
    "clean.py", "dating.py", "nlp.py", "timex.py", "actors.py", "models.py",
    "places", "events", "data",
)


class Progress(Protocol):
    """What the pipeline tells a progress display; the CLI draws a bar from it."""

    def stage(self, name: str, total: int | None) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class _Silent:
    def stage(self, name: str, total: int | None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


@dataclass
class Options:
    """Settings of a run (every one has a CLI flag)."""

    model: str | None = None  # spaCy pipeline name or path; None = small English model
    batch_size: int = 16
    n_process: int = 1
    encoding: str = "utf-8"
    max_bytes: int = 10_000_000
    reprocess: bool = False  # ignore stored analyses and redo every document
    actors_file: Path | None = None
    chunk_size: int = 1000  # documents read and analysed before the next are read
    engine: str = "local"  # "local" (this process, or n_process workers) or "ray"
    full_merge: bool = False  # merge the whole store, not only what new documents touch
    address: str | None = None  # Ray cluster address; None starts a local Ray instance


class DocumentAnalyzer(Protocol):
    """What runs the per-document stages: ``Analyzer`` here, or one on a Ray cluster."""

    def prepare(
        self, raws: Sequence[RawArticle], on_error: Callable[[RawArticle, Exception], None]
    ) -> list[Document]: ...

    def close(self) -> None: ...

    def analyze(
        self,
        docs: Sequence[Document],
        on_error: Callable[[Document, Exception], None],
        progress: Progress | None = None,
    ) -> Iterable[_Analysis]: ...


def make_analyzer(options: Options) -> DocumentAnalyzer:
    """The analyzer for ``options.engine``; both give the same results on the same input."""
    if options.engine == "ray":
        from wiredesk.ray_engine import RayAnalyzer

        return RayAnalyzer(options)
    if options.engine != "local":
        raise ValueError(f"unknown engine {options.engine!r} (use 'local' or 'ray')")
    return Analyzer(options)


@dataclass
class _Analysis:
    doc: Document
    mentions: list[EventMention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)


def document_id(text: str) -> str:
    """Content hash of an article: whitespace-insensitive, so re-saved copies match."""
    norm = re.sub(r"\s+", " ", text).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def _prepare_all(
    raws: Sequence[RawArticle], on_error: Callable[[RawArticle, Exception], None]
) -> list[Document]:
    out: list[Document] = []
    for raw in raws:
        try:
            out.append(prepare(raw))
        except Exception as exc:  # one article that cannot be cleaned must not stop the rest
            on_error(raw, exc)
    return out


def prepare(raw: RawArticle) -> Document:
    """Clean an article and establish its publication date from metadata and text."""
    from wiredesk import clean, dating

    cleaned = clean.clean_text(raw.text, raw.title)
    published, basis = dating.document_date(raw.text, raw.published_raw, raw.title)
    # the headline cleaning took out of the body is read with it again: offsets of
    # mentions (and quotes from the headline) are into this text
    text = clean.with_headline(cleaned.text, raw.title)
    removed = cleaned.removed
    if text != cleaned.text and raw.title:
        removed = [r for r in removed if " ".join(r.split()) != " ".join(raw.title.split())]
    return Document(
        id=document_id(raw.text),
        path=raw.path,
        title=raw.title,
        url=raw.url,
        source=raw.source,
        text=text,
        published=published,
        published_basis=basis,
        removed=removed,
    )


def infer_missing_dates(docs: Sequence[Document]) -> list[Document]:
    """Date the undated documents from what they share with the dated ones of the run."""
    from wiredesk import dating

    undated = [(d.id, d.text) for d in docs if d.published is None]
    dated = [(d.id, d.text, d.published) for d in docs if d.published is not None]
    if not undated or not dated:
        return list(docs)
    inferred = dating.infer_dates(undated, dated)
    return [
        d.model_copy(update={"published": inferred[d.id], "published_basis": "inferred"})
        if d.published is None and d.id in inferred
        else d
        for d in docs
    ]


class Analyzer:
    """Runs the per-document NLP stages (nlp, time, places, actors, mentions)."""

    def __init__(self, options: Options | None = None) -> None:
        from wiredesk import actors, nlp

        self.options = options or Options()
        self.nlp = nlp.load(self.options.model)
        self.resolver = actors.ActorResolver(self.options.actors_file)

    def prepare(
        self, raws: Sequence[RawArticle], on_error: Callable[[RawArticle, Exception], None]
    ) -> list[Document]:
        """Clean and date each article here; one that cannot be is reported and skipped."""
        return _prepare_all(raws, on_error)

    def close(self) -> None:
        """Nothing to release: the model lives as long as this object."""

    def analyze(
        self,
        docs: Sequence[Document],
        on_error: Callable[[Document, Exception], None],
        progress: Progress | None = None,
    ) -> Iterable[_Analysis]:
        """Yield each document's mentions and entities; a failure skips only that document."""
        from wiredesk import events, nlp, places, timex

        texts = (d.text for d in docs)
        parsed = nlp.parse(
            texts, nlp=self.nlp, batch_size=self.options.batch_size,
            n_process=self.options.n_process,
        )
        for doc, sdoc in zip(docs, parsed, strict=True):
            self.resolver.forget()
            try:
                times = timex.normalize(doc.text, doc.published, sdoc) if doc.published else []
                found = places.find(doc.text, sdoc)
                mentions = events.extract_mentions(doc, sdoc, times, found, self.resolver)
                ents = self._named_entities(doc.text, found, mentions)
                yield _Analysis(doc, mentions, ents)
            except Exception as exc:  # one bad document must not stop the batch
                on_error(doc, exc)
            finally:
                if progress:
                    progress.advance()


    def _named_entities(
        self, text: str, found: list[tuple[tuple[int, int], Place]],
        mentions: list[EventMention],
    ) -> list[Entity]:
        """Every actor the document names, in an event or not, with the aliases seen.

        Entities list the actors of the whole record (PMF named only in a quote is still
        the Popular Mobilization Forces), so aliases come from all of the text.
        """
        from wiredesk import events

        focus = events.document_focus(found)
        ids = {a.entity_id for m in mentions for a in m.actors}
        for _span, surface in self.resolver.find(text):
            ent = self.resolver.resolve(surface, focus=focus)
            if ent is not None:
                ids.add(ent.id)
        return [e for e in self.resolver.entities() if e.id in ids]


def merge_entities(groups: Iterable[Iterable[Entity]]) -> list[Entity]:
    """Union entities seen in several documents, keeping every alias."""
    by_id: dict[str, Entity] = {}
    for ents in groups:
        for e in ents:
            if e.id in by_id:
                old = by_id[e.id]
                aliases = list(dict.fromkeys([*old.aliases, *e.aliases]))
                by_id[e.id] = old.model_copy(update={"aliases": aliases})
            else:
                by_id[e.id] = e
    return sorted(by_id.values(), key=lambda e: e.id)


def assemble(analyses: Sequence[_Analysis]) -> Result:
    """Merge mentions across documents into events, reconcile, link, group into stories."""
    return assemble_stable(analyses, {}, {})[0]


def assemble_stable(
    analyses: Sequence[_Analysis],
    members: dict[str, str],
    aliases: dict[str, str],
    reviews: Sequence[Review] = (),
) -> tuple[Result, Identity]:
    """``assemble``, with each event keeping the id its mentions had before (``members``:
    mention key -> event id of an earlier run; ``aliases``: ids absorbed earlier), and
    with reviewers' corrections replayed on top of the machine's events.

    The returned identity is the machine's clustering (before reviews), which is what the
    next run's clustering is compared with; reviews are replayed on it every time."""
    from wiredesk import identity, link, merge, review, stories

    documents = {a.doc.id: a.doc for a in analyses}
    mentions = [m for a in analyses for m in a.mentions]
    ident = identity.stabilize(merge.build_events(mentions, documents), members, aliases)
    # A review names the event as it was then; follow ids absorbed since.
    follow = {r.id: identity.follow(r.event_id, ident.aliases) for r in reviews}
    current = [r.model_copy(update={"event_id": follow[r.id]}) for r in reviews]
    built = review.apply_reviews(ident.built, documents, current) if current else ident.built
    events: list[Event] = [e for e, _ in built]
    relations = link.link(built, documents)
    story_list = stories.group(
        list(documents.values()), events, {e.id: ms for e, ms in built}
    )
    docs_out = [
        DocumentOut(
            id=d.id, path=d.path, title=d.title, source=d.source, url=d.url,
            published=d.published, published_basis=d.published_basis,
        )
        for d in sorted(documents.values(), key=lambda d: (d.published or dt.date.max, d.id))
    ]
    result = Result(
        documents=docs_out,
        entities=merge_entities(a.entities for a in analyses),
        events=events,
        relations=relations,
        stories=story_list,
    )
    return result, ident


def run(
    paths: Sequence[str],
    out: str | Path | None = None,
    *,
    db: str | None = None,
    options: Options | None = None,
    progress: Progress | None = None,
    on_error: Callable[[str], None] | None = None,
    stdin: object | None = None,
) -> Result:
    """Run the whole pipeline over files, folders, globs or ``-`` (stdin).

    With ``out``, writes events.json, events.csv and events.geojson there and keeps the
    store (``wiredesk.sqlite``) beside them unless ``db`` names another database URL.
    Errors on single inputs are collected in ``Result.errors`` (and passed to
    ``on_error`` as they happen); the rest of the batch goes on.
    """
    options = options or Options()
    return run_articles(_read(paths, options, stdin), out, db=db, options=options,
                        progress=progress, on_error=on_error)


def process(
    paths: Sequence[str],
    out: str | Path | None = None,
    *,
    db: str | None = None,
    options: Options | None = None,
    progress: Progress | None = None,
    on_error: Callable[[str], None] | None = None,
    stdin: object | None = None,
) -> RunSummary:
    """``run``, returning only a summary instead of the whole merged view: what the
    command line uses, so that a large store's view is written to the outputs page by
    page and never held in memory."""
    options = options or Options()
    return process_articles(_read(paths, options, stdin), out, db=db, options=options,
                            progress=progress, on_error=on_error)


def _read(paths: Sequence[str], options: Options, stdin: object | None
          ) -> Iterable[RawArticle | IngestError]:
    import sys

    from wiredesk import ingest

    stream = stdin if stdin is not None else sys.stdin
    return ingest.iter_articles(
        list(paths), stdin=stream,  # type: ignore[arg-type]
        encoding=options.encoding, max_bytes=options.max_bytes,
    )


@dataclass
class RunSummary:
    """What a run left in its store's merged view, without the view: how many documents,
    events, relations and stories it holds, its first events (for a terminal table)
    and the inputs that failed."""

    documents: int
    events: int
    relations: int
    stories: int
    first_events: list[Event]
    errors: list[str] = field(default_factory=list)


def _summary(store: Store, errors: list[str], first: int = 20) -> RunSummary:
    counts = store.view_counts()
    return RunSummary(counts["documents"], counts["events"], counts["relations"],
                      counts["stories"], list(itertools.islice(store.view_items("events"),
                                                               first)), errors)


def _result(store: Store, errors: list[str]) -> Result:
    result = store.load_merged()
    result.errors = errors
    return result


def run_articles(
    items: Iterable[RawArticle | IngestError],
    out: str | Path | None = None,
    *,
    db: str | None = None,
    options: Options | None = None,
    progress: Progress | None = None,
    on_error: Callable[[str], None] | None = None,
) -> Result:
    """Run the pipeline over articles already read (``RawArticle``), e.g. fetched from a
    feed or uploaded, and return the store's whole merged view. An ``IngestError`` item
    is an input that could not be read: it is reported through ``on_error`` and the rest
    goes on."""
    return _run_items(items, out, db, options, progress, on_error, _result)


def process_articles(
    items: Iterable[RawArticle | IngestError],
    out: str | Path | None = None,
    *,
    db: str | None = None,
    options: Options | None = None,
    progress: Progress | None = None,
    on_error: Callable[[str], None] | None = None,
) -> RunSummary:
    """``run_articles`` returning a summary, not the view (see ``process``)."""
    return _run_items(items, out, db, options, progress, on_error, _summary)


def _run_items(
    items: Iterable[RawArticle | IngestError],
    out: str | Path | None,
    db: str | None,
    options: Options | None,
    progress: Progress | None,
    on_error: Callable[[str], None] | None,
    collect: Callable[[Store, list[str]], _T],
) -> _T:
    from wiredesk import outputs, update
    from wiredesk.outputs.view import batched
    from wiredesk.store import Store, default_url

    options = options or Options()
    progress = progress or _Silent()
    errors: list[str] = []

    def fail(msg: str) -> None:
        errors.append(msg)
        if on_error:
            on_error(msg)

    out_dir = Path(out) if out is not None else None
    if out_dir is not None:
        outputs.check_writable(out_dir)
    url = db or (default_url(out_dir) if out_dir is not None else "sqlite://")
    store = Store(url)
    analyzer: DocumentAnalyzer | None = None
    try:
        version = analysis_version(nlp_model_name(options.model))

        def start(docs: list[Document]) -> Iterable[_Analysis]:
            """Hand documents to the analyzer; Ray's workers start on them at once, the
            local analyzer as its results are read (``finish``)."""
            nonlocal analyzer
            if docs and analyzer is None:
                analyzer = make_analyzer(options)

            def doc_failed(d: Document, exc: Exception) -> None:
                fail(f"{d.path}: analysis failed: {type(exc).__name__}: {exc}")

            return analyzer.analyze(docs, doc_failed, progress) if analyzer and docs else ()

        def analyse(docs: list[Document]) -> None:
            """Analyse documents and commit them with their analyses."""
            finish(start(docs))

        def finish(results: Iterable[_Analysis]) -> None:
            """Commit the analyses as they come, batch by batch."""
            batch: list[_Analysis] = []
            for an in results:
                batch.append(an)
                if len(batch) >= options.batch_size:
                    store.save_analyses([(x.doc, x.mentions, x.entities) for x in batch],
                                        version)
                    batch = []
            store.save_analyses([(x.doc, x.mentions, x.entities) for x in batch], version)

        # 1. stream the input in chunks: read, clean, date, analyse, commit. Memory holds
        # one chunk; what a chunk produced is in the store before the next is read.
        progress.stage("analysing", None)
        unmerged = False  # the last chunk's documents wait for their merge

        def merge_chunk() -> None:
            # Merged chunk by chunk, so that memory holds one chunk and the events it
            # can join, not the whole store (``wiredesk.update``), and in a process of
            # its own, whose heap goes back to the system when it ends
            # (``update.merge_apart``); with Ray, while the next chunk is analysed.
            nonlocal unmerged
            if unmerged and not options.full_merge:
                update.merge_pending(store, version, apart=True)
            unmerged = False

        # Ray's workers analyse a chunk while the driver prepares the next one (on the
        # workers too), commits the previous one and merges it: the workers are not left
        # idle while the driver waits for a chunk's last tasks.
        ahead = options.engine == "ray"
        inflight: Iterable[_Analysis] | None = None
        for chunk in batched(items, options.chunk_size):
            raws: list[RawArticle] = []
            for item in chunk:
                if isinstance(item, RawArticle):
                    raws.append(item)
                else:
                    fail(str(item))
                    progress.advance()

            def unprepared(raw: RawArticle, exc: Exception) -> None:
                fail(f"{raw.path}: cannot clean or date: {type(exc).__name__}: {exc}")
                progress.advance()

            if options.engine == "ray" and raws:  # cleaning and dating on the cluster too
                if analyzer is None:
                    analyzer = make_analyzer(options)
                prepared = analyzer.prepare(raws, unprepared)
            else:
                prepared = _prepare_all(raws, unprepared)
            docs: dict[str, Document] = {}
            for doc in prepared:
                if doc.id in docs:  # the same article twice in one run is one document
                    progress.advance()
                docs.setdefault(doc.id, doc)
            todo: list[Document] = []
            reused: list[Document] = []
            for doc in infer_missing_dates(list(docs.values())):
                stored = None if options.reprocess else store.load_analysis(doc.id, version)
                # A stored analysis whose anchor date differs (a new inference) is redone.
                if stored is not None and stored[0].published == doc.published:
                    reused.append(doc)
                else:
                    todo.append(doc)
            store.save_documents(reused)  # paths and metadata as read now
            progress.advance(len(reused))
            results = start(todo)
            if not ahead:  # analysed as read, after the chunk before is merged
                merge_chunk()
                finish(results)
                unmerged = True
                continue
            if inflight is not None:
                finish(inflight)
                unmerged = True
                merge_chunk()
            inflight = results
        if inflight is not None:
            finish(inflight)
            unmerged = True
        merge_chunk()

        # 2. documents stored by older code or another model are analysed again
        stale = store.stale_documents(version)
        if stale:
            progress.stage("re-analysing stored documents", len(stale))
            for i in range(0, len(stale), options.chunk_size):
                loaded = [store.load_document(d) for d in stale[i : i + options.chunk_size]]
                analyse([d for d in loaded if d is not None])
                if not options.full_merge:
                    update.merge_pending(store, version, apart=True)

        # 3. across documents: what is still waiting (a killed run's documents), or the
        # whole store when asked; the outputs show the whole view.
        progress.stage("merging", None)
        update.merge_pending(store, version, full=options.full_merge, apart=True)
        if out_dir is not None:
            progress.stage("writing", None)
            outputs.write_all(store, out_dir)  # streamed from the store, page by page
        return collect(store, errors)
    finally:
        if analyzer is not None:
            analyzer.close()
        store.close()


def merge_store(store: Store, version: str, merged_docs: Iterable[str] = ()) -> Result:
    """Merge every stored analysis of ``version`` into events, keeping the event ids of
    earlier runs (``identity``) and replaying reviewers' corrections (``review``), and
    make that the store's merged view (``merged_docs``, the documents that were waiting
    for a merge, stop waiting). Processes sharing a store take turns here, so two
    concurrent runs never write two views of the same events."""
    from wiredesk import review

    with store.exclusive():
        analyses = [_Analysis(d, ms, es) for d, ms, es in store.iter_analyses(version)]
        members, aliases = store.load_identity()
        reviews = review.load_reviews(store)
        result, ident = assemble_stable(analyses, members, aliases, reviews)
        store.replace_merged(result.events, result.relations, result.stories,
                             result.entities, ident.members, ident.aliases,
                             merged_docs=merged_docs)
    return result


def analyze(
    text: str,
    published: dt.date | str | None = None,
    title: str | None = None,
    *,
    options: Options | None = None,
) -> Result:
    """Analyse one article held in memory; nothing is stored or written."""
    if isinstance(published, str):
        published = dt.date.fromisoformat(published)
    raw = RawArticle(path="<text>", text=text, title=title,
                     published_raw=published.isoformat() if published else None)
    doc = prepare(raw)
    if published is not None:
        doc = doc.model_copy(update={"published": published, "published_basis": "metadata"})
    errors: list[str] = []
    analyzer = Analyzer(options)
    analyses = list(analyzer.analyze(
        [doc], lambda d, e: errors.append(f"{d.path}: {type(e).__name__}: {e}")
    ))
    if errors:
        raise RuntimeError(errors[0])
    return assemble(analyses)
