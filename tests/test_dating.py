"""Document dates: metadata, datelines, crawl headers, and inference across documents."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from seedfacts import SHARED

from wiredesk.dating import document_date, infer_dates, parse_date

SEEDS = SHARED / "seeds"
NEWS_CLUSTER = SHARED / "data" / "news_cluster"
D = dt.date


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    return {f.name[:3]: f.read_text(encoding="utf-8") for f in sorted(SEEDS.glob("*.txt"))}


def test_dateline_at_the_top(seeds: dict[str, str]) -> None:
    assert document_date(seeds["000"]) == (D(2020, 3, 11), "text")  # " date 2020-03-11 BAGHDAD –"


def test_crawl_header_months_later_is_rejected(seeds: dict[str, str]) -> None:
    # "Tuesday, August 04, 2020" above a story dated "Mar 13. 2020" that tells of March
    assert document_date(seeds["002"]) == (D(2020, 3, 13), "text")


def test_photo_caption_date_and_weekdays(seeds: dict[str, str]) -> None:
    # only a caption date ("Thursday, March 12, 2020"); the story's "early Friday" and
    # "Wednesday" place it on Friday the 13th
    assert document_date(seeds["003"]) == (D(2020, 3, 13), "text")


def test_print_section_footer(seeds: dict[str, str]) -> None:
    assert document_date(seeds["004"]) == (D(2020, 3, 29), "text")  # "A Section on 03/29/2020"


def test_undated_article(seeds: dict[str, str]) -> None:
    assert document_date(seeds["001"]) == (None, "unknown")


def test_metadata_wins_in_any_common_format(seeds: dict[str, str]) -> None:
    for raw in (
        "2020-03-11",
        "2020-03-11T22:15:00Z",
        "2020-03-11 22:15:00",
        "20200311",
        "March 11, 2020",
        "Wed, 11 Mar 2020 22:15:00 GMT",
        "11 March 2020",
        "03/11/2020",
        "Wednesday, March 11, 2020 10:15 PM",
    ):
        assert document_date(seeds["002"], raw) == (D(2020, 3, 11), "metadata"), raw
    # day-first when the first field cannot be a month
    assert parse_date("29/03/2020") == D(2020, 3, 29)
    assert parse_date("") is None
    # unreadable metadata falls back to the page
    assert document_date(seeds["004"], "n/a") == (D(2020, 3, 29), "text")


def test_undated_seed_inferred_from_the_others(seeds: dict[str, str]) -> None:
    dated = []
    undated = []
    for prefix, text in seeds.items():
        d, _basis = document_date(text)
        if d is None:
            undated.append((prefix, text))
        else:
            dated.append((prefix, text, d))
    assert [u[0] for u in undated] == ["001"]
    assert infer_dates(undated, dated) == {"001": D(2020, 3, 14)}


def test_inference_needs_evidence(seeds: dict[str, str]) -> None:
    assert infer_dates([("001", seeds["001"])], []) == {}
    # a text with no weekday or relative day reference cannot be placed
    no_refs = "The ministry published its annual report on rocket attacks."
    assert infer_dates([("x", no_refs)], [("002", seeds["002"], D(2020, 3, 13))]) == {}


def test_news_cluster_metadata_dates_parse() -> None:
    """news-please's date_publish strings parse to the date they state."""
    if not NEWS_CLUSTER.is_dir():
        pytest.skip(f"news cluster corpus not found at {NEWS_CLUSTER}")
    n = 0
    for path in sorted(NEWS_CLUSTER.glob("*.json"))[:60]:
        rec = json.loads(path.read_text(encoding="utf-8"))
        raw = rec.get("date_publish")
        if not raw or raw == "None":
            continue
        d, basis = document_date(rec.get("text") or "", raw)
        assert basis == "metadata"
        assert d is not None and d.isoformat() == raw[:10]
        n += 1
    assert n > 20


