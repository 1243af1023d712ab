from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters


class DateHierarchyAdmin(admin.ModelAdmin):
    """A changelist whose date drill-down refuses a year, month or day too big for a date.

    Django reads `?<field>__year=` with int() and builds a datetime from it, catching only
    ValueError: a 20-digit year raised OverflowError, a 500. As IncorrectLookupParameters it
    gets the admin's own answer to a bad filter (a redirect to `?e=1`).
    """

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except OverflowError as exc:
            raise IncorrectLookupParameters(exc) from None


class ReadOnlyAdmin(DateHierarchyAdmin):
    """Shown in the admin, never changed there: for rows only the app itself writes
    (loaded trips, the bank's ledger), where a hand edit would make them disagree."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
