"""Gymnasieskolan's programmes and the counting rules for upper-secondary school. Plain
Python, no Django; docs/rules.md and docs/statistics.md cite each rule.

The national programmes and their two kinds are skollagen (2010:800) 16 kap. 2 § and
bilaga 2 (högskoleförberedande program and yrkesprogram); the introduktionsprogram are
17 kap. 2 § (programinriktat val, yrkesintroduktion, individuellt alternativ,
språkintroduktion). The two-letter codes are Skolverket's."""

from __future__ import annotations

PREPARATORY = "hogskoleforberedande"
VOCATIONAL = "yrkesprogram"
INTRODUCTION = "introduktionsprogram"

PROGRAMME_KINDS = {
    PREPARATORY: "Högskoleförberedande program",
    VOCATIONAL: "Yrkesprogram",
    INTRODUCTION: "Introduktionsprogram",
}

# code: (name, kind)
PROGRAMMES: dict[str, tuple[str, str]] = {
    "BA": ("Bygg- och anläggningsprogrammet", VOCATIONAL),
    "BF": ("Barn- och fritidsprogrammet", VOCATIONAL),
    "EE": ("El- och energiprogrammet", VOCATIONAL),
    "EK": ("Ekonomiprogrammet", PREPARATORY),
    "ES": ("Estetiska programmet", PREPARATORY),
    "FT": ("Fordons- och transportprogrammet", VOCATIONAL),
    "HA": ("Handels- och administrationsprogrammet", VOCATIONAL),
    "HT": ("Hotell- och turismprogrammet", VOCATIONAL),
    "HU": ("Humanistiska programmet", PREPARATORY),
    "HV": ("Hantverksprogrammet", VOCATIONAL),
    "IN": ("Industritekniska programmet", VOCATIONAL),
    "NA": ("Naturvetenskapsprogrammet", PREPARATORY),
    "NB": ("Naturbruksprogrammet", VOCATIONAL),
    "RL": ("Restaurang- och livsmedelsprogrammet", VOCATIONAL),
    "SA": ("Samhällsvetenskapsprogrammet", PREPARATORY),
    "TE": ("Teknikprogrammet", PREPARATORY),
    "VF": ("VVS- och fastighetsprogrammet", VOCATIONAL),
    "VO": ("Vård- och omsorgsprogrammet", VOCATIONAL),
    "IMV": ("Introduktionsprogram: programinriktat val", INTRODUCTION),
    "IMY": ("Introduktionsprogram: yrkesintroduktion", INTRODUCTION),
    "IMA": ("Introduktionsprogram: individuellt alternativ", INTRODUCTION),
    "IMS": ("Introduktionsprogram: språkintroduktion", INTRODUCTION),
}


def programme_kind(code: str) -> str | None:
    found = PROGRAMMES.get(code)
    return found[1] if found else None


def programme_error(school_form: str, programme: str) -> str | None:
    """A programme only with its school form: a national programme in gymnasieskolan, an
    introduktionsprogram as that school form. None when they agree (or none is given)."""
    if not programme:
        return None
    kind = programme_kind(programme)
    if kind is None:
        return "unknown"
    if school_form == "introduktionsprogram":
        return None if kind == INTRODUCTION else "national_as_introduction"
    if school_form == "gymnasieskola":
        return None if kind != INTRODUCTION else "introduction_as_national"
    return "not_upper_secondary"
