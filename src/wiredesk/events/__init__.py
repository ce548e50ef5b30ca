"""Event mentions: ACLED type, date, place, actors with roles, weapons, figures, attribution.

``classify(text)`` answers ACLED's question for a short report (the sub-event type of its
main event, or None); ``extract_mentions(doc, sdoc, timexes, places, actors)`` reads every
event a parsed document tells.
"""

from wiredesk.events.classify import classify
from wiredesk.events.extract import document_focus, extract_mentions

__all__ = ["classify", "document_focus", "extract_mentions"]
