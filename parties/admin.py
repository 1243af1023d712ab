from django.conf import settings
from django.contrib import admin
from django.db import router

from common.admin import DateHierarchyAdmin
from common.databases import is_cassandra
from parties.forms import PartyAdminForm
from parties.models import Party


class PartyAdmin(DateHierarchyAdmin):
    form = PartyAdminForm
    list_display = ["name", "city", "date", "people"]
    list_filter = ["city"]
    search_fields = ["name", "city"]
    date_hierarchy = "date"
    ordering = ["city", "-date", "name"]


# On Cassandra the SQL table does not exist; the admin cannot page through a
# partitioned table without ALLOW FILTERING, so parties are managed from their pages.
if not is_cassandra(settings.DATABASES[router.db_for_write(Party)]):
    admin.site.register(Party, PartyAdmin)
