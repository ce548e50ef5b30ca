"""ACLED event taxonomy (spelled as ACLED writes it) and the closest PLOVER event type.

The ACLED names follow /work/shared/acled.md (ACLED codebook); the PLOVER types follow the
PLOVER ontology (ASSAULT, COERCE, PROTEST, MOBILIZE, RETREAT, AGREE, CONCEDE, ...).
"""

from __future__ import annotations

SUB_EVENT_TYPES: dict[str, str] = {
    "Armed clash": "Battles",
    "Government regains territory": "Battles",
    "Non-state actor overtakes territory": "Battles",
    "Chemical weapon": "Explosions/Remote violence",
    "Air/drone strike": "Explosions/Remote violence",
    "Suicide bomb": "Explosions/Remote violence",
    "Shelling/artillery/missile attack": "Explosions/Remote violence",
    "Remote explosive/landmine/IED": "Explosions/Remote violence",
    "Grenade": "Explosions/Remote violence",
    "Sexual violence": "Violence against civilians",
    "Attack": "Violence against civilians",
    "Abduction/forced disappearance": "Violence against civilians",
    "Peaceful protest": "Protests",
    "Protest with intervention": "Protests",
    "Excessive force against protesters": "Protests",
    "Violent demonstration": "Riots",
    "Mob violence": "Riots",
    "Agreement": "Strategic developments",
    "Arrests": "Strategic developments",
    "Change to group/activity": "Strategic developments",
    "Disrupted weapons use": "Strategic developments",
    "Headquarters or base established": "Strategic developments",
    "Looting/property destruction": "Strategic developments",
    "Non-violent transfer of territory": "Strategic developments",
    "Other": "Strategic developments",
}

EVENT_TYPES: tuple[str, ...] = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
)

# Closest PLOVER type per ACLED sub-event type.
PLOVER: dict[str, str] = {
    "Armed clash": "ASSAULT",
    "Government regains territory": "ASSAULT",
    "Non-state actor overtakes territory": "ASSAULT",
    "Chemical weapon": "ASSAULT",
    "Air/drone strike": "ASSAULT",
    "Suicide bomb": "ASSAULT",
    "Shelling/artillery/missile attack": "ASSAULT",
    "Remote explosive/landmine/IED": "ASSAULT",
    "Grenade": "ASSAULT",
    "Sexual violence": "ASSAULT",
    "Attack": "ASSAULT",
    "Abduction/forced disappearance": "ASSAULT",
    "Peaceful protest": "PROTEST",
    "Protest with intervention": "PROTEST",
    "Excessive force against protesters": "COERCE",
    "Violent demonstration": "PROTEST",
    "Mob violence": "PROTEST",
    "Agreement": "AGREE",
    "Arrests": "COERCE",
    "Change to group/activity": "MOBILIZE",
    "Disrupted weapons use": "COERCE",
    "Headquarters or base established": "MOBILIZE",
    "Looting/property destruction": "COERCE",
    "Non-violent transfer of territory": "CONCEDE",
    "Other": "MOBILIZE",
}

# CASE 2021 task 2 labels -> ACLED sub-event type; labels absent here mean "no ACLED event".
CASE_LABELS: dict[str, str] = {
    "ABDUCT_DISSAP": "Abduction/forced disappearance",
    "AGREEMENT": "Agreement",
    "AIR_STRIKE": "Air/drone strike",
    "ARMED_CLASH": "Armed clash",
    "ARREST": "Arrests",
    "ART_MISS_ATTACK": "Shelling/artillery/missile attack",
    "ATTACK": "Attack",
    "CHANGE_TO_GROUP_ACT": "Change to group/activity",
    "CHEM_WEAP": "Chemical weapon",
    "DISR_WEAP": "Disrupted weapons use",
    "FORCE_AGAINST_PROTEST": "Excessive force against protesters",
    "GOV_REGAINS_TERIT": "Government regains territory",
    "GRENADE": "Grenade",
    "HQ_ESTABLISHED": "Headquarters or base established",
    "MOB_VIOL": "Mob violence",
    "NON_STATE_ACTOR_OVERTAKES_TER": "Non-state actor overtakes territory",
    "NON_VIOL_TERRIT_TRANSFER": "Non-violent transfer of territory",
    "OTHER": "Other",
    "PEACE_PROTEST": "Peaceful protest",
    "PROPERTY_DISTRUCT": "Looting/property destruction",
    "PROTEST_WITH_INTER": "Protest with intervention",
    "REM_EXPLOS": "Remote explosive/landmine/IED",
    "SEX_VIOL": "Sexual violence",
    "SUIC_BOMB": "Suicide bomb",
    "VIOL_DEMONSTR": "Violent demonstration",
}


def event_type(sub_event_type: str) -> str:
    """The ACLED event type of an ACLED sub-event type (KeyError if it is not one)."""
    return SUB_EVENT_TYPES[sub_event_type]


def plover(sub_event_type: str) -> str | None:
    """The closest PLOVER event type of an ACLED sub-event type."""
    return PLOVER.get(sub_event_type)


def case_label_to_acled(label: str) -> str | None:
    """Map a CASE 2021 task-2 label to an ACLED sub-event type; None for non-ACLED labels."""
    return CASE_LABELS.get(label.strip().upper())
