"""Party, on SQL (this model) or on Cassandra (parties.cassandra_models).

The Cassandra model is imported here only when a Cassandra alias is configured:
django_cassandra_engine is installed only then, and sync_cassandra finds the models it
creates by looking through each app's models module.
"""

import uuid

from django.conf import settings
from django.db import models

from common.databases import uses_cassandra

CITY_MAX_LENGTH = 100
NAME_MAX_LENGTH = 200


class Party(models.Model):
    """A party in a city on a date, and how many people said "count me in"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    city = models.CharField(max_length=CITY_MAX_LENGTH)
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    date = models.DateField()
    people = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["city", "-date", "name"]
        indexes = [models.Index(fields=["city", "date"], name="parties_city_date_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(people__gte=0), name="parties_people_not_negative"),
        ]
        verbose_name_plural = "parties"

    def __str__(self):
        return f"{self.name} ({self.city}, {self.date:%Y-%m-%d})"


if uses_cassandra(settings.DATABASES):
    from parties.cassandra_models import PartyByCity  # noqa: F401 - found here by sync_cassandra
