"""Send each app to its own alias when it has one (see config.databases)."""

from django.conf import settings

from config.databases import APPS, CASSANDRA_ENGINE

# alias -> app label: `manage.py move_app` (moving/) creates that app's tables on that
# alias too, while it migrates its target.
MIGRATE_ALSO: dict[str, str] = {}


def _alias(app_label):
    if app_label in APPS and app_label in settings.DATABASES:
        return app_label
    return "default"


class AppDatabaseRouter:
    """An app with its own `<APP>_DATABASE_URL` lives there and only there.

    Everything else (auth, admin, sessions, contenttypes, apps without a URL) stays on
    `default`.
    """

    def db_for_read(self, model, **hints):
        return _alias(model._meta.app_label)

    def db_for_write(self, model, **hints):
        return _alias(model._meta.app_label)

    def allow_relation(self, obj1, obj2, **hints):
        return _alias(obj1._meta.app_label) == _alias(obj2._meta.app_label)

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A Cassandra alias gets its tables from sync_cassandra; SQL migrations never run there.
        if settings.DATABASES.get(db, {}).get("ENGINE") == CASSANDRA_ENGINE:
            return False
        return db == _alias(app_label) or MIGRATE_ALSO.get(db) == app_label
