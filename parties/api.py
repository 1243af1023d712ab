"""JSON API of the party finder, mounted at /api/parties/."""

import datetime
import uuid
from typing import Annotated

from ninja import Path, Router, Schema, Status
from pydantic import Field, field_validator

from common.schemas import IsoDate, StrictIn, strict_choice, strict_int
from common.text import NOT_BLANK
from parties import services
from parties.models import CITY_MAX_LENGTH, NAME_MAX_LENGTH
from parties.services import city_name
from parties.store import MAX_PEOPLE, get_store, parse_id

router = Router(tags=["parties"])

# What parties.services.city_name accepts, so the schema says it: no "/", "%", NUL or control
# characters, and something besides spaces.
CITY_TEXT = r"[^/%\x00-\x1f\x7f-\x9f]"
City = Annotated[str, Path(
    max_length=CITY_MAX_LENGTH, pattern=rf"^{CITY_TEXT}*[^\s/%\x00-\x1f\x7f-\x9f]{CITY_TEXT}*$",
    description="A city name, as typed (not percent-encoded bytes)",
)]


class PartyOut(Schema):
    id: uuid.UUID
    city: str
    name: str
    date: datetime.date
    people: int


class PartyIn(StrictIn):
    name: str = Field(min_length=1, max_length=NAME_MAX_LENGTH, pattern=NOT_BLANK)
    date: IsoDate
    people: strict_int(ge=0, le=MAX_PEOPLE) = 0

    @field_validator("name")
    @classmethod
    def without_surrounding_spaces(cls, value):
        # Blank and NUL never get here: the NOT_BLANK pattern refuses exactly those.
        return value.strip()


class PeopleIn(StrictIn):
    prev: strict_int(ge=0, le=MAX_PEOPLE, description="The count the client last saw")
    delta: strict_choice(1, -1, description="+1 or -1")


class PeopleOut(Schema):
    applied: bool
    people: int
    detail: str = Field("", description="Why it was not applied, when it was not")


@router.get("/{city}/", response=list[PartyOut], summary="A city's parties, newest date first")
def list_parties(request, city: City):
    return get_store().in_city(city_name(raw=city))


@router.post("/{city}/", response={201: PartyOut}, summary="Create a party in a city")
def create_party(request, city: City, payload: PartyIn):
    return Status(201, get_store().create(city=city_name(raw=city), **payload.dict()))


@router.get("/{city}/{party_id}/", response=PartyOut, summary="One party")
def get_party(request, city: City, party_id: str):
    return get_store().get(city, parse_id(party_id))


@router.delete("/{city}/{party_id}/", response={204: None}, summary="Delete a party")
def delete_party(request, city: City, party_id: str):
    get_store().delete(city, parse_id(party_id))
    return Status(204, None)


@router.post(
    "/{city}/{party_id}/people/",
    response={200: PeopleOut, 409: PeopleOut},
    summary="Count me in (+1) or out (-1), only if the count is still `prev`",
    description="Compare-and-set: 200 when applied; 409 with the current count when it changed first, "
                "or with the reason when the count would leave 0..2147483647.",
)
def change_people(request, city: City, party_id: str, payload: PeopleIn):
    change = services.change_people(city=city, party_id=party_id, prev=payload.prev, delta=payload.delta)
    if change.applied:
        return Status(200, change)
    detail = change.refused or f"The count is {change.people}, not {payload.prev}: someone changed it first."
    return Status(409, {"applied": False, "people": change.people, "detail": detail})
