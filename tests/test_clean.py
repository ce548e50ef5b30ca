"""Cleaning on real pages: the seeds lose their furniture and keep all their reporting."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from wiredesk.clean import clean_text, html_to_article, is_furniture_line
from wiredesk.ingest import guess_title

# Furniture that must not survive anywhere in a cleaned seed: generic phrases of page
# furniture (share buttons, sign-up prompts, comment systems, list headers, labels).
FURNITURE = [
    r"\bFacebook\s+Twitter\b",
    r"(?i)\bsign\s*up\b",
    r"(?i)\bnewsletters?\b",
    r"(?i)daily e-?mail",
    r"(?i)commenting system",
    r"(?i)internet explorer|microsoft edge|google chrome",
    r"(?im)^\s*more in \w+\s*$",
    r"(?i)editor.s picks",
    r"(?im)^\s*top news\s*$",
    r"(?i)author picture",
    r"(?i)today'?s paper",
    r"(?i)print headline",
    r"(?i)sponsor(?:ed)? content",
    r"(?i)twitter:\s*@",
    r"(?m)^\s*By [A-Z].*·",
    r"(?i)\bthis photo\b",
    r"(?i)contributed (?:reporting|by)|reported from \w+ and",
    r"(?m)^\s*(?:date\s+)?\d{4}-\d{2}-\d{2}\b",
]

# A date-only line: weekday/month names, numbers and separators, nothing else.
DATE_ONLY = re.compile(
    r"(?im)^\s*(?:(?:mon|tue|wed|thu|fri|sat|sun)\w*,?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug"
    r"|sep|oct|nov|dec)\w*\.?\s+\d{1,2}\s*[,.]?\s*\d{4}\s*$"
)

# The test's own rule for which raw lines are furniture rather than reporting, written
# independently of the cleaner: a line is furniture when it
#   - has fewer than 6 words or no sentence ending (labels, bars, headers, headlines), or
#   - is a photo description (starts with "This photo" / "A photo" ...), or
#   - addresses the reader about e-mail, sign-up, browsers or commenting, or
#   - is a credit line ("... contributed ...", "... reported from X and Y from Z."), or
#   - opens with a one- or two-word capitalised label and a colon ("Read more: ..."), or
#   - is the paragraph right after an "author picture" marker (a bio).
# Every spaCy sentence of every other line must survive, after the test also drops a
# trailing "Twitter: @handle" from the sentence (a tail glued to the last paragraph).
_READER = re.compile(r"(?i)\b(?:sign up|e-?mail|newsletter|browser|commenting|you're)\b")
_CREDIT = re.compile(r"(?i)\bcontributed\b|^\S+(?: \S+){0,3} reported from \w+")
_PHOTO = re.compile(r"(?i)^(?:this|a|an|the)\s+(?:photo|image|picture)\b")
_HANDLE_TAIL = re.compile(r"\s*Twitter:\s*@\w+\s*$")
_LABEL = re.compile(r"^[A-Z][a-z]+(?: [A-Z][a-z]+)?:\s")


def _reporting_lines(raw: str) -> list[str]:
    lines = [ln.strip() for ln in raw.splitlines() if ln.strip()]
    out: list[str] = []
    after_marker = False
    for ln in lines:
        if after_marker:
            after_marker = False
            continue
        if ln.lower() == "author picture":
            after_marker = True
            continue
        ended = re.search(r"[.!?”\"]$", _HANDLE_TAIL.sub("", ln))
        if len(ln.split()) < 6 or not ended:
            continue
        if _PHOTO.match(ln) or _READER.search(ln) or _CREDIT.search(ln) or _LABEL.match(ln):
            continue
        out.append(ln)
    return out


def _seed_files(seeds_dir: Path) -> list[Path]:
    files = sorted(seeds_dir.glob("*.txt"))
    if not files:
        pytest.skip(f"no seed files in {seeds_dir}")
    return files


def _clean_seed(path: Path) -> tuple[str, str]:
    raw = path.read_text(encoding="utf-8")
    return raw, clean_text(raw, title=guess_title(raw)).text


def test_no_furniture_survives_in_seeds(seeds_dir: Path) -> None:
    for path in _seed_files(seeds_dir):
        _, cleaned = _clean_seed(path)
        for pattern in FURNITURE:
            m = re.search(pattern, cleaned)
            assert m is None, f"{path.name}: furniture {m.group(0)!r} survived"
        assert DATE_ONLY.search(cleaned) is None, f"{path.name}: a date-only line survived"


def test_every_reporting_sentence_survives_in_seeds(seeds_dir: Path, nlp: Any) -> None:
    total = 0
    for path in _seed_files(seeds_dir):
        raw, cleaned = _clean_seed(path)
        for line in _reporting_lines(raw):
            for sent in nlp(line).sents:
                text = _HANDLE_TAIL.sub("", sent.text).strip()
                # A date label glued before the dateline is furniture, not reporting.
                text = re.sub(r"^date \d{4}-\d{2}-\d{2}\s+", "", text)
                if not text:
                    continue
                total += 1
                assert text in cleaned, f"{path.name}: lost sentence {text!r}"
    assert total > 100  # the five seeds hold well over a hundred reporting sentences


def test_cleaned_seed_lines_are_verbatim(seeds_dir: Path) -> None:
    """Characters are never rewritten: every kept line is a piece of the raw text."""
    for path in _seed_files(seeds_dir):
        raw, cleaned = _clean_seed(path)
        for line in cleaned.split("\n"):
            assert line in raw, f"{path.name}: rewritten line {line[:60]!r}"


def test_removed_pieces_are_reported(seeds_dir: Path) -> None:
    files = _seed_files(seeds_dir)
    removed = [r for p in files for r in clean_text(p.read_text(encoding="utf-8")).removed]
    kinds = {is_furniture_line(r) for r in removed}
    assert {"social", "navigation", "newsletter", "comments", "byline", "date"} <= kinds


def test_paragraph_breaks_are_kept(seeds_dir: Path) -> None:
    path = sorted(seeds_dir.glob("002_*.txt"))
    if not path:
        pytest.skip("seed 002 not found")
    _, cleaned = _clean_seed(path[0])
    assert "\n\n" in cleaned
    assert not cleaned.startswith("\n") and "\n\n\n" not in cleaned


def test_title_repeated_at_top_is_dropped() -> None:
    text = "Flood waters rise in river valley\n\nWater rose two metres overnight, officials said."
    out = clean_text(text, title="Flood waters rise in river valley")
    assert out.text == "Water rose two metres overnight, officials said."
    assert out.removed == ["Flood waters rise in river valley"]


def test_short_paragraphs_quotes_and_by_sentences_stay() -> None:
    text = (
        "Gunmen attacked a checkpoint on the road to the airport, the ministry said.\n\n"
        "He declined.\n\n"
        '"We will not leave," said one resident.\n\n'
        "By Friday, the toll had risen to nine.\n\n"
        "Information for this article was contributed by two staff reporters."
    )
    out = clean_text(text)
    for kept in (
        "He declined.",
        '"We will not leave," said one resident.',
        "By Friday, the toll had risen to nine.",
    ):
        assert kept in out.text
    assert "contributed" not in out.text
    assert out.removed == ["Information for this article was contributed by two staff reporters."]


def test_repeated_caption_goes_but_repeated_quote_keeps_one_copy() -> None:
    caption = "A photo released by the provincial police shows a burned car near the market."
    quote = '"Nobody expected an attack in daylight," the mayor told reporters on Monday.'
    text = "\n\n".join(
        [
            caption,
            caption + " (Provincial Police)",
            "Three people were hurt when a car exploded near the market on Monday.",
            quote,
            "Police sealed off the area.",
            quote,
        ]
    )
    out = clean_text(text)
    assert "photo" not in out.text
    assert out.text.count(quote) == 1
    assert "Police sealed off the area." in out.text


def test_html_page_to_clean_article() -> None:
    html = """<!doctype html><html><head>
    <title>Storm floods harbour town | The Coastal Courier</title>
    <meta property="og:site_name" content="The Coastal Courier">
    <meta property="article:published_time" content="2021-10-05T08:00:00Z">
    </head><body>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
    <li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav>
    <article>
    <h1>Storm floods harbour town</h1>
    <p>A storm pushed sea water into the streets of the harbour town on Monday night,
    forcing about 200 residents from their homes, the fire service said.</p>
    <p>Two fishermen were reported missing after their boat failed to return, according
    to the coastguard, which said the search would resume at first light.</p>
    <p>Facebook Twitter</p>
    <p>"The water came in faster than anyone had seen before," said a shop owner.</p>
    <p>Sign up for our morning newsletter to get the top stories in your inbox.</p>
    </article>
    <footer><p>Copyright 2021 The Coastal Courier</p></footer>
    </body></html>"""
    art = html_to_article(html, "page.html")
    assert art.is_html and art.path == "page.html"
    assert art.title == "Storm floods harbour town"
    assert art.source == "The Coastal Courier"
    assert art.published_raw is not None and art.published_raw.startswith("2021-10-05")
    out = clean_text(art.text, art.title)
    assert "forcing about 200 residents" in out.text
    assert "said a shop owner." in out.text
    assert "the search would resume at first light." in out.text
    assert "newsletter" not in out.text and "Facebook" not in out.text
    assert not out.text.startswith("Storm floods harbour town")


def test_bylines_and_datelines_go_reporting_stays() -> None:
    text = (
        "Jane Roe, Staff Writer\n\n"
        "Published: March 3, 2021 10:05 AM EST\n\n"
        "A bridge collapsed under a loaded truck on Tuesday, the transport ministry said.\n\n"
        "Enlarge this image toggle caption Jane Roe/Example Agency\n\n"
        "READ MORE: Another story about something else entirely\n\n"
        "Advertisement Continue reading the main story\n\n"
        "Two people were pulled from the river alive."
    )
    out = clean_text(text)
    assert out.text == (
        "A bridge collapsed under a loaded truck on Tuesday, the transport ministry said.\n\n"
        "Two people were pulled from the river alive."
    )
    assert len(out.removed) == 5


def test_gallery_page_keeps_its_captions() -> None:
    title = "Storm hits the coast"
    text = "\n".join(
        f"Photos: {title} {c} Hide Caption {i} of 2"
        for i, c in enumerate(
            [
                "Waves broke over the sea wall in the old town on Sunday.",
                "Rescue teams moved 40 families to a school on higher ground.",
            ],
            1,
        )
    )
    out = clean_text(text, title)
    assert out.text == (
        "Waves broke over the sea wall in the old town on Sunday.\n"
        "Rescue teams moved 40 families to a school on higher ground."
    )


def test_long_single_paragraph_article_is_never_dropped() -> None:
    # Whole articles flattened to one line must survive even with furniture words inside.
    body = " ".join(["Officials said the daily briefing was cancelled and you could not ask."] * 12)
    assert clean_text(body).text == body


def test_news_cluster_widgets_go_and_no_article_is_emptied(shared_dir: Path) -> None:
    folder = shared_dir / "data" / "news_cluster"
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        pytest.skip(f"no news_cluster articles in {folder}")
    widgets = re.compile(
        r"(?im)^(?:advertisement|continue reading the main story|scroll down for video|read more"
        r"|now playing:?|photo)$|^read more:|enlarge this image|hide caption \d+ of \d+"
    )
    for f in files:
        rec = json.loads(f.read_text(encoding="utf-8"))
        out = clean_text(rec["text"], rec.get("title"))
        assert out.text.strip(), f"{f.name}: cleaned to nothing"
        m = widgets.search(out.text)
        assert m is None, f"{f.name}: widget {m.group(0)!r} survived"


def test_scraping_leftovers_are_read_as_the_characters_they_stand_for(
        shared_dir: Path) -> None:
    # GVDB pages copied with their markup's "&#39;" and with soft hyphens ("Castor
    # Gar\u00addens"): the cleaned text has the apostrophe and the whole words
    import csv

    path = shared_dir / "data" / "gvdb" / "dev.tsv"
    if not path.exists():
        pytest.skip(f"GVDB not found at {path}")
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as fh:
        texts = [r["Full text"] for r in csv.DictReader(fh, delimiter="\t")]
    marked = [t for t in texts if "&#39;" in t][:3]
    hyphened = [t for t in texts if "\u00ad" in t][:3]
    if not marked or not hyphened:
        pytest.skip("no article with character references or soft hyphens in GVDB")
    for t in marked:
        out = clean_text(t).text
        assert "&#39;" not in out and "'" in out
    for t in hyphened:
        out = clean_text(t).text
        assert "\u00ad" not in out
        assert out.replace(" ", "") == clean_text(t.replace("\u00ad", "")).text.replace(" ", "")


def test_a_tag_list_run_into_the_text_goes_and_prose_stays() -> None:
    got = clean_text("Rebels shelled the town. Tags Syria Idlib shelling ceasefire Three "
                     "people were killed.")
    assert got.text == "Rebels shelled the town. Three people were killed."
    assert got.removed == ["Tags Syria Idlib shelling ceasefire"]
    # a list whose end no opener marks is kept rather than cut into the reporting; only
    # the word "Tags" goes ("Tags Syria" was an actor)
    text = "Rebels shelled the town. Tags Syria Idlib Warplanes carried out a strike."
    got = clean_text(text)
    assert got.text == text.replace("Tags ", "") and got.removed == ["Tags"]
    # the word in prose stays
    text = "The bodies were found. Tags on their wrists named them."
    assert clean_text(text).text == text
    # a list that ends its paragraph goes whole
    got = clean_text("Rebels shelled the town. Tags Syria Idlib shelling\n\nMore text.")
    assert got.text == "Rebels shelled the town.\n\nMore text."


def test_fakes_tag_lists_are_cut_where_the_reporting_starts() -> None:
    """FA-KES pages lost their line breaks, so the site's tag list runs into the first
    sentence ("Tags Syria Free Syrian Army ... Idlib The Sawaiq al-Rahman brigade
    announced ..."): 49 of the 107 lists are cut when measured, each right before the
    reporting; the rest, with no sure end, are left whole, and no reporting is lost."""
    from seedfacts import fakes_rows

    texts = [r["article_content"] for r in fakes_rows()]
    cut = 0
    for text in texts:
        got = clean_text(text)
        if "Tags" in got.removed:
            assert "Tags" not in got.text
            continue
        tags = [r for r in got.removed if r.startswith("Tags ")]
        if not tags:
            continue
        cut += 1
        (tag,) = tags
        assert len(tag.split()) <= 31
        after = text[text.index(tag) + len(tag):].split()[0]
        assert after[0].isupper() or after[0].isdigit(), (tag, after)
        assert not set(tag.lower().split()) & {"was", "were", "killed", "said", "that"}, tag
        assert len(got.text) >= len(text) - len(tag) - 400  # nothing else went
    assert cut >= 40


def test_a_link_list_run_into_the_last_paragraph_goes() -> None:
    text = ("Warplanes struck the town on Monday. Five people were killed, the monitor said. "
            "Source Reuters Related News Regime attacks kill 16 civilians in Idlib | Summit "
            "calls for a political solution Category News Cookie Policy")
    got = clean_text(text)
    assert got.text == ("Warplanes struck the town on Monday. Five people were killed, the "
                        "monitor said.")
    assert got.removed[0].startswith("Source Reuters Related News Regime attacks")
    # a box in mid-article with much reporting after it: the header is not an end
    body = "The army shelled the village, residents said. " * 60
    text = ("Rockets hit the market. Related Stories Two killed in Homs " + body)
    assert clean_text(text).text == text.strip()


def test_fakes_link_lists_at_the_foot_are_cut() -> None:
    """TRT World pages in FA-KES end in "Source AFP Related News <headlines> ... Cookie
    Policy" run into the last paragraph, Sputnik's in "... 55 Related <headlines>": every
    such list goes (47 when measured), nothing before it."""
    from seedfacts import fakes_rows

    cut = 0
    for row in fakes_rows():
        text = row["article_content"]
        got = clean_text(text)
        related = [r for r in got.removed
                   if re.match(r"(?:Source .{0,40}|\.\.\. \d+ (?:Topic .{0,80})?)?Related ", r)]
        assert "Related News" not in got.text
        if related:
            cut += 1
            assert text.index(related[0]) > 0 and got.text.endswith(
                text[:text.index(related[0])].rstrip()[-60:])
    assert cut >= 40


def test_a_photo_credit_and_linked_headline_run_into_the_text_go() -> None:
    text = ("The coalition killed two commanders. Sputnik Ivan Petrov Syrian Airstrikes Kill "
            "Over 100 Fighters in Hama Province WASHINGTON (Sputnik) The coalition said on "
            "Wednesday that the raid was a success.")
    got = clean_text(text)
    assert got.removed == ["Sputnik Ivan Petrov Syrian Airstrikes Kill Over 100 Fighters in "
                           "Hama Province"]
    assert got.text == ("The coalition killed two commanders. WASHINGTON (Sputnik) The "
                        "coalition said on Wednesday that the raid was a success.")
    # prose resumes at the capitalised word before the first word in lower case
    got = clean_text("Two died. REUTERS Jane Doe Explosion in Damascus Reuters reported that "
                     "the blast hit a police station.")
    assert got.text == "Two died. Reuters reported that the blast hit a police station."
    # the agency named in prose, or a byline's date, stays
    for text in ("Two died. Sputnik Arabic reported the blast.",
                 "Two died. AFP Friday 22 Jul 2016 rebels blew up a tunnel."):
        assert clean_text(text).text == text


def test_fakes_photo_credits_with_headlines_are_cut_before_the_reporting() -> None:
    """Sputnik pages in FA-KES carry "REUTERS <photographer> <linked headline>" in
    mid-text: each cut ends where the reporting resumes (a capitalised word, a quote or
    a dateline follows), and the page keeps all else (30 cuts when measured, and 4 more
    headlines whose credit is no agency's, cut before their dateline)."""
    from seedfacts import fakes_rows

    cuts = 0
    for row in fakes_rows():
        text = row["article_content"]
        got = clean_text(text)
        for piece in got.removed:
            if not re.match(r"(?:Sputnik|AP Photo|AFP|REUTERS|EPA|Getty)\b", piece):
                continue
            cuts += 1
            after = text[text.index(piece) + len(piece):].lstrip()
            assert after[0].isupper() or after[0] in "\"“", (piece, after[:40])
            assert len(piece.split()) <= 30
            assert not re.search(r"\b(?:was|were|said|has|have|had)\b", piece), piece
    assert cuts >= 25


def test_sputnik_page_head_goes_and_the_lead_keeps_its_numbers() -> None:
    got = clean_text("Army Kills 12 Militants REUTERS John Smith Middle East 1449 09.04.2017Get "
                     "short URL 0 85 12 militants were killed near the town.")
    assert got.text == "12 militants were killed near the town."
    got = clean_text("21.08.2013Get short URL 0 0 0 Government forces shelled the suburb.")
    assert got.text == "Government forces shelled the suburb."


def test_fakes_sputnik_heads_are_cut() -> None:
    """Every FA-KES page with Sputnik's share widget in its head loses the widget, its
    counters and what runs before it (the headline, photo credit and date), and starts
    with its lead (40 pages when measured)."""
    from seedfacts import fakes_rows

    pages = 0
    for row in fakes_rows():
        text = row["article_content"]
        if "Get short URL" not in text[:400]:
            continue
        pages += 1
        got = clean_text(text).text
        assert "short URL" not in got
        assert got[0].isupper() or got[0].isdigit(), got[:60]
        widget = re.search(r"Get short URL(?: Topic [^()]+\(\d+\))?", text)
        assert widget is not None
        assert text.index(got[:40]) - widget.end() < 15  # the lead follows the counters
    assert pages >= 35


def test_related_headlines_before_the_lead_go() -> None:
    text = ("AFP Friday 15 Aug 2014 Print Tweet Views 458 Related Court charges 43 men with "
            "smuggling Refugees stranded in mountains At least 22 people were killed Friday "
            "when a car bomb exploded, the monitor said.")
    got = clean_text(text)
    assert got.text.startswith("AFP Friday 15 Aug 2014 At least 22 people were killed")
    assert "Refugees stranded" not in got.text
    # no opener before the lead's full stop: only the marker goes, no reporting is lost
    text = ("Print Tweet Views 20 Related Jets had near miss over the sea Syrian rebels "
            "launched an assault on Friday.")
    assert clean_text(text).text == ("Jets had near miss over the sea Syrian rebels "
                                     "launched an assault on Friday.")


def test_fakes_related_headlines_are_cut_right_before_the_lead() -> None:
    """Ahram Online pages in FA-KES: "Print Tweet Views 458 Related <headlines> <lead>".
    Each cut ends where the lead opens ("At least 22 people were killed ..."), or only
    the marker goes (4 and 1 of 5 when measured)."""
    from seedfacts import fakes_rows

    pages = 0
    for row in fakes_rows():
        text = row["article_content"]
        if not re.search(r"Views \d+ Related ", text):
            continue
        pages += 1
        got = clean_text(text)
        (piece,) = [r for r in got.removed if re.match(r"(?:Print Tweet )?Views \d+ Related", r)]
        after = text[text.index(piece) + len(piece):].lstrip(" -")
        assert after.split()[0] in {"A", "At", "Nearly", "The"} or len(piece.split()) <= 5
        assert not re.search(r"\b(?:said|was|were)\b", piece), piece
    assert pages >= 4


def test_a_headline_run_into_a_wire_dateline_goes_whatever_its_credit() -> None:
    text = ("Ten people were killed, media reported Sunday. YouTubeSomeChannel Militants "
            "Suffer No Losses in Bombing in Afghanistan - Reports MOSCOW (Sputnik) The "
            "Kurdish news agency said ten were killed.")
    got = clean_text(text)
    assert got.text == ("Ten people were killed, media reported Sunday. MOSCOW (Sputnik) The "
                        "Kurdish news agency said ten were killed.")
    # a sentence of prose before a dateline stays
    text = "Shells hit the city centre on Friday. MOSCOW (Sputnik) Six people were hurt."
    assert clean_text(text).text == text
