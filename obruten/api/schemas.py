"""What the API takes and gives. Text fields refuse NUL and are no longer than the
register's columns, so a bad value is a 422, never a database error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

NO_NUL = r"^[^\x00]*$"


def text(max_length: int) -> type[str]:
    return Annotated[str, StringConstraints(max_length=max_length, pattern=NO_NUL)]  # type: ignore[return-value]


Code = Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)]
Percent = Annotated[Decimal, Field(max_digits=4, decimal_places=1)]
SexCode = Literal["F", "M"]
ProtectionLevel = Literal["none", "sekretessmarkering", "skyddad_folkbokforing", "fingerade_personuppgifter"]
LegalBasisCode = Literal["SoL", "LVU2", "LVU3", "LVU23", "LVU6", "SKYB", ""]
ExitDestinationCode = Literal["hem", "ny_placering", "eget_boende", "annan_kommun", "annat", ""]
LateReasonCode = Literal["ingen_skola", "vantar_beslut", "barnet", "skyddad", "annat", ""]
FollowUpKindCode = Literal[
    "overvagande", "skolsamordnare", "vardnadsoverflyttning", "vardplan", "efter_lvu", "efter_placering"
]
SchoolFormCode = Literal[
    "", "grundskola", "anpassad_grundskola", "gymnasieskola", "introduktionsprogram", "ingen"
]
StepStatus = Literal["done", "not_applicable"]


class ProblemField(Schema):
    field: str
    rule: str
    detail: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[ProblemField] = []


PROBLEMS = {status: Problem for status in (401, 403, 404, 422, 429)}


class ChildIn(Schema):
    personal_number: text(13)  # type: ignore[valid-type]
    first_name: text(100)  # type: ignore[valid-type]
    last_name: text(100)  # type: ignore[valid-type]
    sex: SexCode
    home_municipality: Code = Field(description="SCB:s kommunkod, fyra siffror")
    district: Code = Field(description="stadsdelsnämndens kod")
    unaccompanied: bool = False
    protected_identity: ProtectionLevel = "none"
    address: text(200) | None = Field(  # type: ignore[valid-type]
        None, description="utelämnad: oförändrad vid ändring"
    )
    protection_reason: text(1000) = ""  # type: ignore[valid-type]


class ChildSummary(Schema):
    id: int
    personal_number: str
    first_name: str
    last_name: str
    birth_date: dt.date
    district: str


class SchoolStartOut(Schema):
    """A recorded school start; for a child whose whereabouts are hidden from the caller,
    every field is left out, as on the child's page: only that it is recorded shows."""

    first_school_day: dt.date | None = Field(None, description="utelämnad för ett skyddat barn")
    days_to_school_start: int | None = Field(None, description="utelämnad för ett skyddat barn")
    taught_by_larteamet: bool | None = Field(None, description="utelämnad för ett skyddat barn")
    school: str | None = Field(None, description="skolenhetskod; utelämnad för ett skyddat barn")
    late_reason: str | None = Field(
        None, description="orsak till sen skolstart; utelämnad för ett skyddat barn"
    )


class PlacementOut(Schema):
    id: int
    form: str
    legal_basis: str
    accompanying: bool
    decision_date: dt.date | None
    enforcement_date: dt.date | None
    start_date: dt.date
    end_date: dt.date | None
    district: str
    placing_municipality: str
    school_change: bool
    exit_destination: ExitDestinationCode
    school_start: SchoolStartOut | None
    location_municipality: str | None = Field(None, description="utelämnad för ett skyddat barn")
    unit_name: str | None = Field(None, description="utelämnad för ett skyddat barn")
    address: str | None = Field(None, description="utelämnad för ett skyddat barn")
    school_after: str | None = Field(
        None, description="skolenhetskod för skolan efter placeringen; utelämnad för ett skyddat barn"
    )


QualificationKind = Literal["hogskoleforberedande", "yrkesexamen"]


