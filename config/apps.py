from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project itself: home page, health, and project-wide management commands."""

    name = "config"
    verbose_name = "Project"
