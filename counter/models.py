from django.db import models, router, transaction
from django.db.models import F

DEFAULT_NAME = "hello-world-button"
NAME_MAX_LENGTH = 100


class CounterQuerySet(models.QuerySet):
    def click(self, name: str) -> int:
        """Add one click to `name` (creating it at first) and return the value after it.

        The increment is a single `UPDATE ... SET value = value + 1`, so concurrent
        clicks never overwrite each other the way read-modify-write does.
        """
        db = router.db_for_write(self.model)
        counters = self.using(db).filter(name=name)
        with transaction.atomic(using=db):
            if not counters.update(value=F("value") + 1):
                # First click: the unique name settles a race between two creators.
                self.using(db).get_or_create(name=name)
                counters.update(value=F("value") + 1)
            # Our UPDATE holds the row (or, on SQLite, the database) until commit, so
            # this reads exactly the value this click produced.
            return counters.values_list("value", flat=True).get()


class Counter(models.Model):
    name = models.SlugField(max_length=NAME_MAX_LENGTH, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    objects = CounterQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}: {self.value}"
