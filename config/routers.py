"""Send each app to its own alias when it has one (see common.databases.alias_for)."""

from django.conf import settings

from common.databases import MIGRATE_ALSO, alias_for, is_cassandra


def _alias(app_label):
    return alias_for(app_label, settings.DATABASES)


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
        if is_cassandra(settings.DATABASES.get(db, {})):
            return False
        # MIGRATE_ALSO: manage.py move_app creates an app's tables on its target alias too.
        return db == _alias(app_label) or MIGRATE_ALSO.get(db) == app_label
