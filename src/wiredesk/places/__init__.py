"""Places: an offline gazetteer and toponym resolution in context.

``find`` detects and resolves every toponym of a text, ``resolve`` resolves given
spans, ``event_place`` picks where an event told in a sentence happened,
``ruler_patterns`` feeds spaCy's EntityRuler, ``import_geonames`` loads a GeoNames dump.
"""

from wiredesk.places.gazetteer import import_geonames, lookup
from wiredesk.places.patterns import ruler_patterns
from wiredesk.places.resolve import event_place, find, resolve

__all__ = ["event_place", "find", "import_geonames", "lookup", "resolve", "ruler_patterns"]
