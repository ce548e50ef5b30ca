"""Remove page furniture from article text, keeping every sentence of the reporting.

The text arrives as plain text or as text extracted from HTML, one paragraph per line
(sometimes with blank lines between). Cleaning works line by line with cues that hold
across outlets rather than any one page's strings:

- *line shape*: nav bars and link lists are runs of capitalised words with almost no
  function words and no sentence punctuation; reporting is prose.
- *lexicons of furniture phrases*: share buttons, sign-up prompts, comment-system
  notices, list headers ("More in ...", "Editor's Picks"), labels ("Print Headline:").
- *repetition*: a paragraph printed twice on one page is a caption or a pull-quote.
- *context*: a bio follows an "author picture" marker; a list follows its header.

Soft rules (shape, short labels, dates, bylines) never fire on prose-shaped lines, so a
reporting sentence cannot be taken for navigation. Everything removed is returned in
``Cleaned.removed`` so later stages (the document dater reads the raw text anyway) and
a reviewer can see what went.

Characters are never rewritten: quotes, dashes and spacing inside kept lines stay as
the source has them, so quotes taken from the cleaned text match the source.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

import trafilatura
from rapidfuzz import fuzz

from wiredesk.models import RawArticle

__all__ = ["Cleaned", "clean_text", "html_to_article", "is_furniture_line", "looks_like_prose",
           "with_headline"]


@dataclass
class Cleaned:
    """Cleaned article text and the pieces of furniture taken out of it (in order)."""

    text: str
    removed: list[str] = field(default_factory=list)


# --- lexicons -------------------------------------------------------------------------


def _lexicon(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Function words: prose is full of them, navigation bars and link lists are not.
_STOPWORDS = _lexicon(
    """a an the of to in on at by for from with and or but that which who whom whose this
    these those is are was were be been being has have had do does did will would shall
    should can could may might must not no as it its he she they them his her their we
    our you your i me my us than then there here when where while after before since
    into over under about against between said says say told according also if so"""
)

_SOCIAL = _lexicon(
    """facebook twitter x whatsapp linkedin pinterest reddit email e-mail mail print
    share shares sharing tweet messenger telegram flipboard tumblr sms copy link comment
    comments save bookmark pocket vk weibo wechat instagram youtube google+"""
)
_SOCIAL_FILLER = _lexicon("this article story page on via the to with link url more close open")

# Words of section menus and site bars ("Today's Paper Search Latest ... Obits").
_NAV = _lexicon(
    """home menu search latest news today's todays paper e-paper epaper edition sections
    section sports sport opinion opinions business politics world national local weather
    obits obituaries puzzles games crossword archive archives newsletters newsletter app
    apps listen podcasts podcast video videos photos photo gallery galleries subscribe
    subscription login log sign in register account contact us about help faq terms privacy
    policy cookies advertise advertising careers jobs classifieds lifestyle entertainment
    travel food health science tech technology culture arts books style markets
    real estate cars autos horoscopes events calendar live tv radio shop store ipad iphone
    android mobile rss feeds story ideas core values families print skip content main
    navigation trending popular more top stories headlines breaking"""
)

# Headers of link lists: what follows them, while it stays headline-shaped, is the list.
_LIST_HEADER = re.compile(
    r"""^(?:more\s+(?:in|from|on|about)\s+(?:(?:the|of|and|&)\s+|(?-i:[A-Z0-9])[\w’'.-]*\s*){1,5}
    |more\s+(?:news|stories|coverage)|editor(?:'|’)?s?\s+picks?
    |top\s+(?:news|stories|headlines)|related(?:\s+(?:stories|articles|news
    |coverage|content|links|topics|video|reading))?|recommended(?:\s+(?:for\s+you|stories
    |reading|articles))?|you\s+(?:may|might)\s+also\s+(?:like|be\s+interested\s+in)
    |most\s+(?:read|popular|viewed|shared|emailed)|trending(?:\s+(?:now|stories|news))?
    |(?:from\s+)?around\s+the\s+web|sponsor(?:ed)?\s+(?:content|stories|links|by\b.*)
    |paid\s+(?:content|post)|partner\s+content|promoted(?:\s+stories)?|latest\s+(?:news
    |stories|headlines)|what\s+to\s+read\s+next|read\s+next|read\s+more|also\s+read
    |don'?t\s+miss|popular\s+(?:now|stories)|in\s+case\s+you\s+missed\s+it)\s*:?$""",
    re.IGNORECASE | re.VERBOSE,
)

# Single-line labels and widget text that are never reporting.
_LABEL = r"""(?:advertisement|advertising|ad|sponsored|skip\s+ad|continue\s+reading(?:\s+the\s+main
    \s+story)?|story\s+continues\s+(?:below|after\s+(?:this\s+)?(?:ad|advertisement))
    |scroll\s+(?:down\s+)?(?:for|to)\s+(?:video|continue|read\s+more)|now\s+playing:?|watch
    (?:\s+now)?:?|video|photo|photos|image|images|gallery|play\s+video|loading\.*|close
    |read\s+more|click\s+here(?:\s+to\s+.*)?|listen\s+to\s+(?:this\s+)?(?:article|story)
    |\d+\s+min(?:ute)?s?\s+read|reading\s+time:?.*|share\s+this(?:\s+(?:article|story))?
    |print\s+this(?:\s+(?:article|page|story))?|back\s+to\s+top|toggle\s+navigation
    |skip\s+to\s+(?:main\s+)?content|all\s+rights\s+reserved\.?|getty\s+images|file\s+photo
    |(?:show|view|hide)\s+(?:all\s+)?comments(?:\s*\(\d+\))?|comments?\s*\(\d+\)|comments
    |leave\s+a\s+comment|add\s+a\s+comment|post\s+a\s+comment|reprints?(?:\s+&\s+permissions)?
    |permissions|topics?:.*|tags?:.*|filed\s+under:.*)"""
_LABEL_LINE = re.compile(rf"^{_LABEL}(?:[\s|·•:]+{_LABEL})*\s*\.?$", re.IGNORECASE | re.VERBOSE)
# Image widgets and gallery captions ("Enlarge this image toggle caption", "Hide Caption 3 of 8").
_CAPTION_WIDGET = re.compile(
    r"toggle\s+caption|enlarge\s+this\s+image|hide\s+caption(?:\s+\d+\s+of\s+\d+)?|\bcaption\s+\d+\s+of\s+\d+",
    re.IGNORECASE,
)

# "Label: something" lines. Link labels point at another story or edition and go even
# when what follows reads as a sentence; the weaker ones only on non-prose lines.
_LINK_LABEL = re.compile(
    r"""^(?:print\s+headline|read\s+more|read\s+also|also\s+read|related(?:\s+(?:story|article
    |coverage|content))?|see\s+also|recommended|sponsored|photo\s+credit|image\s+credit|follow
    \s+us|editor'?[s’]?\s+note(?=:\s*this\s+(?:article|story)\s+(?:has\s+been|was)\s+(?:updated
    |corrected)))\s*:\s*\S""",
    re.IGNORECASE | re.VERBOSE,
)
_LABEL_PREFIX = re.compile(
    r"""^(?:more|watch|video|listen|photos?|image|gallery|source|credit|copyright|contact
    |topics|tags|filed\s+under)\s*:\s*\S""",
    re.IGNORECASE | re.VERBOSE,
)

# Sign-up and subscription prompts. The verb cues keep reporting about, say, a
# subscriber database from matching.
_NEWSLETTER = re.compile(
    r"""(?:^\s*(?:sign\s*up|subscribe|join\s+(?:our|the)\s+\w*\s*(?:newsletter|mailing)|get\s+(?:our
    |the)\s+(?:\w+\s+){0,3}(?:newsletter|email|briefing|headlines)|enter\s+your\s+e-?mail|register
    \s+(?:now|for\s+free|to\s+)|already\s+a\s+subscriber|create\s+(?:a\s+)?free\s+account|unlock
    |become\s+a\s+(?:member|subscriber))\b
    |\b(?:daily|weekly|free)\s+(?:e-?mail|newsletter|briefing)s?\b.*\b(?:you|your|receive|sign)
    |\b(?:you|your)\b.*\b(?:newsletter|inbox|e-?mail\s+alerts?|subscription)\b
    |\b(?:newsletter|inbox)\b.*\b(?:you|your|sign\s*up|subscribe)\b
    |\bprivacy\s+(?:policy|notice)\b.*\b(?:agree|consent|you)\b)""",
    re.IGNORECASE | re.VERBOSE,
)

# Comment-system notices: talk about the comment system itself, addressed to the reader.
_COMMENT_SYSTEM = re.compile(
    r"""(?:commenting\s+system|comment(?:s|ing)?\s+(?:section|policy|guidelines|platform|are
    \s+(?:closed|disabled|moderated))|join\s+the\s+(?:discussion|conversation)|internet\s+explorer
    |microsoft\s+edge|(?:firefox|google\s+chrome|safari)\b.*\bbrowser|another\s+browser|to\s+(?:post
    |leave|add|view)\s+(?:a\s+)?comments?|(?:log|sign)\s+in\s+to\s+comment|community\s+guidelines
    |be\s+respectful|comments\s+(?:for\s+this|on\s+this)\s+(?:article|story|thread))""",
    re.IGNORECASE | re.VERBOSE,
)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|you’re|yours)\b", re.IGNORECASE)

# Bylines: "By NAME ...". Must not be a sentence ("By Friday, the toll had risen.").
_BYLINE = re.compile(r"^\s*(?:by|written\s+by|story\s+by|words\s+by)\s+[A-Z“\"']", re.IGNORECASE)
_ROLE = r"""(?:staff\s+writer|staff\s+reporter|correspondent|reporter|editor|contributor
    |columnist|(?:the\s+)?associated\s+press|reuters|afp|bloomberg|news\s+agency|staff)"""
_BYLINE_CUES = re.compile(rf"[·•|]|\b{_ROLE}\b", re.IGNORECASE | re.VERBOSE)
_BYLINE_TIME = re.compile(
    r"\b(?:updated|published|posted|minutes?\s+ago|hours?\s+ago)\b", re.IGNORECASE
)

# Credit sentences at the foot of a story. The names before "reported from" must be
# capitalised tokens, so "Clashes were reported from the north" is not a credit.
_NAME = r"(?:[A-Z][\w.'’-]*|de|al|bin|van|von|da|del|la|le)"
_NAMES = rf"{_NAME}(?:\s+{_NAME}){{0,4}}"
_NAME_LIST = rf"{_NAMES}(?:\s*(?:,|and|&)\s*(?:{_NAMES}))*"
# A byline without "By": "Jane Doe, news.example.com" / "Jane Doe, Staff Writer".
_NAME_BYLINE_RE = re.compile(
    rf"""^(?-i:{_NAMES})\s*(?:,|\||-|–|—)\s*(?:[\w-]+(?:\.[\w-]+)*\.(?:com|ca|org|net|co\.uk|com\.au
    |co|news|tv|in|ie|uk)|{_ROLE})\.?$""",
    re.IGNORECASE | re.VERBOSE,
)
_CREDIT_SENTENCE = re.compile(
    rf"""^(?:(?:additional\s+)?(?:information|reporting|research|writing|editing|compilation)
    (?:\s+for\s+(?:this|the)\s+(?:article|report|story))?\s+(?:was\s+)?(?:contributed|compiled
    |provided|done|by)\b.*
    |(?:\(?\s*)?(?:additional\s+)?(?:reporting|writing|editing|compiled|research)\s+by\b.*
    |{_NAME_LIST}\s+(?:reported|contributed(?:\s+(?:reporting|to\s+this\s+(?:report|article
    |story)))?|wrote|compiled)(?:\s+(?:this|the)\s+(?:report|article|story))?(?:\s+(?:from|in)
    \s+{_NAMES}(?:\s*,?\s*(?:and|&)\s+{_NAMES}\s+from\s+{_NAMES})*)?
    |(?:©|\(c\)|copyright)\s*(?:\d{{4}}|[A-Z]).*|all\s+rights\s+reserved.*
    |this\s+(?:article|story|report)\s+(?:was|has\s+been)\s+(?:updated|corrected|amended)\b.*)
    \s*[.)]?\s*$""",
    re.VERBOSE,
)
_CREDIT_FLAGS_I = re.compile(
    r"^(?:\(?\s*(?:additional\s+)?(?:information|reporting|research|writing|editing)\b)",
    re.IGNORECASE,
)

# Trailing social handles and contact lines glued to the end of a paragraph.
_HANDLE_TAIL = re.compile(
    r"""\s*(?:(?:follow\s+(?:\w+\s+){0,3}on\s+)?twitter|x|instagram|email|e-mail|contact(?:\s+\w+)?
    |follow\s+(?:him|her|them|us|me)(?:\s+on\s+(?:twitter|x|instagram))?)\s*:?\s*
    (?:@\w{1,30}|[\w.+-]+@[\w-]+\.[\w.]+)(?:\s*(?:,|and|\|)?\s*(?:@\w{1,30}|[\w.+-]+@[\w-]+\.[\w.]+))*
    \.?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_HANDLE_LINE = re.compile(r"^\s*(?:@\w{1,30}\s*)+$")

# Reuters-style credits at the end of the last paragraph: "(Reporting by ...; Editing by ...)".
_CREDIT_TAIL = re.compile(
    r"\s*\((?:additional\s+)?(?:reporting|writing|editing|compiled|research)\s+by\b[^()]*\)\s*$",
    re.IGNORECASE,
)

# Author bios: a marker line, then a paragraph about the writer.
_AUTHOR_MARKER = re.compile(
    r"^(?:author\s+(?:picture|photo|image|avatar|headshot)|about\s+the\s+authors?|about\s+this"
    r"\s+author|meet\s+the\s+author|the\s+author)\s*:?$",
    re.IGNORECASE,
)
_BIO_CUES = re.compile(
    r"""\b(?:covers|covered|reporter|correspondent|journalist|writer|editor|columnist|alumn(?:us|a|i)
    |graduate[ds]?\s+(?:of|from)|native|joined\s+(?:the|[A-Z])|previously\s+(?:worked|reported)
    |bureau\s+chief|staff\s+writer|is\s+based\s+in|veteran\s+who|holds\s+a\s+degree)\b""",
    re.IGNORECASE | re.VERBOSE,
)
# A bio with no marker, at the foot of the page: "NAME is a ... reporter/who covers ...".
_BIO_SENTENCE = re.compile(
    rf"^{_NAMES}\s+(?:is|was|has\s+been)\s+(?:an?\s+|the\s+)?[\w\s,’'-]{{0,120}}?\b(?:reporter"
    rf"|correspondent|journalist|writer|editor|columnist|who\s+covers|covering)\b"
)

# Photo captions: photo vocabulary at the start, or a photo credit at the end.
_CAPTION_START = re.compile(
    r"""^(?:(?:in\s+)?(?:this|these|a|an|the)\s+)?(?:(?:undated|handout|file|aerial|satellite|video
    |social\s+media)\s+)?(?:photo(?:graph)?s?|images?|pictures?|picture|screen\s*(?:shot|grab)s?
    |still|footage|frame\s+grab)\b(?:\s+(?:released|provided|taken|obtained|made\s+available
    |distributed|posted|shared|published)\b|,|\s+shows?\b|\s+from\b)""",
    re.IGNORECASE | re.VERBOSE,
)
_CAPTION_CREDIT = re.compile(
    r"""(?:\((?:[^()]*\b(?:photo|photograph|image|picture|credit|file)\b[^()]*|AP|AFP|Reuters|EPA
    |Getty\s+Images)\)|\b[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\s*/\s*(?:Reuters|AP|AFP|EPA|Getty
    \s+Images|Associated\s+Press|Bloomberg|Shutterstock|Anadolu(?:\s+Agency)?|[A-Z][\w]+(?:\s
    +[A-Z]\w+)?\s+via\s+Getty\s+Images))\s*$""",
    re.VERBOSE,
)

# --- dates ----------------------------------------------------------------------------

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_WEEKDAYS = (
    r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?"
)
_DATE_TOKEN = re.compile(
    rf"""^(?:{_MONTHS}|{_WEEKDAYS}|\d{{1,4}}(?:st|nd|rd|th)?|\d{{1,4}}[-/.]\d{{1,2}}[-/.]\d{{1,4}}
    (?:t[\d:.]+z?)?|\d{{1,2}}:\d{{2}}(?::\d{{2}})?|a\.?m\.?|p\.?m\.?|[ap]m|gmt|utc|et|est|edt
    |pt|pst|pdt|ct|cst|bst|cet|ast)$""",
    re.IGNORECASE | re.VERBOSE,
)
# Words that may sit next to a date on a header line without making it reporting.
_DATE_LABELS = _lexicon(
    """date dated published posted updated last modified on at section page edition print
    issue a b c d e f by time filed created first"""
)
# A date glued to the start of the first paragraph: labelled ("date 2020-03-11",
# "Published: March 3, 2020"), or bare when it is ISO or opens with a weekday
# ("Wed 05 Apr 2017 ..."). A bare "March 3, 2020, was ..." could be reporting: not cut.
_ZONES = r"gmt|utc|et|est|edt|pt|pst|pdt|ct|cst|cdt|mt|mst|bst|cet|cest|eet|ast|ist|msk"
_DATE_BODY = rf"""(?:\d{{4}}-\d{{2}}-\d{{2}}(?:[t ][\d:.]+z?)?|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}
    |(?:(?:{_WEEKDAYS})\.?,?\s+)?(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?[,.]?\s+\d{{4}}
    |\d{{1,2}}\s+(?:{_MONTHS})\.?,?\s+\d{{4}}))(?:\s*[|·•,-]?\s*(?:at\s+)?\d{{1,2}}:?\d{{2}}
    \s*(?:[ap]\.?m\.?)?(?:\s*(?:{_ZONES})\b)?)?"""
# Sputnik's page head run into the text: "[headline, photo credit, section] 07.10.2017
# (updated 1500 07.10.2017) Get short URL 11990 Russia's Defense Ministry ...": all of
# it up to the share widget and its counters ("0 0 0", "0 85", "11990": one count after
# the zeros, so "0 85 12 Daesh terrorists" keeps its 12), when the widget comes first
_SHORT_URL = re.compile(
    r"""get\s+short\s+url(?:\s+topic\s+[^()]{1,80}\(\d+\))?(?:\s+0){0,2}(?:\s+\d+)?\s+""",
    re.IGNORECASE | re.VERBOSE,
)
_HEAD_CHARS = 400
_DATE_PREFIX = re.compile(
    rf"""^\s*(?:(?:date|dated|published|posted|updated|last\s+updated)\s*:?\s*
    |(?=(?:{_WEEKDAYS})\.?,?\s+\d|(?:{_WEEKDAYS})\.?,?\s+(?:{_MONTHS})|\d{{4}}-\d{{2}}-\d{{2}}(?![\d-])))
    {_DATE_BODY}[\s|·•:,-]*\s""",
    re.IGNORECASE | re.VERBOSE,
)

_WORD = re.compile(r"[\w’'@#+.-]+")
_SENT_END = re.compile(r"[.!?…][\"'”’)\]]*$|[\"'”’]$")
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[A-Z“\"(])")
# Tokens ending in a period that do not end a sentence: initials and titles.
_ABBREV = re.compile(
    r"(?:^|\s)(?:[A-Z]|[A-Z]\.[A-Z]|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Capt|Cpl|Sgt|Maj|Adm|Gov|Sen|Rep|St"
    r"|Jr|Sr|Prof|Rev|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|U\.S|U\.K|U\.N)\.$"
)


def _sentences(text: str) -> list[str]:
    """Split a line into sentences, not at initials ("Alissa J. Rubin") or titles."""
    out: list[str] = []
    start = 0
    for m in _SENT_SPLIT.finditer(text):
        if _ABBREV.search(text[start : m.start()]):
            continue
        out.append(text[start : m.start()])
        start = m.end()
    out.append(text[start:])
    return [s for s in out if s.strip()]


def _words(line: str) -> list[str]:
    return _WORD.findall(line)


def _stopword_ratio(words: list[str]) -> float:
    if not words:
        return 0.0
    return sum(w.lower().strip(".-") in _STOPWORDS for w in words) / len(words)


def looks_like_prose(line: str) -> bool:
    """True when a line reads as running text: enough words, function words, an ending."""
    words = _words(line)
    if len(words) < 6 or not _SENT_END.search(line.strip()):
        return False
    lower = sum(w[:1].islower() for w in words) / len(words)
    return _stopword_ratio(words) >= 0.15 or lower >= 0.4


def _is_social(words: list[str]) -> bool:
    low = [w.lower().strip(".:-") for w in words]
    low = [w for w in low if w]
    return (
        0 < len(low) <= 12
        and all(w in _SOCIAL or w in _SOCIAL_FILLER for w in low)
        and any(w in _SOCIAL for w in low)
    )


def _is_nav_bar(line: str, words: list[str]) -> bool:
    """Menus and site bars: section names, no sentence, almost no function words."""
    if _SENT_END.search(line.strip()) or not words:
        return False
    low = [w.lower().strip(".:-") for w in words]
    nav = sum(w in _NAV for w in low)
    if len(words) <= 4:
        return nav == len(words)
    capital = sum(w[:1].isupper() or w[:1].isdigit() for w in words) / len(words)
    return nav / len(words) >= 0.4 and capital >= 0.5 and _stopword_ratio(words) <= 0.12


def _is_date_line(line: str, words: list[str]) -> bool:
    """A line that is a date (with labels such as "A Section on"), nothing more."""
    if not words or len(words) > 12:
        return False
    dates = 0
    other = 0
    for w in words:
        t = w.strip(".,:;-·|").lower()
        if not t:
            continue
        if _DATE_TOKEN.match(t):
            dates += 1
        elif t not in _DATE_LABELS:
            other += 1
    # A month or a numeric date must be there: a bare year or weekday is not enough.
    numeric = re.search(r"\b\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b", line) is not None
    month = any(re.match(rf"^(?:{_MONTHS})$", w.strip(".,").lower()) for w in words)
    return other == 0 and (numeric or (month and dates >= 2))


def _is_byline(line: str, words: list[str]) -> bool:
    if len(words) <= 10 and _NAME_BYLINE_RE.match(line.strip()):
        return True
    if not _BYLINE.match(line) or len(words) > 30:
        return False
    if _BYLINE_CUES.search(line):
        return True
    # "By Jane Doe" / "By Jane Doe and John Roe" (perhaps "Updated 3 hours ago"): names,
    # no sentence. "By Friday, the toll had risen." is a sentence and stays.
    if _SENT_END.search(line.strip()):
        return False
    return _BYLINE_TIME.search(line) is not None or _stopword_ratio(words[1:]) <= 0.2


def _is_credit_sentence(sentence: str) -> bool:
    s = sentence.strip()
    if not s or len(_words(s)) > 40:
        return False
    if _CREDIT_FLAGS_I.match(s) and re.search(r"\bby\b", s, re.IGNORECASE):
        return True
    return bool(_CREDIT_SENTENCE.match(s))


def _is_credit_line(line: str) -> bool:
    sentences = _sentences(line.strip())
    return bool(sentences) and all(_is_credit_sentence(s) for s in sentences)


def _is_caption(line: str) -> bool:
    s = line.strip()
    return bool(_CAPTION_START.match(s) or _CAPTION_CREDIT.search(s))


def _is_comment_notice(line: str) -> bool:
    s = line.strip()
    if not _COMMENT_SYSTEM.search(s):
        return False
    return bool(_SECOND_PERSON.search(s) or re.match(r"^comments?\b", s, re.IGNORECASE))


_MAX_FURNITURE_WORDS = 60


def is_furniture_line(line: str) -> str | None:
    """Classify one line on its own; return the kind of furniture, or None for content.

    Context rules (repeated captions, author bios, link lists under a header, the title
    line) are applied by :func:`clean_text`; this covers what a line shows by itself.
    """
    s = line.strip()
    if not s:
        return None
    words = _words(s)
    # Furniture is short. A long line is a paragraph of reporting, or a whole article
    # flattened to one line, where dropping the line would drop the article.
    if len(words) > _MAX_FURNITURE_WORDS:
        return None
    prose = looks_like_prose(s)
    # Strong rules: specific enough to apply even to prose-shaped lines.
    if _is_comment_notice(s):
        return "comments"
    if _NEWSLETTER.search(s):
        return "newsletter"
    if _is_credit_line(s):
        return "credit"
    if _LINK_LABEL.match(s) or (_LABEL_PREFIX.match(s) and not prose):
        return "label"
    if _HANDLE_LINE.match(s):
        return "social"
    if _CAPTION_WIDGET.search(s) or (_is_caption(s) and _CAPTION_CREDIT.search(s)):
        return "caption"
    if prose:
        return None
    # Soft rules: only for lines that are not running text.
    if _is_social(words):
        return "social"
    if _LABEL_LINE.match(s) or _LIST_HEADER.match(s):
        return "navigation"
    if _is_date_line(s, words):
        return "date"
    if _is_byline(s, words):
        return "byline"
    if _is_nav_bar(s, words):
        return "navigation"
    if _is_caption(s):
        return "caption"
    return None


def _norm(s: str) -> str:
    return re.sub(r"[\W_]+", " ", s).strip().casefold()


def _same_text(a: str, b: str) -> bool:
    """Near-identical paragraphs: equal, one is the other plus a short credit, or 95% alike."""
    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    short, long_ = sorted((na, nb), key=len)
    if len(short) >= 40 and long_.startswith(short) and len(long_) - len(short) <= 80:
        return True
    return len(short) >= 40 and fuzz.ratio(na, nb) >= 95


def _title_match(line: str, title: str) -> str | None:
    """How a line repeats the title: "line" (it is the title, maybe with a date or
    outlet after it), "prefix" (the title, then reporting), or None."""
    nl, nt = _norm(line), _norm(title)
    if not nt or not nl:
        return None
    if nl == nt or (
        len(nt) >= 20 and abs(len(nl) - len(nt)) <= 0.1 * len(nt) and fuzz.ratio(nl, nt) >= 92
    ):
        return "line"
    head, t = line.lstrip(), title.strip()
    if not head.startswith(t):
        return None
    rest = head[len(t) :].strip(" |:–—-")
    if is_furniture_line(rest) or (len(_words(rest)) <= 8 and not _SENT_END.search(rest)):
        return "line"
    # The title glued before a new sentence (or a dateline) is page furniture; the title
    # followed by "." or ", officials said" is the lede sentence itself, which stays.
    if rest and not re.match(r"[.,;!?…a-z]", rest):
        return "prefix"
    return None


_GALLERY_LABEL = re.compile(r"^\s*(?:photos?|gallery|images?|pictures?|in\s+pictures)\s*:\s*", re.I)


def _caption_body(line: str, title: str | None) -> str | None:
    """The prose of a gallery caption, without "Photos: TITLE" before it and "Hide
    Caption 3 of 8" after it; None when no prose is left."""
    text = _GALLERY_LABEL.sub("", line, count=1)
    if title and text.startswith(title.strip()):
        text = text[len(title.strip()) :]
    text = _CAPTION_WIDGET.sub("", text).strip()
    return text if looks_like_prose(text) else None


def _contained(a: str, b: str) -> bool:
    """``a`` says nothing ``b`` does not: equal, or a prefix of it."""
    na, nb = _norm(a), _norm(b)
    return bool(na) and (na == nb or (len(na) >= 40 and nb.startswith(na)))


def _headline_shaped(line: str) -> bool:
    words = _words(line)
    return 0 < len(words) <= 20 and not re.search(r"[.!;:,]$", line.strip())


@dataclass
class _Line:
    text: str
    blank_before: bool  # a blank line separated it from the previous non-blank line
    drop: bool = False


def _strip_tails(text: str, removed: list[str]) -> str:
    """Cut handle and credit tails glued to the end of a reporting paragraph."""
    for pat in (_HANDLE_TAIL, _CREDIT_TAIL):
        m = pat.search(text)
        # Only a tail: something must be left, and it must end like a sentence.
        if m and m.start() > 0 and _SENT_END.search(text[: m.start()].rstrip()):
            removed.append(text[m.start() :].strip())
            text = text[: m.start()].rstrip()
    return text


# A page's tag list run into the text when the page lost its line breaks ("... clashes
# continue. Tags Syria Free Syrian Army opposition groups Idlib The Sawaiq al-Rahman
# brigade announced ..."): its keywords would be read as the next sentence's subject
# ("Tags Syria" an actor, "Idlib" its place). The list runs from "Tags" and a capital
# after a sentence's end to the first word that opens a sentence ("The", "At least", a number),
# or through its own full stop; it is cut only when it holds no word of prose (when a
# sentence follows a list with no such opener, only the word "Tags" goes).
_TAGS = re.compile(r"(?:(?<=[.!?\"'”’])\s+|^)Tags\s+(?=[A-Z])")
_OPENERS = _lexicon(
    """The A An At More Some Around About Nearly Almost Over Up Dozens Hundreds Thousands
    Several In On Since After Following One Two Three Four Five Six Seven Eight Nine Ten
    Eleven Twelve Thirteen Fourteen Fifteen Sixteen Seventeen Eighteen Nineteen Twenty
    Thirty Forty Fifty"""
)
_PROSE = _lexicon(
    """a an the that this was were is are be been has have had said says say told out at
    least by with in on to from as it its their his her who which when after than"""
)
_MAX_TAGS = 30


def _strip_tag_run(text: str, removed: list[str]) -> str:
    """Cut a tag list run into a paragraph (see ``_TAGS``)."""
    m = _TAGS.search(text)
    if not m:
        return text
    cut = m.end()  # prose before any end: where the list ends is not known
    for k, w in enumerate(re.finditer(r"\S+", text[m.end():])):
        word = w.group(0)
        if k > _MAX_TAGS or word.lower() in _PROSE and word not in _OPENERS:
            break
        if k > 0 and (word in _OPENERS or word[0].isdigit()):
            cut = m.end() + w.start()
            break
        if word[-1] in ".!?":
            cut = m.end() + w.end()
            break
    else:
        cut = len(text)  # the list ends the paragraph
    removed.append(text[m.start():cut].strip())
    head, tail = text[: m.start()].rstrip(), text[cut:].lstrip()
    return f"{head} {tail}" if head and tail else head or tail


# A page's link list run into the last paragraph when the page lost its line breaks
# ("... a political solution remains elusive. Source Reuters Related News Syrian regime
# attacks kill 16 civilians in Idlib ... Category News ... Cookie Policy"): its headlines
# would be read as acts of the report. From its header (and the credit before it) to
# the end of the paragraph, when the header comes in the paragraph's second half or
# leaves no more than a page foot's length after it (a box in mid-article, its line
# breaks lost, would take the reporting after it along).
_RELATED_RUN = re.compile(
    r"(?<=[.!?\"'”’])\s+(?:Source:?\s+(?:[A-Z][\w.-]*\s+){1,3}(?:and\s+agencies\s+)?)?"
    r"Related\s+(?:News|Stories|Articles|Coverage|Content|Posts|Reading)\s+(?=[A-Z\d\"“])"
    # Sputnik: "... nations. ... 55 Topic Violence Erupts as Islamic State Rises (1881)
    # Related Syrian Forces Deny ...", a view counter and a topic link before the list
    r"|(?<=[.!?\"'”’])\s+\.\.\.\s+\d+\s+(?:Topic\s+[^()]{1,80}\(\d+\)\s+)?Related\s+(?=[A-Z\d])"
)
_FOOT_CHARS = 1500


def _strip_related_run(text: str, removed: list[str]) -> str:
    """Cut a link list run into the end of a paragraph (see ``_RELATED_RUN``)."""
    m = _RELATED_RUN.search(text)
    if m is None or m.start() < len(text) / 2 and len(text) - m.start() > _FOOT_CHARS:
        return text
    removed.append(text[m.start():].strip())
    return text[: m.start()].rstrip()


# A page's "related" headlines between its byline and the lead, run together when the
# page lost its line breaks (Ahram Online: "AFP Friday 15 Aug 2014 Print Tweet Views 458
# Related Lebanon charges 43 Syrians with belonging to terrorist groups 2000 Syria
# refugees stranded in Lebanon mountains At least 22 people were killed Friday when a car
# bomb exploded ..."). Headlines do not end in a full stop and seldom open with an
# article or "At least"; the lead usually does. From the marker to the first such
# opener, when no full stop and no word of reporting prose ("said", "was", "according")
# comes before it; else only the marker goes.
_RELATED_HEAD = re.compile(r"(?:\bPrint\s+Tweet\s+)?\bViews\s+\d+\s+Related\s+(?=[A-Z\d])")
_LEAD_OPENERS = _OPENERS - {"In", "On", "Since", "After", "Following", "Over", "One"}
_LEAD_PROSE = _lexicon("said told according reported was were")
_MAX_HEADLINES = 50  # words: a page lists three or four headlines


def _strip_related_head(text: str, removed: list[str]) -> str:
    """Cut a related-headlines run before a page's lead (see ``_RELATED_HEAD``)."""
    m = _RELATED_HEAD.search(text, 0, _HEAD_CHARS * 2)
    if m is None:
        return text
    cut = m.end()
    for k, w in enumerate(re.finditer(r"\S+", text[m.end():])):
        word = w.group(0).lstrip("-–—\"“'")
        if k > _MAX_HEADLINES or word.lower() in _LEAD_PROSE or word.endswith((".", "!", "?")):
            break
        if k > 0 and word in _LEAD_OPENERS:
            cut = m.end() + w.start()
            break
    return _cut(text, [(m.start(), cut)], removed)


# A photo credit and the headline of a linked story run into the text when the page lost
# its line breaks ("... chemical weapons program. Sputnik Dmitriy Vinogradov Syrian
# Airstrikes Kill Over 100 Daesh Fighters in Hama Province WASHINGTON (Sputnik) The
# US-led ..."): the headline would be read as an act of the report. From the agency's
# mark after a sentence's end (at a line's start it opens a caption line, left to the
# line rules) through the run of capitalised words that follows, up to
# where prose resumes: a sentence opener, a quote, a dateline in capitals, or the
# capitalised word before the first word of prose in lower case.
_CREDIT_MARK = re.compile(
    r"(?<=[.!?\"'”’\]])\s+(?:©\s*)?(?:Sputnik|AP\s+Photo|AFP\s+Photo|AFP|REUTERS|EPA|"
    r"Getty\s+Images)(?:\s*/)?\s+(?=[A-Z\W])")
_HEADLINE_SMALL = _lexicon(
    """a an the of in on at to for from and or with by as vs near over into after amid
    against its""")
_PROSE_OPENERS = _lexicon(
    """The A An According Earlier Meanwhile However Later Last On In At It He She They We
    This That These Those""")
_MIN_HEADLINE = 3


def _capitalised(word: str) -> bool:
    """A word of a headline in title case: "Airstrikes", "Su-24", "ez-Zor", "100"."""
    core = word.strip("\"'“”‘’()[],:;")
    if not core:
        return False
    head, _, rest = core.partition("-")
    return core[0].isupper() or core[0].isdigit() or bool(
        rest and head.islower() and len(head) <= 3 and rest[:1].isupper())


def _strip_credit_runs(text: str, removed: list[str]) -> str:
    """Cut photo credits with a linked story's headline (see ``_CREDIT_MARK``)."""
    cuts: list[tuple[int, int]] = []
    for m in _CREDIT_MARK.finditer(text):
        if cuts and m.start() < cuts[-1][1]:
            continue
        # (a headline is some words long: the window spares reading the page to its end)
        words = list(re.finditer(r"\S+", text[m.end():m.end() + _HEAD_CHARS]))
        end = None  # index of the word where prose resumes
        if words and (re.fullmatch(_WEEKDAYS, words[0].group(0), re.I)
                      or words[0].group(0)[0].isdigit()):
            continue  # "AFP Friday 22 Jul 2016": the byline's date, not a headline
        for k, w in enumerate(words):
            word = w.group(0)
            if not any(c.isalnum() for c in word):
                continue  # "Kills Five Injures Seven - Homs Governor"
            if word[0] in "\"“" or k > 0 and word.strip("\"“") in _PROSE_OPENERS or (
                    word.isupper() and len(word) > 2 and k + 1 < len(words)
                    and words[k + 1].group(0).startswith("(")):
                end = k
                break
            if not _capitalised(word) and word.lower() not in _HEADLINE_SMALL:
                end = k - 1
                while end > 0 and not _capitalised(words[end].group(0)):
                    end -= 1
                break
        if end is None or end < _MIN_HEADLINE:
            continue
        cuts.append((m.start(), m.end() + words[end].start()))
    return _cut(text, cuts, removed)


# ... and, whatever credit comes before it, a headline in title case between a sentence's
# end and a dateline in capitals ("... media reported Saturday. Flickr U.S. Department of
# Defense At Least 10 Civilians Die in US-Led Coalitions Strikes Near Raqqa - Reports
# DAMASCUS (Sputnik) ..."): every word capitalised, a small word or a number.
_WIRE_DATELINE = re.compile(r"(?<=[.!?\"'”’)\]])\s+([^.!?]{10,300}?)\s+(?=[A-Z]{3,}(?:\s[A-Z]{3,})?"
                            r"\s\((?:Sputnik|AFP|Reuters|AP|SANA|Xinhua|TASS|AA|UPI)\))")


def _strip_headline_before_dateline(text: str, removed: list[str]) -> str:
    """Cut a linked story's headline run into a dateline (see ``_WIRE_DATELINE``)."""
    cuts = [m.span(1) for m in _WIRE_DATELINE.finditer(text)
            if len(m.group(1).split()) > _MIN_HEADLINE and all(
                _capitalised(w) or w.lower() in _HEADLINE_SMALL or not any(c.isalnum() for c in w)
                for w in m.group(1).split())]
    return _cut(text, cuts, removed)


def _cut(text: str, cuts: list[tuple[int, int]], removed: list[str]) -> str:
    """``text`` without the spans ``cuts`` (in order, not overlapping), each reported in
    ``removed``; the pieces left are joined by one space."""
    if not cuts:
        return text
    parts, pos = [], 0
    for a, b in cuts:
        removed.append(text[a:b].strip())
        parts.append(text[pos:a])
        pos = b
    parts.append(text[pos:])
    return " ".join(part.strip() for part in parts if part.strip())


_CHAR_REF = re.compile(r"&(?:#\d{2,6}|#x[0-9a-fA-F]{2,5}|[a-zA-Z]{2,8});")


def _unscrape(text: str) -> str:
    """Text copied from a page can keep its markup's character references
    ("Philadelphia&#39;s") and invisible soft hyphens ("neigh\u00adbor"): a reader sees
    the characters, so the reader's text has them, and names are found as written."""
    text = text.replace("\u00ad", "")
    return _CHAR_REF.sub(lambda m: html.unescape(m.group(0)), text) if "&" in text else text


def clean_text(text: str, title: str | None = None) -> Cleaned:
    """Remove page furniture from article text.

    Returns the cleaned text (paragraphs separated by a blank line where the source had
    one, a single newline otherwise; characters inside kept lines unchanged but for
    scraping leftovers: HTML character references decoded, soft hyphens dropped) and the
    removed pieces in document order. ``title``, when given, lets a repeated headline at
    the top of the text go.
    """
    removed: list[str] = []
    lines: list[_Line] = []
    blank = False
    for raw in _unscrape(text).splitlines():
        if raw.strip():
            lines.append(_Line(raw.rstrip(), blank_before=blank or not lines))
            blank = False
        else:
            blank = True
    if not lines:
        return Cleaned(text="", removed=[])

    kinds = [is_furniture_line(ln.text) for ln in lines]
    for ln, kind in zip(lines, kinds, strict=True):
        ln.drop = kind is not None

    # A date label glued to the start of the first paragraph ("date 2020-03-11 BAGHDAD ...").
    first = next((ln for ln in lines if not ln.drop), None)
    if first is not None:
        m = _SHORT_URL.search(first.text, 0, _HEAD_CHARS) or _DATE_PREFIX.match(first.text)
        if m and first.text[m.end() :].strip():
            removed.append(first.text[: m.end()].strip())
            first.text = first.text[m.end() :]

    # Title repeated at the top of the text (within the first few content lines): the
    # whole line when it is the title (perhaps with a date or outlet after it); only the
    # title itself when reporting follows it on the same line.
    title_line: _Line | None = None
    if title and title.strip():
        seen = 0
        for ln in lines:
            if ln.drop:
                continue
            match = _title_match(ln.text, title)
            if match == "line":
                ln.drop = True
                title_line = ln
                break
            if match == "prefix":
                head = ln.text.lstrip()[: len(title.strip())]
                removed.append(head)
                ln.text = ln.text.lstrip()[len(head) :].lstrip(" |:–—-")
                break
            seen += 1
            if seen >= 3:
                break

    # Paragraphs printed twice. A repeated caption goes entirely: a photo description is
    # not reporting, and the repetition proves it is page furniture. Other repeats
    # (pull-quotes, summary bullets) lose only a copy that adds nothing to the other, so
    # two versions that differ in a figure are both kept.
    norms = [_norm(ln.text) for ln in lines]
    for i, a in enumerate(lines):
        for j in range(i + 1, len(lines)):
            b = lines[j]
            la, lb = len(norms[i]), len(norms[j])
            if abs(la - lb) > max(80, 0.1 * max(la, lb)) or not _same_text(a.text, b.text):
                continue
            if _is_caption(a.text) or _is_caption(b.text):
                a.drop = b.drop = True
            elif _contained(b.text, a.text):
                b.drop = True
            elif _contained(a.text, b.text):
                a.drop = True

    # Author bios: the paragraph after an "author picture" marker, if it reads as a bio.
    for i, ln in enumerate(lines):
        if _AUTHOR_MARKER.match(ln.text.strip()):
            ln.drop = True
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if nxt and _BIO_CUES.search(nxt.text) and len(_words(nxt.text)) <= 120:
                nxt.drop = True

    # Link lists: headline-shaped lines under a list header; at the foot of the page,
    # every short line after it (teasers may be a sentence or two).
    for i, ln in enumerate(lines):
        if _LIST_HEADER.match(ln.text.strip()):
            ln.drop = True
            tail = lines[i + 1 :]
            if tail and all(len(_words(t.text)) <= 25 for t in tail):
                for t in tail:
                    t.drop = True
                break
            for nxt in tail:
                if looks_like_prose(nxt.text) or not _headline_shaped(nxt.text):
                    break
                nxt.drop = True

    # Foot of the page: from the end, bios without a marker sit among the furniture.
    for ln in reversed(lines):
        if ln.drop:
            continue
        if _BIO_SENTENCE.match(ln.text.strip()) and _BIO_CUES.search(ln.text):
            ln.drop = True
            continue
        break

    # A page that is nothing but a photo gallery: its captions are all the reporting
    # there is, so they stay, without the gallery's widget text.
    if all(ln.drop for ln in lines):
        for ln, kind in zip(lines, kinds, strict=True):
            body = _caption_body(ln.text, title) if kind in ("caption", "label") else None
            if body:
                ln.text, ln.drop = body, False
    # A text that is nothing but its headline keeps it: it is all the reporting there is.
    if title_line is not None and all(ln.drop for ln in lines):
        title_line.drop = False

    out: list[str] = []
    pending_blank = False
    for ln in lines:
        if ln.drop:
            removed.append(ln.text.strip())
            pending_blank = pending_blank or ln.blank_before
            continue
        kept = _strip_related_head(_strip_tag_run(ln.text, removed), removed)
        kept = _strip_headline_before_dateline(_strip_credit_runs(kept, removed), removed)
        kept = _strip_tails(_strip_related_run(kept, removed), removed)
        if out:
            out.append("\n\n" if (ln.blank_before or pending_blank) else "\n")
        out.append(kept)
        pending_blank = False
    # Keep `removed` in document order: tails were appended as met, lines likewise, but
    # lines dropped after their tails were cut are rare enough not to reorder.
    return Cleaned(text="".join(out).strip(), removed=removed)


def with_headline(text: str, title: str | None) -> str:
    """The text the extractor reads: the headline on its own first line, then the body.

    Cleaning takes a repeated headline out of the body (the title is kept apart), but the
    headline is reporting: its town ("Two Wounded In Riverdale Shooting"), its figures and
    its act are read with the body, as they would be from the article's own text."""
    head = " ".join(_unscrape(title or "").split())
    if not head or text.lstrip().startswith(head):
        return text
    return f"{head}\n{text}" if text else head


def html_to_article(html: str, path: str) -> RawArticle:
    """Extract the main text and metadata of an HTML page with trafilatura.

    Comments, tables and images are left out. The text may still carry furniture that
    trafilatura kept; :func:`clean_text` is applied later by the pipeline. When
    trafilatura finds no main text, the page's visible text (its baseline) is used.
    """
    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        # Only dates the page states: never the file or crawl date.
        date_extraction_params={"extensive_search": True, "original_date": True},
    )
    text = ""
    title = url = source = date = None
    if doc is not None:
        meta: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
        text = str(meta.get("text") or "")
        title = meta.get("title") or None
        url = meta.get("url") or None
        source = meta.get("sitename") or meta.get("hostname") or None
        date = meta.get("date") or None
    if not text.strip():
        _, base_text, _ = trafilatura.baseline(html)
        text = base_text or ""
    return RawArticle(
        path=path,
        text=text,
        title=str(title) if title else None,
        url=str(url) if url else None,
        source=str(source) if source else None,
        published_raw=str(date) if date else None,
        is_html=True,
    )
