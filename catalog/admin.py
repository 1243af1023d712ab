from django.contrib import admin

from catalog.models import AUTHOR_ORDER, Author, Book


class BookInline(admin.TabularInline):
    model = Book
    extra = 1
    fields = ["title", "created_at"]
    readonly_fields = ["created_at"]
    ordering = ["created_at", "id"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "created_at"]
    list_filter = ["country"]
    search_fields = ["name"]
    ordering = list(AUTHOR_ORDER)
    inlines = [BookInline]


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "created_at"]
    list_select_related = ["author"]
    search_fields = ["title", "author__name"]
    autocomplete_fields = ["author"]
    ordering = ["title", "id"]