class QualificationIn(Schema):
    """A gymnasieexamen (skollagen 16 kap. 26–27 §§): which diploma and when."""

    kind: QualificationKind
    date: dt.date


class QualificationOut(Schema):
    kind: str
    date: dt.date


class ChildOut(ChildSummary):
    sex: str
    home_municipality: str
    unaccompanied: bool
    protected_identity: str
    whereabouts_hidden: bool = Field(description="adress, placeringsställe, skola och skolstart utelämnas")
    placements: list[PlacementOut]
    address: str | None = Field(None, description="utelämnad för ett skyddat barn")
    upper_secondary_qualification: QualificationOut | None = Field(None, description="gymnasieexamen")


class PlacementIn(Schema):
    form: Code
    legal_basis: LegalBasisCode
    start_date: dt.date
    end_date: dt.date | None = None
    decision_date: dt.date | None = None
    enforcement_date: dt.date | None = None
    district: Code
    placing_municipality: Code
    location_municipality: Code | None = None
    accompanying: bool = False
    school_change: bool = False
    unit_name: text(200) = ""  # type: ignore[valid-type]
    address: text(200) = ""  # type: ignore[valid-type]
    exit_destination: ExitDestinationCode = Field("", description="vart barnet flyttar; kräver end_date")
    school_after: Code | None = Field(None, description="skolenhetskod för skolan efter placeringen")
    protection_reason: text(1000) = ""  # type: ignore[valid-type]


class SchoolStartIn(Schema):
    first_school_day: dt.date
    school: Code | None = Field(None, description="skolenhetskod; tom om Lärteamet undervisar")
    taught_by_larteamet: bool = False
    late_reason: LateReasonCode = Field("", description="orsak till sen skolstart; krävs om den är sen")


class ResultIn(Schema):
    grade: text(1) = ""  # type: ignore[valid-type]
    assessment: text(20) = ""  # type: ignore[valid-type]


class FollowUpIn(Schema):
    kind: FollowUpKindCode
    date: dt.date
    school_form: SchoolFormCode = ""
    programme: Annotated[str, StringConstraints(max_length=3)] = Field(
        "",
        description="Skolverkets programkod (NA, VO, IMY …) i gymnasieskolan eller på introduktionsprogram",
    )
    school: Code | None = Field(
        None, description="skolenhetskod; utelämnad: oförändrad vid rättelse, tom sträng: ingen skolenhet"
    )
    swedish_subject: Literal["SV", "SVA"] = "SV"
    results: dict[Annotated[str, StringConstraints(max_length=5, pattern=r"^[A-Z0-9]+$")], ResultIn] = {}
    attendance_percent: Percent | None = None
    unexcused_absence_percent: Percent | None = None
    health_exam_requested: dt.date | None = None
    health_exam_done: dt.date | None = None
    dental_exam_latest: dt.date | None = None
    plan: text(5000) = ""  # type: ignore[valid-type]


class ResultOut(Schema):
    subject: str
    grade: str
    assessment: str
    carried_over: bool


class FollowUpOut(Schema):
    id: int
    kind: str
    date: dt.date
    school_form: str
    programme: str
    school: str | None = Field(None, description="skolenhetskod; utelämnad för ett skyddat barn")
    attendance_percent: Decimal | None
    unexcused_absence_percent: Decimal | None
    health_exam_requested: dt.date | None
    health_exam_done: dt.date | None
    dental_exam_latest: dt.date | None
    plan: str
    results: list[ResultOut]


class ChainStepIn(Schema):
    status: StepStatus = "done"
    date: dt.date
    reason: text(1000) = Field("", description="krävs för att ändra någon annans markering")  # type: ignore[valid-type]


class ChainStepOut(Schema):
    step: int
    title: str
    status: str
    date: dt.date


class UndoIn(Schema):
    reason: text(1000)  # type: ignore[valid-type]


class ReportSummary(Schema):
    name: str
    title: str


class ReportOut(Schema):
    name: str
    title: str
    counting_rule: str
    header: list[str]
    rows: list[list[str]]
    note: str
