import uuid

from django import forms

from common.errors import Invalid
from parties.models import CITY_MAX_LENGTH, NAME_MAX_LENGTH, Party
from parties.services import city_name
from parties.store import MAX_PEOPLE


def clean_city(value: str) -> str:
    # The rules are the domain's (parties.services), shared with the API; a form shows them.
    try:
        return city_name(raw=value)
    except Invalid as exc:
        raise forms.ValidationError(str(exc)) from None


def clean_name(value: str) -> str:
    name = value.strip()
    if not name:
        raise forms.ValidationError("Name the party.")
    return name


class CityForm(forms.Form):
    city = forms.CharField(max_length=CITY_MAX_LENGTH)

    def clean_city(self):
        return clean_city(self.cleaned_data["city"])


class PartyRules:
    """The city and name rules of a party form, the pages' and the admin's alike."""

    def clean_city(self):
        return clean_city(self.cleaned_data["city"])

    def clean_name(self):
        return clean_name(self.cleaned_data["name"])


class PartyForm(PartyRules, forms.Form):
    # Chosen when the form is shown: the form sent twice makes one party (services.create_party).
    form_key = forms.CharField(required=False, widget=forms.HiddenInput)
    city = forms.CharField(max_length=CITY_MAX_LENGTH)
    name = forms.CharField(max_length=NAME_MAX_LENGTH)
    date = forms.DateField(
        input_formats=["%Y-%m-%d"], help_text="YYYY-MM-DD",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    people = forms.IntegerField(min_value=0, max_value=MAX_PEOPLE, initial=0)

    def clean_form_key(self):
        # Not the user's to get wrong: a form without one (or with a mangled one) makes a party.
        try:
            return uuid.UUID(self.cleaned_data["form_key"])
        except ValueError:
            return None


class PartyAdminForm(PartyRules, forms.ModelForm):
    """The admin's party: the same city, name and count rules as the pages and the API (a
    city with a "/" would have no URL, and every page listing it would fail)."""

    people = forms.IntegerField(min_value=0, max_value=MAX_PEOPLE, initial=0)

    class Meta:
        model = Party
        fields = ["city", "name", "date", "people"]


class PeopleForm(forms.Form):
    """One +1 or −1 click, with the count the page showed when it was clicked."""

    prev = forms.IntegerField(min_value=0, max_value=MAX_PEOPLE)
    delta = forms.IntegerField()

    def clean_delta(self):
        delta = self.cleaned_data["delta"]
        if delta not in (1, -1):
            raise forms.ValidationError(f"delta must be +1 or -1, not {delta}.")
        return delta

    def clean(self):
        data = super().clean()
        if data.get("prev") == 0 and data.get("delta") == -1:
            raise forms.ValidationError("The count cannot go below 0.")
        return data

    def reason(self) -> str:
        return " ".join(str(e) for errors in self.errors.values() for e in errors)
