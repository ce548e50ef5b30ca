"""The web app in headless Chromium (Debian's ``chromium``, driven by Playwright; no
browser download): the seeds on the map, the 11 March Taji attack with its rocket-count
disagreement and each side's quote, a figure corrected and still in the event's
history after the pipeline runs again over the same store. Screenshots are saved."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _need_chromium() -> None:
    why = None
    if not Path(CHROMIUM).exists():
        why = f"{CHROMIUM} not found (Debian package chromium; .ci/run installs it)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            why = "the playwright package is not installed"
    if why is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but browser tests cannot run: {why}")
    pytest.skip(why)


@pytest.fixture
def server(seeds_store_url: str) -> Iterator[str]:
    """The app on a free 127.0.0.1 port, in a thread of this process."""
    import uvicorn

    from wiredesk.web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(seeds_store_url, index_ttl=0)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture
def browser() -> Iterator[Any]:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go (``WIREDESK_SCREENSHOTS`` to keep them somewhere known)."""
    where = os.environ.get("WIREDESK_SCREENSHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        return Path(where)
    return tmp_path_factory.mktemp("screenshots")


def test_map_event_disagreement_and_review(server: str, browser: Any, shots: Path,
                                           seeds_store_url: str, seeds_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    offline: list[str] = []
    # Fully offline: any request that is not to our server is a failure.
    page.on("request", lambda r: None if r.url.startswith(server) or r.url.startswith(
        "data:") else offline.append(r.url))

    page.goto(server + "/")
    page.wait_for_selector("#map[data-ready]", timeout=20_000)
    n_markers = page.locator("path.wd-marker").count()
    assert n_markers >= 8
    assert re.search(r"\d+ events \(\d+ on the map\)", page.inner_text("#count"))
    page.screenshot(path=str(shots / "01_map.png"))

    # Filter to March 2020 in Iraq: fewer markers.
    page.fill("input[name=start]", "2020-03-01")
    page.fill("input[name=end]", "2020-03-31")
    page.fill("input[name=country]", "IQ")
    page.click("#filters button")
    page.wait_for_selector("#map[data-ready]", timeout=20_000)
    assert 0 < page.locator("path.wd-marker").count() < n_markers
    assert "Camp Taji" in page.inner_text("#list")

    # Open the 11 March Taji attack from the list.
    page.click("#list a:has-text('2020-03-11 Shelling/artillery/missile attack')")
    page.wait_for_selector("#disputes")
    url = page.url
    dispute = page.locator(".dispute[data-kind=munitions_fired]")
    text = dispute.inner_text()
    assert "30" in text and "57" in text
    sides = dispute.locator(".side")
    assert sides.count() >= 2
    side_values = {sides.nth(i).locator(".side-value").inner_text() for i in
                   range(sides.count())}
    assert {"30", "57"} <= side_values
    for i in range(sides.count()):
        assert sides.nth(i).locator("q").count() >= 1  # each side with its quote
    # Each claim's quote is highlighted inside its article's passage.
    assert page.locator("#claims blockquote mark.focus").count() >= 5
    assert page.locator("#claims mark.focus:has-text('57 rockets')").count() >= 1
    page.screenshot(path=str(shots / "02_event.png"), full_page=True)
    page.locator("#disputes").screenshot(path=str(shots / "02b_disagreement.png"))

    # The article page highlights the extracted mentions and the quote.
    page.click("#disputes .side a >> nth=0")
    page.wait_for_selector("article.text mark.focus")
    assert page.locator("article.text mark.mention").count() >= 1
    page.screenshot(path=str(shots / "03_article.png"), full_page=True)

    # Correct the number of rockets fired.
    page.goto(url)
    form = page.locator("#set-figure")
    form.locator("input[name=kind]").fill("munitions_fired")
    form.locator("input[name=value]").fill("33")
    form.locator("input[name=reviewer]").fill("Ana Reviewer")
    form.locator("input[name=reason]").fill("36-tube launcher, 3 unfired")
    form.locator("button").click()
    page.wait_for_selector("#history table")
    row = page.locator("tr[data-kind=munitions_fired] td.best")
    assert row.inner_text() == "33"
    assert "Ana Reviewer" in page.inner_text("#history")
    page.screenshot(path=str(shots / "04_reviewed.png"), full_page=True)

    # Other pages render.
    page.goto(server + "/timeline")
    assert page.locator("svg.timeline path.relation").count() >= 2
    assert page.locator("svg.timeline a.tl-event").count() >= 4
    page.screenshot(path=str(shots / "05_timeline.png"), full_page=True)
    page.goto(server + "/conflicts")
    assert "57" in page.inner_text("main")
    page.screenshot(path=str(shots / "06_conflicts.png"), full_page=True)
    assert not offline, f"requests left the machine: {offline[:3]}"

    # Re-run the pipeline over the same store: the correction is still shown.
    from wiredesk import pipeline

    pipeline.run([str(seeds_dir)], None, db=seeds_store_url)
    page.goto(url)
    assert "Ana Reviewer" in page.inner_text("#history")
    page.screenshot(path=str(shots / "07_after_rerun.png"), full_page=True)
    assert page.locator("tr[data-kind=munitions_fired] td.best").inner_text() == "33"


def test_upload_with_progress(server: str, browser: Any, shots: Path,
                              seeds_dir: Path, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(server + "/upload")
    one = sorted(seeds_dir.iterdir())[0]
    src = tmp_path / one.name
    shutil.copy(one, src)
    page.set_input_files("input[name=files]", str(src))
    page.fill("textarea[name=text]",
              "MOSUL, June 2, 2020 - A roadside bomb hit an army patrol near Mosul on "
              "Tuesday, killing two soldiers, officers said.")
    page.fill("input[name=published]", "2020-06-02")
    page.click("#upload button")
    page.wait_for_selector("#job:not([hidden])")
    page.wait_for_selector("#job[data-state]", timeout=300_000)
    assert page.get_attribute("#job", "data-state") == "done"
    assert "documents" in page.inner_text("#summary")
    page.screenshot(path=str(shots / "08_upload.png"), full_page=True)
    page.goto(server + "/")
    page.wait_for_selector("#map[data-ready]", timeout=20_000)
    assert "Mosul" in page.inner_text("#list")
