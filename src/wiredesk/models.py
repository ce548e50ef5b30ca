"""Typed records passed between pipeline stages and written to events.json.

Every stage takes and returns these models; nothing travels between stages as a
bare dict. The output models (``Result`` and below) mirror schema
``wiredesk/events@1`` (see ``schema/events.schema.json``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_ID = "wiredesk/events@1"

Precision = Literal["day", "week", "month", "season", "year"]
PublishedBasis = Literal["metadata", "text", "inferred", "unknown"]
Role = Literal["perpetrator", "target", "victim", "attributed_by"]
Modality = Literal["asserted", "alleged", "denied", "threat", "hypothetical"]
FigureStatus = Literal["agreed", "conflict", "single"]
RelationType = Literal["retaliation_for", "response_to", "caused_by", "follows"]
EntityKind = Literal[
    "state_forces",
    "armed_group",
    "government",
    "political_party",
    "person",
    "civilians",
    "organization",
    "other",
]


# Per model class, the set of all its field names: shared by every instance of it whose
# fields were all given (``_Model._share_fields_set``).
_ALL_FIELDS: dict[type[BaseModel], set[str]] = {}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _share_fields_set(self) -> Self:
        """Give a model whose fields were all set (as every model read back from the
        store is: they are written whole) its class's one set of field names in place
        of a set of its own. Pydantic keeps that set per instance (for
        ``exclude_unset``); it was over half of a stored mention's memory (3.9 of 7.4
        KB, one set per nested claim, place, actor too), and a merge holds tens of
        thousands of them. The set's content is unchanged, and pydantic only ever adds
        field names to it (all already there) or copies it before changing it."""
        cls = type(self)
        full = _ALL_FIELDS.get(cls)
        if full is None:
            full = _ALL_FIELDS[cls] = set(cls.model_fields)
        own = self.__pydantic_fields_set__
        if own is not full and len(own) == len(full):  # extra="forbid": no other names
            object.__setattr__(self, "__pydantic_fields_set__", full)
        return self


# --- ingest / clean / date ---------------------------------------------------


class RawArticle(_Model):
    """One article as read from its file, before cleaning."""

    path: str  # file path, "path#N" for the N-th record of a multi-article file, "-" for stdin
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None  # outlet or domain
    published_raw: str | None = None  # publication date as the metadata gives it
    is_html: bool = False


class Document(_Model):
    """A cleaned article with its publication date established."""

    id: str  # content hash of the raw text: the same article read twice is one document
    path: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    text: str  # cleaned text; every offset in later stages refers to it
    published: dt.date | None = None
    published_basis: PublishedBasis = "unknown"
    removed: list[str] = Field(default_factory=list)  # boilerplate lines taken out by clean


# --- time and place -----------------------------------------------------------


class Interval(_Model):
    """The span of calendar days an expression covers, with its granularity."""

    start: dt.date
    end: dt.date
    precision: Precision


class Timex(_Model):
    """A temporal expression normalized as TIMEX3 does."""

    start: int  # character offsets in the text given to ``timex.normalize``
    end: int
    text: str
    type: Literal["DATE", "TIME", "DURATION", "SET"]
    value: str  # TIMEX3 value: 2019-12-27, 2019-12, 2020-W11, 2020-03-13TMO, P1M, PAST_REF
    interval: Interval | None = None  # None for durations, sets and vague references
    precision: Precision | None = None


class Place(_Model):
    """A resolved toponym."""

    name: str
    lat: float
    lon: float
    country_code: str | None = None  # ISO 3166-1 alpha-2
    country: str | None = None
    admin1: str | None = None
    feature: str | None = None  # GeoNames feature class/code or "base", "airport", ...
    precision: int = 1  # ACLED geo_precision: 1 town, 2 near it / part of region, 3 province
    geonameid: int | None = None


# --- actors and mentions ------------------------------------------------------


class Entity(_Model):
    """A canonical actor with every spelling seen for it."""

    id: str
    name: str
    kind: EntityKind
    aliases: list[str] = Field(default_factory=list)


class ActorRef(_Model):
    entity_id: str
    name: str
    role: Role
    # how firmly the text names a perpetrator: asserted ("X attacked", "X claimed
    # responsibility"), alleged ("blamed", "believed to be responsible"), denied ("X
    # denied any involvement": no perpetrator for consumers); None where not read
    modality: Modality | None = None

    @property
    def is_perpetrator(self) -> bool:
        """A perpetrator the text asserts or alleges; a denied one is not."""
        return self.role == "perpetrator" and self.modality != "denied"


class Weapon(_Model):
    name: str  # normalized: "107-mm Katyusha rocket", "drone", "ballistic missile", ...
    raw: str


class FigureClaim(_Model):
    """One number stated in one sentence, with the words that state it."""

    kind: str  # fatalities, injured, munitions_fired, munitions_landed, ...
    value: int  # the figure a reader takes from the quote (low end of an open range)
    low: int | None = None
    high: int | None = None  # None for open ranges ("at least 18")
    quote: str
    doc_id: str
    start: int
    end: int
    attributed_to: str | None = None
    modality: Modality | None = None  # of the sentence that states it; None: its mention's
    aggregate: bool = False  # a total over several events, not this event's own figure


class EventMention(_Model):
    """One event as one sentence (or a short run of sentences) of one document tells it."""

    id: str
    doc_id: str
    start: int
    end: int
    quote: str
    trigger: str
    event_type: str
    sub_event_type: str
    plover: str | None = None
    political: bool | None = None
    date: Interval | None = None
    date_text: str | None = None
    place: Place | None = None
    actors: list[ActorRef] = Field(default_factory=list)
    weapons: list[Weapon] = Field(default_factory=list)
    figures: list[FigureClaim] = Field(default_factory=list)
    attributed_to: str | None = None
    modality: Modality = "asserted"
    background: bool = False  # told in passing, not the document's news
    cause_text: str | None = None  # the words that tie this act to an earlier one
    confidence: float = 0.5


# --- output: events.json -----------------------------------------------------


class DocumentOut(_Model):
    id: str
    path: str
    title: str | None
    source: str | None
    url: str | None = None
    published: dt.date | None
    published_basis: PublishedBasis


class DateOut(_Model):
    start: dt.date
    end: dt.date
    precision: Precision


class LocationOut(_Model):
    name: str
    country: str | None
    country_code: str | None
    admin1: str | None
    lat: float
    lon: float
    precision: int


class Claim(_Model):
    value: int
    low: int | None = None
    high: int | None = None
    doc_id: str
    quote: str
    attributed_to: str | None = None
    modality: Modality | None = None  # asserted or alleged (denials and threats are left out)


class FigureOut(_Model):
    value: int
    low: int
    high: int | None
    status: FigureStatus
    claims: list[Claim]
    rule: str | None = None  # which written rule picked ``value``


class CategoryClaim(_Model):
    """One report of a categorical fact (a weapon, a kind of target)."""

    value: str
    doc_id: str
    quote: str
    attributed_to: str | None = None
    modality: Modality | None = None


class CategoryOut(_Model):
    """A categorical fact reconciled across reports (cruise or ballistic? what was hit?)."""

    value: str | None  # the best-supported value
    values: list[str]  # every distinct value reported
    status: FigureStatus
    claims: list[CategoryClaim]
    rule: str
    conflicts: list[tuple[str, str]] = Field(default_factory=list)  # values that exclude each other


class MentionOut(_Model):
    doc_id: str
    quote: str
    start: int
    end: int
    modality: Modality | None = None


class Event(_Model):
    id: str
    event_type: str
    sub_event_type: str
    political: bool | None
    date: DateOut | None
    location: LocationOut | None
    actors: list[ActorRef]
    figures: dict[str, FigureOut]
    summary: str
    confidence: float
    mentions: list[MentionOut]
    plover: str | None = None
    weapons: list[str] = Field(default_factory=list)
    categories: dict[str, CategoryOut] = Field(default_factory=dict)


class Evidence(_Model):
    doc_id: str
    quote: str


class Relation(_Model):
    source: str  # the event that reacts
    target: str  # the event it reacts to
    type: RelationType
    evidence: list[Evidence]


class Story(_Model):
    id: str
    title: str
    doc_ids: list[str]
    event_ids: list[str]


class Result(_Model):
    """Everything events.json holds."""

    schema_: str = Field(default=SCHEMA_ID, alias="schema")
    documents: list[DocumentOut] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    stories: list[Story] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list, exclude=True)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_json_dict(self) -> dict[str, object]:
        """The events.json object, with dates as ISO strings."""
        return self.model_dump(mode="json", by_alias=True)
