from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project itself: home page, health, and project-wide management commands."""

    name = "config"
    verbose_name = "Project"

    def ready(self):
        from django.db.backends.signals import connection_created

        from config.dbhealth import check_without_round_trip

        connection_created.connect(check_without_round_trip, dispatch_uid="config.dbhealth")
