"""The store's behaviour, the same on SQL and on Cassandra (see tests/support/parties.py)."""

import datetime
import uuid

import pytest

from parties.store import Change, InvalidChange, PartyNotFound, parse_id

pytestmark = [pytest.mark.django_db(databases="__all__"), pytest.mark.cassandra]


def test_a_created_party_can_be_read_back_with_every_field(store, city, make_party):
    created = make_party(name="Rooftop techno", date=datetime.date(2025, 7, 12), people=12)

    party = store.get(city, created.id)

    assert party == created
    assert (party.city, party.name, party.date, party.people) == (
        city,
        "Rooftop techno",
        datetime.date(2025, 7, 12),
        12,
    )
    assert isinstance(party.id, uuid.UUID)
    assert type(party.date) is datetime.date


def test_a_city_lists_its_parties_newest_date_first(store, city, make_party):
    make_party(name="Old", date=datetime.date(2024, 1, 5))
    make_party(name="New", date=datetime.date(2025, 3, 1))
    make_party(name="Middle", date=datetime.date(2024, 8, 9))

    assert [p.name for p in store.in_city(city)] == ["New", "Middle", "Old"]


def test_cities_do_not_see_each_others_parties(store, city, make_party):
    make_party(name="Here")
    make_party(name="Elsewhere", city=f"{city} North")

    assert [p.name for p in store.in_city(city)] == ["Here"]
    assert store.in_city(f"{city} South") == []


def test_a_party_is_only_found_in_its_own_city(store, city, make_party):
    party = make_party()

    with pytest.raises(PartyNotFound):
        store.get(f"{city} North", party.id)


def test_names_with_quotes_commas_and_accents_are_kept_exactly(store, city, make_party):
    party = make_party(name='Santo António, "the" street party')

    assert store.get(city, party.id).name == 'Santo António, "the" street party'


def test_deleting_removes_the_party_and_only_it(store, city, make_party):
    gone, kept = make_party(name="Gone"), make_party(name="Kept")

    store.delete(city, gone.id)

    assert [p.id for p in store.in_city(city)] == [kept.id]
    with pytest.raises(PartyNotFound):
        store.get(city, gone.id)


def test_deleting_an_unknown_party_says_not_found(store, city):
    with pytest.raises(PartyNotFound):
        store.delete(city, uuid.uuid4())


def test_count_me_in_applies_when_the_count_is_still_prev(store, city, make_party):
    party = make_party(people=3)

    assert store.change_people(city, party.id, prev=3, delta=1) == Change(applied=True, people=4)
    assert store.change_people(city, party.id, prev=4, delta=-1) == Change(applied=True, people=3)
    assert store.get(city, party.id).people == 3


def test_a_stale_prev_is_not_applied_and_returns_the_current_count(store, city, make_party):
    party = make_party(people=3)
    store.change_people(city, party.id, prev=3, delta=1)

    change = store.change_people(city, party.id, prev=3, delta=1)

    assert change == Change(applied=False, people=4)
    assert store.get(city, party.id).people == 4


def test_changing_an_unknown_party_says_not_found_and_creates_nothing(store, city):
    with pytest.raises(PartyNotFound):
        store.change_people(city, uuid.uuid4(), prev=0, delta=1)

    assert store.in_city(city) == []


@pytest.mark.parametrize(
    ("prev", "delta", "reason"),
    [
        (3, 2, "delta must be [+]1 or -1"),
        (3, 0, "delta must be [+]1 or -1"),
        (3, -5, "delta must be [+]1 or -1"),
        (0, -1, "below 0"),
        (-1, 1, "prev must be 0 or more"),
    ],
)
def test_impossible_changes_are_refused_with_the_reason_and_change_nothing(
    store, city, make_party, prev, delta, reason
):
    party = make_party(people=3)

    with pytest.raises(InvalidChange, match=reason):
        store.change_people(city, party.id, prev=prev, delta=delta)

    assert store.get(city, party.id).people == 3


def test_the_count_can_go_down_to_zero_but_not_below(store, city, make_party):
    party = make_party(people=1)

    assert store.change_people(city, party.id, prev=1, delta=-1).applied
    with pytest.raises(InvalidChange):
        store.change_people(city, party.id, prev=0, delta=-1)
    assert store.get(city, party.id).people == 0


@pytest.mark.parametrize("raw", ["nope", "123", "", "e2dd79a1-b6c3-4d44-ae6c-11517232361"])
def test_a_malformed_id_names_no_party(raw):
    with pytest.raises(PartyNotFound):
        parse_id(raw)