def test_datelines_of_raw_news_pages() -> None:
    """Event StoryLine keeps each page's raw header (address, title, dateline) and its DCT.

    The forms met there include a "Published:" label, a "Posted" date above an
    "Updated" one, two-digit years with a clock time, dotted day-first dates, a date
    joined to its year by a hyphen, and dates inside the page address.
    """
    esl = SHARED / "data" / "eventstoryline"
    if not esl.is_dir():
        pytest.skip(f"Event StoryLine corpus not found at {esl}")
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from timex_eval import load

    docs = load(esl, "esl")
    assert len(docs) > 100
    got = [(document_date(a.text)[0], a.anchor) for a in docs]
    near = sum(d is not None and abs((d - g).days) <= 1 for d, g in got)
    wrong = sum(d is not None and abs((d - g).days) > 1 for d, g in got)
    assert near / len(got) >= 0.85, near / len(got)
    assert wrong / len(got) <= 0.04, wrong / len(got)


def test_dateline_forms() -> None:
    """Each dateline form on its own (text written for this test)."""
    story = "\nA storm flooded the valley on Monday, the mayor said.\n"
    cases = {
        "Posted 04/06/2009 9:15 AM\nUpdated 04/06/2009 6:02 PM\nValley floods" + story: D(
            2009, 4, 6
        ),
        "First Posted: 04/06/09 08:10 PM ET Updated: 06/12/09 01:00 AM ET" + story: D(2009, 4, 6),
        "Report filed on 06.04.2009\nValley floods" + story: D(2009, 4, 6),
        "Monday, April 6-2009 at 10:40\nValley floods" + story: D(2009, 4, 6),
        "Valley floods\nPublished: April 6, 2009" + story: D(2009, 4, 6),
    }
    for text, want in cases.items():
        assert document_date(text) == (want, "text"), text


def test_inference_among_many_unrelated_documents(seeds: dict[str, str]) -> None:
    """The undated seed is still placed when the run holds many other stories.

    Each undated document is compared only with the dated documents nearest in
    vocabulary, so the Camp Taji reports must still be found among a hundred-odd
    unrelated, dated news-please articles.
    """
    if not NEWS_CLUSTER.is_dir():
        pytest.skip(f"news cluster corpus not found at {NEWS_CLUSTER}")
    dated = [(p, t, d) for p, t in seeds.items() if (d := document_date(t)[0]) is not None]
    for path in sorted(NEWS_CLUSTER.glob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        published = parse_date(str(rec.get("date_publish") or ""))
        if published is not None and rec.get("text"):
            dated.append((path.name, rec["text"], published))
    assert len(dated) > 100
    assert infer_dates([("001", seeds["001"])], dated) == {"001": D(2020, 3, 14)}


def test_wire_datelines_of_gvdb_articles() -> None:
    """Gun Violence Database pages open with datelines read as the page's date.

    "PLACE, St. (Jan. 8, 2016)– Police say..." and "Monday, December 15, 2014 AUBURN,
    Alabama --" date the page; a date told in the story's first sentence ("was shot to
    death on Tuesday, March 31, 2015, near...") does not.
    """
    import csv

    tsv = SHARED / "data" / "gvdb" / "dev.tsv"
    if not tsv.is_file():
        pytest.skip(f"Gun Violence Database articles not found at {tsv}")
    csv.field_size_limit(1 << 30)
    with tsv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    paren = re.compile(r"^[A-Z][A-Z .]+(?:, [A-Z][a-z]+\.)? \(\s*([A-Za-z]+\.? \d{1,2},? \d{4})\)")
    sentence = re.compile(
        r"\b(?:shot|killed|died)\b[^.\n]{0,40}?\bon ([A-Z][a-z]+day, [^.\n]+?\d{4})"
    )
    dated = with_paren = in_sentence = 0
    for row in rows:
        title, text = row["Article title"], row["Full text"]
        if title and text.startswith(title):
            text = title + "\n" + text[len(title) :]
        got, basis = document_date(text, None, title or None)
        dated += got is not None
        body = text.split("\n", 1)[-1]
        m = paren.match(body)
        if m:
            with_paren += 1
            assert (got, basis) == (parse_date(m[1]), "text"), body[:80]
        s = sentence.search(text[:300])
        if s and not m:
            in_sentence += 1
            assert got != parse_date(s[1]), text[:300]
    assert with_paren >= 20 and in_sentence >= 1, (with_paren, in_sentence)
    assert dated >= 30, dated  # 14 of 400 before datelines were read
