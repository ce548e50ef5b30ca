"""Uploads: run the pipeline over new articles in a background thread, with progress.

One job runs at a time (the pipeline loads spaCy and writes the store; two at once would
only compete for the same two cores and the same database lock); later ones wait.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from wiredesk.ingest import IngestError
from wiredesk.models import RawArticle

JobState = Literal["queued", "running", "done", "failed"]


@dataclass
class Job:
    """The state of one upload, as the progress indicator polls it."""

    id: str
    n_inputs: int
    state: JobState = "queued"
    stage: str = "queued"
    done: int = 0
    total: int | None = None
    errors: list[str] = field(default_factory=list)
    events: int | None = None
    documents: int | None = None
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


class _JobProgress:
    """The pipeline's ``Progress`` protocol, writing into a ``Job``."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def stage(self, name: str, total: int | None) -> None:
        self.job.stage = name
        self.job.total = total if total is not None else self.job.n_inputs
        self.job.done = 0

    def advance(self, n: int = 1) -> None:
        self.job.done += n


class JobRunner:
    """Queue of upload jobs against one store, run one after another in a thread."""

    def __init__(self, db_url: str, after: Callable[[], None] | None = None) -> None:
        self.db_url = db_url
        self.after = after  # called when a job has written the store (refresh caches)
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def submit(self, items: Sequence[RawArticle | IngestError]) -> Job:
        """Start a job over these articles; returns at once."""
        job = Job(id=uuid.uuid4().hex[:12], n_inputs=len(items))
        self.jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, list(items)), daemon=True,
                         name=f"upload-{job.id}").start()
        return job

    def _run(self, job: Job, items: list[RawArticle | IngestError]) -> None:
        from wiredesk import pipeline, review
        from wiredesk.store import Store

        with self._lock:
            job.state = "running"
            try:
                result = pipeline.process_articles(
                    items, None, db=self.db_url, progress=_JobProgress(job),
                    on_error=job.errors.append,
                )
                job.stage = "applying reviews"
                store = Store(self.db_url)
                try:
                    review.reapply(store)
                finally:
                    store.close()
                job.events = result.events
                job.documents = result.documents
                job.total = job.total or job.n_inputs
                job.done = job.total
                job.state = "done"
                job.stage = "done"
            except Exception as exc:  # the job reports it; the server goes on
                job.errors.append(f"{type(exc).__name__}: {exc}")
                job.state = "failed"
                job.stage = "failed"
            finally:
                if self.after:
                    self.after()
