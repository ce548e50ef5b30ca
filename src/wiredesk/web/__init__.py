"""``wiredesk serve``: one FastAPI app for the REST API (``/api``) and the pages.

Fully offline: Leaflet comes from the ``XStatic-Leaflet`` package, country outlines
from ``wiredesk.basemap`` when its data package is installed, the API's description is
a page of our own (FastAPI's /docs loads scripts from a CDN, so it is off); online map
tiles are off unless ``tiles`` names a tile URL template.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from wiredesk import __version__

HERE = Path(__file__).parent


def create_app(db_url: str, *, tiles: str | None = None, index_ttl: float = 2.0) -> FastAPI:
    """The app over the store at ``db_url``. ``tiles``: an optional online tile URL
    template (``https://.../{z}/{x}/{y}.png``); without it the map needs no network."""
    import xstatic.pkg.leaflet as leaflet

    from wiredesk.web import api, pages
    from wiredesk.web.state import AppState

    state = AppState(db_url, index_ttl=index_ttl)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(
        # FastAPI's /docs and /redoc load their scripts from a CDN: off. The schema is
        # at /openapi.json and described offline at /api-docs.
        docs_url=None, redoc_url=None,
        title="wiredesk", version=__version__, lifespan=lifespan,
        description="Events extracted from news reports, with every figure's sources, "
                    "disagreements, relations and reviewers' corrections.",
    )
    app.state.wd = state
    app.state.tiles = tiles
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static/leaflet", StaticFiles(directory=leaflet.BASE_DIR), name="leaflet")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app


__all__ = ["create_app"]
