"""What the party pages and the API both do beyond fetch-and-render: the rules of a city
name and the people compare-and-set. Keyword-only; refusals are common.errors."""

import unicodedata
import uuid

from common.errors import Invalid
from common.text import has_nul
from parties.models import CITY_MAX_LENGTH
from parties.store import Change, InvalidChange, PartyExists, PartyRecord, get_store, parse_id

# /parties/new/ is the form, so a city called "new" could never be browsed.
RESERVED_CITIES = {"new"}
# URL dot segments: browsers and clients remove them from a path (RFC 3986, 5.2.4).
DOT_SEGMENTS = {".", ".."}


def city_name(*, raw: str) -> str:
    """`raw` with its spaces collapsed, or Invalid(field="city") saying why it is no city."""
    city = " ".join(raw.split())
    if len(city) > CITY_MAX_LENGTH:
        raise Invalid(f"A city name has at most {CITY_MAX_LENGTH} characters.", field="city")
    if not city:
        raise Invalid("Name a city.", field="city")
    if "/" in city:
        raise Invalid("A city name cannot contain “/”.", field="city")
    if has_nul(city):
        raise Invalid("A city name cannot contain NUL characters.", field="city")
    if "%" in city or any(unicodedata.category(ch) in ("Cc", "Cs") for ch in city):
        # Django keeps undecodable bytes of a path percent-encoded (%FF%FE); a city is a name.
        raise Invalid("A city name is words, not control characters or percent-escapes.", field="city")
    if city in DOT_SEGMENTS:
        # A browser resolves /parties/../ to / before asking: the party could never be seen.
        raise Invalid(f"“{city}” cannot be a city: in an address it means “this” or “up” folder.",
                      field="city")
    if city in RESERVED_CITIES:
        raise Invalid(f"“{city}” is reserved for the new-party form; name another city.", field="city")
    return city


def create_party(*, city: str, name: str, date, people: int,
                 form_key: uuid.UUID | None = None) -> PartyRecord:
    """A new party. `form_key` is the new-party form's, chosen when the form was shown: the
    party's id is derived from it and the city, so the form sent twice (a double-click, a
    resend) finds its party and makes no second one, while a different party sent with the
    same key (the form sent back with other values) gets an id of its own. Derived, not taken
    as sent: a key cannot pick the id of a party in another city (Cassandra keys ids by city).
    """
    store = get_store()
    if form_key is not None:
        party_id = uuid.uuid5(form_key, city)
        try:
            return store.create(city=city, name=name, date=date, people=people, party_id=party_id)
        except PartyExists as exc:
            if (exc.party.city, exc.party.name, exc.party.date) == (city, name, date):
                return exc.party
    return store.create(city=city, name=name, date=date, people=people)


def change_people(*, city: str, party_id, prev: int, delta: int) -> Change:
    """Count someone in (+1) or out (-1) only while the count is still `prev`.

    Not applied when someone changed it first, and not applied either (with `refused`
    saying why) when `prev` and `delta` would leave 0..MAX_PEOPLE: each is valid alone,
    together they conflict with the count, as a lost compare-and-set does. A party that
    does not exist is PartyNotFound.
    """
    store, party_id = get_store(), parse_id(party_id)
    try:
        return store.change_people(city, party_id, prev=prev, delta=delta)
    except InvalidChange as exc:
        return Change(applied=False, people=store.get(city, party_id).people, refused=str(exc))
