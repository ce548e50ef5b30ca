"""Ingest: every format, every kind of bad input, and the shared corpora."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from wiredesk.ingest import IngestError, iter_articles
from wiredesk.models import RawArticle

STORY = (
    "Police said three people were hurt when a gas cylinder exploded in a market on "
    "Tuesday morning. The fire brigade put out the blaze within an hour."
)


def _split(items: list[RawArticle | IngestError]) -> tuple[list[RawArticle], list[IngestError]]:
    arts = [i for i in items if isinstance(i, RawArticle)]
    errs = [i for i in items if isinstance(i, IngestError)]
    assert len(arts) + len(errs) == len(items)
    return arts, errs


def _read(paths: list[str], **kw: object) -> tuple[list[RawArticle], list[IngestError]]:
    return _split(list(iter_articles(paths, **kw)))  # type: ignore[arg-type]


@pytest.fixture()
def good(tmp_path: Path) -> Path:
    p = tmp_path / "good.txt"
    p.write_text("Market blast injures three\n\n" + STORY, encoding="utf-8")
    return p


def _only_error(errs: list[IngestError], path: Path | str) -> IngestError:
    assert len(errs) == 1, errs
    assert errs[0].path == str(path)
    line = str(errs[0])
    assert line.startswith(f"{path}: ") and "\n" not in line
    return errs[0]


def test_error_is_one_line_naming_the_file() -> None:
    assert str(IngestError("a/b.txt", "empty file")) == "a/b.txt: empty file"


def test_plain_text_with_title(good: Path) -> None:
    arts, errs = _read([str(good)])
    assert not errs
    assert arts[0].path == str(good)
    assert arts[0].title == "Market blast injures three"
    assert STORY in arts[0].text and not arts[0].is_html


def test_empty_file(tmp_path: Path, good: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    arts, errs = _read([str(bad), str(good)])
    assert "empty" in _only_error(errs, bad).reason
    assert len(arts) == 1


def test_binary_file(tmp_path: Path, good: Path) -> None:
    bad = tmp_path / "picture.txt"
    bad.write_bytes(bytes(range(256)) * 40)
    arts, errs = _read([str(bad), str(good)])
    assert "binary" in _only_error(errs, bad).reason
    assert len(arts) == 1


def test_file_over_max_bytes(tmp_path: Path, good: Path) -> None:
    bad = tmp_path / "huge.txt"
    with bad.open("w", encoding="utf-8") as f:
        for _ in range(20 * 1024):
            f.write(("x" * 1023) + "\n")  # 20 MB
    arts, errs = _read([str(bad), str(good)])
    reason = _only_error(errs, bad).reason
    assert "20,971,520 bytes" in reason and "10,000,000" in reason
    assert len(arts) == 1


def test_invalid_utf8_names_the_offset(tmp_path: Path, good: Path) -> None:
    bad = tmp_path / "latin.txt"
    bad.write_bytes(b"The caf\xe9 was hit by a shell on Sunday.")
    arts, errs = _read([str(bad), str(good)])
    reason = _only_error(errs, bad).reason
    assert "utf-8" in reason and "offset 7" in reason and "0xe9" in reason
    assert len(arts) == 1
    # The same file read with the right encoding is fine.
    arts, errs = _read([str(bad)], encoding="latin-1")
    assert not errs and arts[0].text.startswith("The café")


def test_malformed_json_line_among_good_ones(tmp_path: Path) -> None:
    p = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"title": "First", "maintext": STORY, "source_domain": "a.example"}),
        '{"title": "Broken", "text": "unterminated',
        "",
        json.dumps({"headline": "Third", "body": STORY, "date_publish": "2021-02-03"}),
    ]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    arts, errs = _read([str(p)])
    assert [a.title for a in arts] == ["First", "Third"]
    assert [a.path for a in arts] == [f"{p}#1", f"{p}#3"]
    assert arts[0].source == "a.example" and arts[1].published_raw == "2021-02-03"
    assert len(errs) == 1 and errs[0].path == f"{p}#2"
    assert "line 2" in errs[0].reason and "malformed JSON" in errs[0].reason


def test_jsonl_invalid_utf8_line_names_offset(tmp_path: Path) -> None:
    p = tmp_path / "feed.jsonl"
    first = json.dumps({"text": STORY}).encode() + b"\n"
    p.write_bytes(first + b'{"text": "caf\xe9"}\n' + first)
    arts, errs = _read([str(p)])
    assert len(arts) == 2 and len(errs) == 1
    assert f"offset {len(first) + 13}" in errs[0].reason


def test_json_object_without_text_field(tmp_path: Path, good: Path) -> None:
    p = tmp_path / "one.json"
    p.write_text(json.dumps({"title": "No body here", "url": "https://x.example/1"}))
    arts, errs = _read([str(p), str(good)])
    reason = _only_error(errs, p).reason
    assert "no text field" in reason and "title" in reason
    assert len(arts) == 1


def test_json_list_numbers_records(tmp_path: Path) -> None:
    p = tmp_path / "many.json"
    recs = [{"Title": "A", "Content": STORY}, {"title": "B", "text": "None"}, {"text": STORY}]
    p.write_text(json.dumps(recs))
    arts, errs = _read([str(p)])
    assert [a.path for a in arts] == [f"{p}#1", f"{p}#3"]
    assert arts[0].title == "A"
    assert errs[0].path == f"{p}#2" and "empty" in errs[0].reason


def test_csv_without_text_column(tmp_path: Path, good: Path) -> None:
    p = tmp_path / "table.csv"
    p.write_text("id,headline,when\n1,Something,2020-01-01\n", encoding="utf-8")
    arts, errs = _read([str(p), str(good)])
    reason = _only_error(errs, p).reason
    assert "no text column" in reason and "headline" in reason
    assert len(arts) == 1


def test_csv_columns_case_insensitive(tmp_path: Path) -> None:
    p = tmp_path / "table.csv"
    p.write_text(
        'ID,Title,MainText,Date_Publish,Source_Domain\n1,Blast,"' + STORY + '\n\nMore.",'
        "2019-05-06,news.example\n2,,,,\n",
        encoding="utf-8",
    )
    arts, errs = _read([str(p)])
    assert len(arts) == 1 and arts[0].path == f"{p}#1"
    assert arts[0].title == "Blast" and arts[0].source == "news.example"
    assert arts[0].published_raw == "2019-05-06" and arts[0].text.endswith("\n\nMore.")
    # A row with an empty text cell is one error naming its record, not an article.
    assert [(e.path, e.reason) for e in errs] == [(f"{p}#2", "the text field is empty")]


def test_folder_with_no_articles(tmp_path: Path, good: Path) -> None:
    folder = tmp_path / "nothing"
    (folder / "sub").mkdir(parents=True)
    (folder / "notes.md").write_text("not an article")
    (folder / ".hidden.txt").write_text(STORY)
    arts, errs = _read([str(folder), str(good)])
    assert "no articles" in _only_error(errs, folder).reason
    assert len(arts) == 1


def test_folder_recursive_sorted_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "2.txt").write_text(STORY)
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / ".git" / "x.txt").write_text(STORY)
    arts, errs = _read([str(tmp_path)])
    assert not errs
    assert [Path(a.path).relative_to(tmp_path).as_posix() for a in arts] == ["a.txt", "b/2.txt"]


def test_glob_and_missing_path(tmp_path: Path, good: Path) -> None:
    arts, errs = _read([str(tmp_path / "*.txt"), str(tmp_path / "nope.txt")])
    assert [a.path for a in arts] == [str(good)]
    assert "no such file" in _only_error(errs, tmp_path / "nope.txt").reason
    arts, errs = _read([str(tmp_path / "*.jsonl")])
    assert not arts and "no files match" in errs[0].reason


def test_same_file_twice_is_read_once(good: Path) -> None:
    arts, _ = _read([str(good), str(good.parent)])
    assert len(arts) == 1


def test_stdin_plain_text() -> None:
    arts, errs = _read(["-"], stdin=io.StringIO("Market blast injures three\n\n" + STORY))
    assert not errs and arts[0].path == "-" and arts[0].title == "Market blast injures three"


def test_stdin_json_lines() -> None:
    data = "\n".join(json.dumps({"text": STORY, "title": t}) for t in ("A", "B")) + "\n{bad\n"
    arts, errs = _read(["-"], stdin=io.StringIO(data))
    assert [a.path for a in arts] == ["-#1", "-#2"]
    assert errs[0].path == "-#3" and "line 3" in errs[0].reason


def test_stdin_empty() -> None:
    _, errs = _read(["-"], stdin=io.StringIO("\n\n"))
    assert str(errs[0]) == "-: empty input on stdin"


def test_html_file(tmp_path: Path) -> None:
    p = tmp_path / "page.htm"
    p.write_text(
        "<html><head><title>Bridge closed after blast</title>"
        '<meta name="date" content="2022-07-01"></head><body><article>'
        "<h1>Bridge closed after blast</h1><p>"
        + STORY
        + "</p><p>Engineers will inspect the bridge before it reopens, the council said on"
        " Wednesday.</p></article></body></html>",
        encoding="utf-8",
    )
    arts, errs = _read([str(p)])
    assert not errs
    a = arts[0]
    assert a.is_html and a.title == "Bridge closed after blast"
    assert a.published_raw == "2022-07-01" and "gas cylinder exploded" in a.text


def test_news_cluster_json(shared_dir: Path) -> None:
    folder = shared_dir / "data" / "news_cluster"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    n = len(list(folder.glob("*.json")))
    arts, errs = _read([str(folder / "*.json")])
    assert not errs and len(arts) == n > 100
    for a in arts:
        assert a.text.strip() and a.title and a.source and a.url
        assert a.published_raw is None or a.published_raw[:2] in ("19", "20")


def test_fakes_csv_latin1(shared_dir: Path) -> None:
    folder = shared_dir / "data" / "fakes_syria"
    files = sorted(folder.glob("*.csv")) if folder.is_dir() else []
    if not files:
        pytest.skip(f"no CSV in {folder}")
    arts, errs = _read([str(files[0])], encoding="latin-1")
    assert len(arts) > 700 and len(errs) <= 5
    assert all(a.path.startswith(f"{files[0]}#") for a in arts)
    assert sum(bool(a.title) for a in arts) > 700
    assert sum(bool(a.published_raw) for a in arts) > 700
    # Multi-line quoted cells stay inside one record.
    assert all("\n" not in (a.title or "") for a in arts)
