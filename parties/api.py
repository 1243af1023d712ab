"""JSON API of the party finder, mounted at /api/parties/."""

import datetime
import uuid
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Path, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, field_validator

from common.schemas import Detail, IsoDate, StrictIn, strict_choice, strict_int
from common.text import NOT_BLANK
from parties.forms import clean_city
from parties.models import CITY_MAX_LENGTH, NAME_MAX_LENGTH
from parties.store import MAX_PEOPLE, InvalidChange, PartyNotFound, get_store, parse_id

router = Router(tags=["parties"])

# What clean_city accepts, so the schema says it: no "/", "%", NUL or control
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
    def name_is_not_blank(cls, value):
        if not value.strip():
            raise ValueError("name cannot be blank")
        if "\x00" in value:
            raise ValueError("name cannot contain NUL characters")
        return value.strip()


class PeopleIn(StrictIn):
    prev: strict_int(ge=0, le=MAX_PEOPLE, description="The count the client last saw")
    delta: strict_choice(1, -1, description="+1 or -1")


class PeopleOut(Schema):
    applied: bool
    people: int
    detail: str = Field("", description="Why it was not applied, when it was not")


def _city(city: str) -> str:
    if len(city) > CITY_MAX_LENGTH:
        raise HttpError(400, f"city is longer than {CITY_MAX_LENGTH} characters.")
    try:
        return clean_city(city)
    except ValidationError as exc:
        raise HttpError(400, " ".join(exc.messages)) from None


def _id(party_id: str) -> uuid.UUID:
    try:
        return parse_id(party_id)
    except PartyNotFound as exc:
        raise Http404(str(exc)) from None


@router.get("/{city}/", response=list[PartyOut], summary="A city's parties, newest date first")
def list_parties(request, city: City):
    return get_store().in_city(_city(city))


@router.post("/{city}/", response={201: PartyOut, 400: Detail}, summary="Create a party in a city")
def create_party(request, city: City, payload: PartyIn):
    return Status(201, get_store().create(city=_city(city), **payload.dict()))


@router.get("/{city}/{party_id}/", response={200: PartyOut, 404: Detail}, summary="One party")
def get_party(request, city: City, party_id: str):
    try:
        return get_store().get(city, _id(party_id))
    except PartyNotFound as exc:
        raise Http404(str(exc)) from None


@router.delete("/{city}/{party_id}/", response={204: None, 404: Detail}, summary="Delete a party")
def delete_party(request, city: City, party_id: str):
    try:
        get_store().delete(city, _id(party_id))
    except PartyNotFound as exc:
        raise Http404(str(exc)) from None
    return Status(204, None)


@router.post(
    "/{city}/{party_id}/people/",
    response={200: PeopleOut, 409: PeopleOut, 400: Detail, 404: Detail},
    summary="Count me in (+1) or out (-1), only if the count is still `prev`",
    description="Compare-and-set: 200 when applied; 409 with the current count when it changed first, "
                "or with the reason when the count would leave 0..2147483647.",
)
def change_people(request, city: City, party_id: str, payload: PeopleIn):
    try:
        change = get_store().change_people(city, _id(party_id), prev=payload.prev, delta=payload.delta)
    except PartyNotFound as exc:
        raise Http404(str(exc)) from None
    except InvalidChange as exc:
        # prev and delta are each valid; together they would leave the allowed range, which
        # is a conflict with the count, as a lost compare-and-set is.
        current = get_store().get(city, _id(party_id)).people
        return Status(409, {"applied": False, "people": current, "detail": str(exc)})
    if change.applied:
        return Status(200, change)
    detail = f"The count is {change.people}, not {payload.prev}: someone changed it first."
    return Status(409, {"applied": False, "people": change.people, "detail": detail})
