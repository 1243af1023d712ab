from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project itself: home page, health, and project-wide management commands."""

    name = "config"
    verbose_name = "Project"

    def ready(self):
        from django.core.signals import request_started

        from config.dbhealth import skip_round_trip_checks

        # After Django's own receiver (connected when django.db was imported), which resets
        # each kept connection's check for the new request.
        request_started.connect(skip_round_trip_checks, dispatch_uid="config.dbhealth")
