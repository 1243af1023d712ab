"""The demo-data ledger: which database got each app's demo rows, and which rows they are.

It lives on `default` whatever alias an app uses, keyed by that alias' database (engine,
host, port and name; never credentials), so pointing an app at a new database seeds that
one once, and a database seeded before is never seeded again, even after its demo rows
were changed or removed.
"""

from django.db import models


class DemoSeed(models.Model):
    """`populate` added `app`'s demo data to `database` once."""

    app = models.CharField(max_length=20)
    database = models.CharField(max_length=500)
    seeded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["app", "database"], name="demo_seed_once")]

    def __str__(self):
        return f"{self.app} demo on {self.database}"


class DemoRow(models.Model):
    """One demo row (`model` is the app_label.model_name, `key` its primary key as text)."""

    seed = models.ForeignKey(DemoSeed, on_delete=models.CASCADE, related_name="rows")
    model = models.CharField(max_length=100)
    key = models.CharField(max_length=200)

    def __str__(self):
        return f"{self.model} {self.key}"
