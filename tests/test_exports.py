"""Exports: ACLED- and UCDP GED-style CSV, GeoJSON and JSON Lines, from a store of the
seeds (read back with pandas and shapely) and from small records written here."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest
import shapely.geometry
from typer.testing import CliRunner

from wiredesk.cli import app
from wiredesk.models import (
    ActorRef,
    Claim,
    DateOut,
    DocumentOut,
    Entity,
    Event,
    FigureOut,
    LocationOut,
    MentionOut,
    Result,
)
from wiredesk.outputs import EXPORT_FORMATS, iter_export, write_export
from wiredesk.outputs import acled as acled_mod
from wiredesk.outputs import ucdp as ucdp_mod
from wiredesk.store import Store

TAJI = "Camp Taji"


def _event(eid: str, etype: str, sub: str, actors: list[ActorRef],
           fatalities: FigureOut | None, loc: LocationOut | None,
           start: dt.date = dt.date(2021, 5, 4), end: dt.date | None = None) -> Event:
    return Event(
        id=eid, event_type=etype, sub_event_type=sub, political=True,
        date=DateOut(start=start, end=end or start, precision="day"), location=loc,
        actors=actors, figures={"fatalities": fatalities} if fatalities else {},
        summary="made up for a test", confidence=0.8,
        mentions=[MentionOut(doc_id="d1", quote="an invented sentence", start=0, end=20)])


def _small_result() -> Result:
    """Two invented events: gunmen shooting villagers, and an army raid on a militia."""
    loc = LocationOut(name="Kidal", country="Mali", country_code="ML", admin1="Kidal",
                      lat=18.44, lon=1.41, precision=1)
    gunmen = Entity(id="ent-gunmen", name="Unidentified gunmen", kind="armed_group")
    villagers = Entity(id="ent-civ", name="Civilians (Mali)", kind="civilians")
    army = Entity(id="ent-army", name="Military Forces of Mali", kind="state_forces")
    fig = FigureOut(value=7, low=5, high=None, status="conflict", claims=[
        Claim(value=5, doc_id="d1", quote="five villagers", attributed_to="a mayor"),
        Claim(value=9, low=9, high=9, doc_id="d1", quote="nine people",
              attributed_to="a nurse"),
    ])
    one_sided = _event("ev_a", "Violence against civilians", "Attack", [
        ActorRef(entity_id=gunmen.id, name=gunmen.name, role="perpetrator"),
        ActorRef(entity_id=villagers.id, name=villagers.name, role="victim")], fig, loc)
    raid = _event("ev_b", "Battles", "Armed clash", [
        ActorRef(entity_id=gunmen.id, name=gunmen.name, role="perpetrator"),
        ActorRef(entity_id=army.id, name=army.name, role="target")], None, loc,
        start=dt.date(2021, 5, 1), end=dt.date(2021, 5, 3))
    march = _event("ev_c", "Protests", "Peaceful protest", [], None, None)
    doc = DocumentOut(id="d1", path="a.txt", title="Invented headline", source="Test Wire",
                      published=dt.date(2021, 5, 5), published_basis="metadata")
    return Result(documents=[doc], entities=[gunmen, villagers, army],
                  events=[one_sided, raid, march])


def test_priogrid_and_precisions() -> None:
    # PRIO-GRID numbers 0.5-degree cells row by row from (-180, -90), starting at 1.
    assert ucdp_mod.priogrid_gid(-89.9, -179.9) == 1
    assert ucdp_mod.priogrid_gid(-89.9, 179.9) == 720
    assert ucdp_mod.priogrid_gid(33.52, 44.26) == 247 * 720 + 448 + 1
    result = _small_result()
    assert ucdp_mod.date_prec(result.events[0]) == 1
    assert ucdp_mod.date_prec(result.events[1]) == 2  # three days
    assert ucdp_mod.ucdp_region("ML") == "Africa"
    assert ucdp_mod.ucdp_region("IQ") == "Middle East"


def test_ucdp_rows_on_a_small_record() -> None:
    result = _small_result()
    rows = list(ucdp_mod.ucdp_rows(result.events, {e.id: e for e in result.entities},
                                   {d.id: d for d in result.documents}))
    assert [r["id"] for r in rows] == ["ev_a", "ev_b"]  # the protest is not GED's business
    one_sided, clash = rows
    assert one_sided["type_of_violence"] == 3
    assert one_sided["deaths_civilians"] == 7 and one_sided["deaths_unknown"] == 0
    # an open range: the highest figure any source gave is the high estimate
    assert (one_sided["low"], one_sided["best"], one_sided["high"]) == (5, 7, 9)
    assert one_sided["source_original"] == "a mayor; a nurse"
    # state-based: the state is side A even when the report has it as the target
    assert clash["type_of_violence"] == 1
    assert clash["side_a"] == "Military Forces of Mali"
    assert clash["side_b"] == "Unidentified gunmen"
    assert clash["best"] == clash["low"] == clash["high"] == 0
    assert clash["geom_wkt"] == "POINT (1.410000 18.440000)"


def test_streamed_chunks_equal_the_written_file(tmp_path: Path) -> None:
    result = _small_result()
    for fmt in EXPORT_FORMATS:
        chunks = list(iter_export(result, fmt, timestamp=0))
        assert len(chunks) > 1, fmt  # a header or opening first, then one per record
        path = write_export(result, fmt, tmp_path / f"x.{fmt}")
        if fmt != "acled":  # ACLED's timestamp column is the time of writing
            assert path.read_text("utf-8") == "".join(chunks)
    with pytest.raises(ValueError, match="unknown export format"):
        iter_export(result, "xlsx")


# --- on the seeds --------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_result(seeds_store_dir: Path) -> Result:
    return Store(f"sqlite:///{seeds_store_dir / 'wiredesk.sqlite'}").load_merged()


def _taji_event(result: Result) -> Event:
    return next(e for e in result.events if e.location and e.location.name == TAJI
                and e.date and e.date.start == dt.date(2020, 3, 11))


def test_acled_csv_reads_back_with_pandas(seeds_store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "acled.csv"
    res = CliRunner().invoke(app, ["export", "--format", "acled", "--out-dir",
                                   str(seeds_store_dir), "--out", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out)
    assert list(df.columns) == acled_mod.COLUMNS
    assert pd.api.types.is_integer_dtype(df["fatalities"])
    assert pd.api.types.is_float_dtype(df["latitude"])
    assert pd.api.types.is_numeric_dtype(df["year"])
    assert pd.to_datetime(df["event_date"], format="%Y-%m-%d").notna().sum() >= len(df) - 2
    taji = df[(df["location"] == TAJI) & (df["event_date"] == "2020-03-11")]
    assert len(taji) == 1
    row = taji.iloc[0]
    assert row["fatalities"] == 3
    assert row["country"] == "Iraq" and row["iso"] == 368
    assert "Sources disagree on munitions fired" in row["notes"]


def test_ucdp_csv_reads_back_with_pandas(seeds_store_dir: Path, seeds_result: Result,
                                         tmp_path: Path) -> None:
    out = tmp_path / "ged.csv"
    res = CliRunner().invoke(app, ["export", "-f", "ucdp", "--out-dir", str(seeds_store_dir),
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out)
    assert list(df.columns) == ucdp_mod.COLUMNS
    for col in ("year", "type_of_violence", "best", "low", "high", "deaths_unknown",
                "deaths_civilians", "number_of_sources", "where_prec", "date_prec"):
        assert pd.api.types.is_integer_dtype(df[col]), col
    for col in ("latitude", "longitude"):
        assert pd.api.types.is_float_dtype(df[col]), col
    assert pd.to_datetime(df["date_start"], format="%Y-%m-%d").notna().all()
    assert ((df["low"] <= df["best"]) & (df["best"] <= df["high"])).all()
    assert (df["best"] == df[["deaths_a", "deaths_b", "deaths_civilians",
                              "deaths_unknown"]].sum(axis=1)).all()
    assert set(df["type_of_violence"]) <= {1, 2, 3}
    violent = [e for e in seeds_result.events if e.event_type in ucdp_mod.VIOLENT_TYPES]
    assert len(df) == len(violent)  # protests, riots and announcements are left out
    taji = df[df["id"] == _taji_event(seeds_result).id].iloc[0]
    assert taji["best"] == 3 and taji["type_of_violence"] == 1
    assert taji["number_of_sources"] == 5
    assert taji["region"] == "Middle East" and taji["country"] == "Iraq"


def test_geojson_loads_in_shapely(seeds_store_dir: Path, seeds_result: Result,
                                  tmp_path: Path) -> None:
    out = tmp_path / "events.geojson"
    res = CliRunner().invoke(app, ["export", "-f", "geojson", "--out-dir",
                                   str(seeds_store_dir), "--out", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text("utf-8"))
    assert data["type"] == "FeatureCollection"
    located = [e for e in seeds_result.events if e.location]
    assert len(data["features"]) == len(located)
    region = shapely.geometry.box(35, 25, 50, 40)  # Iraq, Syria and around
    for feat in data["features"]:
        geom = shapely.geometry.shape(feat["geometry"])
        assert geom.geom_type == "Point" and geom.within(region), feat["properties"]
    taji = next(f for f in data["features"] if f["id"] == _taji_event(seeds_result).id)
    assert taji["properties"]["munitions_fired_status"] == "conflict"


def test_jsonl_one_event_per_line(seeds_store_dir: Path, seeds_result: Result) -> None:
    res = CliRunner().invoke(app, ["export", "-f", "jsonl", "--out-dir", str(seeds_store_dir),
                                   "--out", "-"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert len(lines) == len(seeds_result.events)
    records = [json.loads(line) for line in lines]
    taji_id = _taji_event(seeds_result).id
    taji = next(r for r in records if r["id"] == taji_id)
    assert Event.model_validate({k: v for k, v in taji.items()
                                 if k not in ("documents", "relations")}).id == taji_id
    assert len(taji["documents"]) == 5
    assert {d["published"] for d in taji["documents"]} >= {"2020-03-11", "2020-03-13"}
    # the US strikes of 13 March are tied to it as retaliation
    assert any(r["type"] == "retaliation_for" and r["target"] == taji_id
               for r in taji["relations"])
    # pandas reads the same lines
    df = pd.read_json(io.StringIO(res.stdout), lines=True)
    assert len(df) == len(records)


def test_export_usage_errors(tmp_path: Path, seeds_store_dir: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["export", "-f", "xlsx", "--out-dir", str(seeds_store_dir),
                              "--out", "-"])
    assert res.exit_code == 2 and "unknown format" in res.output
    res = runner.invoke(app, ["export", "-f", "ucdp", "--out-dir", str(tmp_path / "none"),
                              "--out", "-"])
    assert res.exit_code == 2 and "holds no wiredesk.sqlite" in res.output
    assert not (tmp_path / "none").exists()  # nothing was created on the way


def test_events_json_streamed_is_the_same_text_as_dumped_whole(seeds_dir: Path) -> None:
    """events.json is written item by item (a large store's view is not held twice);
    the text must be what dumping the whole result at once gives."""
    from wiredesk import outputs, pipeline

    result = pipeline.run([str(seeds_dir)])
    whole = json.dumps(result.to_json_dict(), indent=2, ensure_ascii=False) + "\n"
    assert "".join(outputs.iter_events_json(result)) == whole
    assert json.loads("".join(outputs.iter_events_json(type(result)())))["events"] == []


def test_outputs_streamed_from_the_store_are_those_of_the_view_in_memory(
        seeds_store_dir: Path, tmp_path: Path) -> None:
    """A run writes its outputs from the store a page of events at a time (memory stays
    bounded on a large store); the files must be those the whole view in memory gives,
    whatever the page size."""
    from wiredesk import outputs
    from wiredesk.outputs import view
    from wiredesk.store import default_url

    store = Store(default_url(seeds_store_dir))
    try:
        result = store.load_merged()
        assert result.events and result.relations and result.stories
        outputs.write_all(result, tmp_path / "memory")
        old_page = view.PAGE
        view.PAGE = 2  # several pages, each with its own entities and documents
        try:
            outputs.write_all(store, tmp_path / "store")
            exports = {fmt: "".join(outputs.iter_export(store, fmt, timestamp=1))
                       for fmt in outputs.EXPORT_FORMATS}
        finally:
            view.PAGE = old_page
    finally:
        store.close()
    for name in ("events.json", "events.geojson"):
        assert (tmp_path / "store" / name).read_bytes() == (tmp_path / "memory" / name).read_bytes()
        assert (tmp_path / "store" / name).read_bytes() == (seeds_store_dir / name).read_bytes()
    frames = [pd.read_csv(tmp_path / d / "events.csv").drop(columns="timestamp")
              for d in ("memory", "store")]
    assert len(frames[0]) == len(result.events)
    pd.testing.assert_frame_equal(frames[0], frames[1])
    assert frames[1]["source"].notna().all() and (frames[1]["actor1"].notna()).any()
    for fmt, text in exports.items():  # `wiredesk export` reads the store the same way
        assert text == "".join(outputs.iter_export(result, fmt, timestamp=1)), fmt
    assert any(json.loads(line)["relations"] for line in exports["jsonl"].splitlines())
