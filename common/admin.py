from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown in the admin, never changed there: for rows only the app itself writes
    (loaded trips, the bank's ledger), where a hand edit would make them disagree."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
