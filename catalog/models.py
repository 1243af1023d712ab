"""The guide's two models. The field definitions are exactly the guide's, so the two
migrations are the ones `makemigrations` writes for it; ordering lives in the queries
(not in Meta) so that no third migration appears."""

from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)
    bio = models.TextField(blank=True)
    country = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.title


# Pagination needs a total order: names repeat, ids do not.
AUTHOR_ORDER = ("name", "id")
# An author's books in the order they were added (a series reads in order).
BOOK_ORDER = ("created_at", "id")
