"""The briefing (HTML and Markdown) and the offline basemap."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import shapely.geometry
from typer.testing import CliRunner

from wiredesk import basemap
from wiredesk.cli import app
from wiredesk.models import (
    ActorRef,
    Claim,
    DateOut,
    DocumentOut,
    Entity,
    Event,
    Evidence,
    FigureOut,
    LocationOut,
    MentionOut,
    Relation,
    Result,
)
from wiredesk.report import build, render_html, render_markdown
from wiredesk.report.briefing import format_date

CHROMIUM = Path("/usr/bin/chromium")
# An attribute or CSS reference that would make the browser fetch something.
_FETCHING = re.compile(r"""(?:\bsrc\s*=|@import|url\(\s*['"]?https?:|<link\b|<script\b)""", re.I)
_HREF = re.compile(r"""<a\b([^>]*)\bhref="(https?://[^"]*)\"""", re.I)


def _need(thing: str, why: str) -> None:
    # Skip for a missing optional tool, except on CI, where .ci/run installs it.
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {thing} is missing: {why}")
    pytest.skip(why)


def _assert_offline(html: str) -> None:
    """Nothing the page would load from elsewhere; only plain links to articles."""
    assert not _FETCHING.search(html), _FETCHING.search(html)
    for attrs, url in _HREF.findall(html):
        assert 'class="source-link"' in attrs, url
    assert "xmlns" not in html  # inline SVG needs no namespace URL


def _invented() -> Result:
    """A small record in my own words: a market bombing, disputed toll, and a reprisal."""
    doc_a = DocumentOut(id="da", path="a.txt", title="Blast at market", source="North Wire",
                        url="https://example.org/blast", published=dt.date(2022, 2, 2),
                        published_basis="metadata")
    doc_b = DocumentOut(id="db", path="b.txt", title=None, source=None,
                        published=dt.date(2022, 2, 3), published_basis="text")
    loc = LocationOut(name="Gao", country="Mali", country_code="ML", admin1="Gao",
                      lat=16.27, lon=-0.04, precision=1)
    group = Entity(id="ent-g", name="Group X", kind="armed_group")
    army = Entity(id="ent-army", name="Military Forces of Mali", kind="state_forces")
    toll = FigureOut(value=11, low=8, high=11, status="conflict", rule="latest-official",
                     claims=[Claim(value=8, doc_id="da", quote="eight shoppers",
                                   attributed_to="the governor"),
                             Claim(value=11, doc_id="db", quote="eleven dead",
                                   attributed_to="hospital staff")])
    bombing = Event(
        id="ev_bomb", event_type="Explosions/Remote violence",
        sub_event_type="Remote explosive/landmine/IED", political=True,
        date=DateOut(start=dt.date(2022, 2, 1), end=dt.date(2022, 2, 1), precision="day"),
        location=loc, actors=[ActorRef(entity_id="ent-g", name="Group X", role="perpetrator")],
        figures={"fatalities": toll}, summary="", confidence=0.9, weapons=["car bomb"],
        mentions=[MentionOut(doc_id="da", quote="A car bomb killed eight shoppers in Gao",
                             start=0, end=39),
                  MentionOut(doc_id="db", quote="eleven dead after the Gao blast", start=0,
                             end=31)])
    reprisal = Event(
        id="ev_raid", event_type="Battles", sub_event_type="Armed clash", political=True,
        date=DateOut(start=dt.date(2022, 2, 2), end=dt.date(2022, 2, 2), precision="day"),
        location=loc, actors=[ActorRef(entity_id="ent-army", name=army.name,
                                       role="perpetrator")],
        figures={}, summary="", confidence=0.7,
        mentions=[MentionOut(doc_id="db", quote="troops raided the group's camp", start=40,
                             end=70)])
    rel = Relation(source="ev_raid", target="ev_bomb", type="retaliation_for",
                   evidence=[Evidence(doc_id="db", quote="in reply to the blast, troops raided")])
    return Result(documents=[doc_a, doc_b], entities=[group, army],
                  events=[reprisal, bombing], relations=[rel])


def test_format_date() -> None:
    d = dt.date
    assert format_date(d(2020, 3, 11), d(2020, 3, 11), "day") == "on 11 March 2020"
    assert format_date(d(2019, 11, 1), d(2019, 11, 30), "month") == "in November 2019"
    assert format_date(d(2020, 3, 11), d(2020, 3, 12), "day") == "between 11 and 12 March 2020"
    assert format_date(d(2020, 1, 1), d(2020, 12, 31), "year") == "in 2020"


def test_briefing_from_structured_fields_only() -> None:
    brief = build(_invented())
    first, second = brief.events
    assert first.event.id == "ev_bomb" and first.n == 1  # in date order
    # the summary says only what the fields hold, with citations to both documents
    assert first.summary == (
        "Remote explosive/landmine/IED in Gao, Mali on 1 February 2022, by Group X. "
        "11 killed (sources disagree: 8 to 11). Weapons reported: car bomb. "
        "Reported in 2 documents [1][2].")
    (dispute,) = first.disputes
    assert [s.value for s in dispute.sides] == ["8", "11"]
    assert [q.who for s in dispute.sides for q in s.quotes] == ["the governor", "hospital staff"]
    # without the article texts, the mention's words stand around the claim
    assert dispute.sides[0].quotes[0].text == "A car bomb killed eight shoppers in Gao"
    assert [(lk.source.n, lk.label, lk.target.n) for lk in brief.links] == [
        (2, "retaliation for", 1)]
    assert second.reacts_to[0].target is first


def test_sentence_context_from_texts() -> None:
    result = _invented()
    text = "Police said so. A car bomb killed eight shoppers in Gao on Tuesday. More later."
    result.events[1].mentions[0].start = text.index("A car")
    result.events[1].mentions[0].end = text.index("A car") + 39
    brief = build(result, texts={"da": text})
    quote = brief.events[0].disputes[0].sides[0].quotes[0]
    assert quote.text == "A car bomb killed eight shoppers in Gao on Tuesday."
    assert quote.highlight == "eight shoppers"


def test_html_and_markdown_of_a_small_record() -> None:
    brief = build(_invented())
    html = render_html(brief, title="Test briefing")
    _assert_offline(html)
    assert 'href="https://example.org/blast"' in html  # a plain citation link
    assert 'class="disagree"' in html and "<mark>eleven dead</mark>" in html
    assert "hospital staff" in html and "the governor" in html
    assert html.count('class="marker"') == 2
    assert 'data-type="retaliation_for"' in html
    md = render_markdown(brief, map_file="x.map.svg")
    assert "> **Sources disagree: killed**" in md
    assert "**eleven dead**" in md and "![Map" in md
    assert "1. **Blast at market** \u2014 North Wire, 2022-02-02 <https://example.org/blast>" in md


# --- basemap ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outlines() -> dict:
    if not basemap.available():
        _need("world-atlas", "country outlines not installed (run `npm ci`)")
    return basemap.countries()


def test_countries_decode_to_valid_polygons(outlines: dict) -> None:
    feats = {f["properties"]["name"]: f for f in outlines["features"]}
    assert len(feats) > 170
    iraq = shapely.geometry.shape(feats["Iraq"]["geometry"])
    assert iraq.is_valid and feats["Iraq"]["id"] == "368"
    assert feats["Iraq"]["properties"]["iso_a2"] == "IQ"
    assert iraq.contains(shapely.geometry.Point(44.4, 33.3))  # Baghdad
    assert not iraq.contains(shapely.geometry.Point(51.4, 35.7))  # Tehran
    assert shapely.geometry.shape(feats["Iran"]["geometry"]).contains(
        shapely.geometry.Point(51.4, 35.7))


def test_svg_paths_for_a_bounding_box(outlines: dict) -> None:
    bbox = basemap.fit_bbox([(44.26, 33.52), (40.92, 34.45)])
    paths = basemap.svg_paths(bbox, 600, 400)
    names = {p.name for p in paths}
    assert {"Iraq", "Syria", "Iran"} <= names
    assert "Brazil" not in names and "Australia" not in names
    assert sum(len(p.d) for p in paths) < 20_000  # small enough to inline
    proj = basemap.Projection(bbox, 600, 400)
    x, y = proj.xy(44.26, 33.52)
    assert 0 < x < 600 and 0 < y < 400
    west, south, east, north = proj.view
    assert west <= bbox[0] and east >= bbox[2] and south <= bbox[1] + 1e-6


# --- the seeds -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_html(seeds_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "briefing.html"
    res = CliRunner().invoke(app, ["report", "--out-dir", str(seeds_store_dir),
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def _section(html: str, heading: str) -> str:
    m = re.search(r'<article class="event"[^>]*>(?:(?!</article>).)*?<h3>'
                  + re.escape(heading) + r"</h3>.*?</article>", html, re.S)
    assert m, heading
    return m.group(0)


def test_seeds_briefing_html(seeds_html: Path) -> None:
    html = seeds_html.read_text("utf-8")
    _assert_offline(html)
    # the map: outlines when installed, one marker per located event
    assert html.count('class="marker"') >= 10
    if basemap.available():
        assert "<title>Iraq</title>" in html
    # the 11 March attack on Camp Taji with its disputed rocket count, both sides quoted
    taji = _section(html, "Shelling/artillery/missile attack, Camp Taji")
    assert "on 11 March 2020" in taji
    box = re.search(r'<div class="disagree"><h4>Sources disagree: munitions fired</h4>'
                    r".*?</div></div>", taji, re.S)
    assert box, "no disagreement box for the munitions fired"
    sides = dict(re.findall(r'<div class="side"><b>([^<]+)</b>(.*?)</div>', box.group(0),
                            re.S))
    assert {"30", "57"} <= set(sides)
    assert "<mark>30 rockets</mark>" in sides["30"] and "Milley" in sides["30"]
    assert "<mark>57 rockets</mark>" in sides["57"] and "another official" in sides["57"]
    assert "The record keeps 57" in box.group(0)
    # figures with best / low / high
    assert re.search(r"<td>munitions fired</td><td><b>57</b></td><td>30</td><td>57</td>", taji)
    # the chain: the US strikes of 13 March are drawn as retaliation for it
    assert 'data-type="retaliation_for"' in html
    assert re.search(r"retaliation for</span> <a href=\"#event-[^\"]+\">E\d+</a> "
                     r"Shelling/artillery/missile attack, Camp Taji", html)


def test_seeds_briefing_markdown(seeds_store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "briefing.md"
    res = CliRunner().invoke(app, ["report", "--out-dir", str(seeds_store_dir),
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    md = out.read_text("utf-8")
    svg = (tmp_path / "briefing.map.svg").read_text("utf-8")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "](briefing.map.svg)" in md
    assert "> **Sources disagree: munitions fired**" in md
    assert "**57 rockets**" in md and "**30 rockets**" in md
    assert "*retaliation for* E" in md


def test_report_usage_errors(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "b.pdf")])
    assert res.exit_code == 2 and "must end in .html or .md" in res.output
    res = CliRunner().invoke(app, ["report", "--out-dir", str(tmp_path), "--db", "sqlite://",
                                   "--out", str(tmp_path / "b.html")])
    assert res.exit_code == 2 and "not both" in res.output


def test_seeds_briefing_renders_in_chromium(seeds_html: Path, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        _need("chromium", f"{CHROMIUM} not installed (Debian package chromium)")
    shot = Path(os.environ.get("WIREDESK_SCREENSHOTS", tmp_path)) / "briefing.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    profile = tmp_path / "profile"
    subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", f"--user-data-dir={profile}", "--window-size=1100,1400",
         f"--screenshot={shot}", seeds_html.as_uri()],
        check=True, capture_output=True, timeout=120)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 50_000  # a page with a map, not a blank one
    shutil.rmtree(profile, ignore_errors=True)


def test_map_without_outlines_draws_a_graticule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(basemap, "data_dir", lambda: None)
    basemap.countries.cache_clear()
    try:
        with pytest.raises(basemap.BasemapNotFound, match="npm ci"):
            basemap.countries()
        html = render_html(build(_invented()))
    finally:
        basemap.countries.cache_clear()
    _assert_offline(html)
    assert 'class="graticule"' in html and "Country outlines not installed" in html
    assert html.count('class="marker"') == 2
