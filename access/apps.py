from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Who may call the API: hashed API tokens, the auth classes and throttles the
    routers use, and the one table (access.policy) that says which operation needs what."""

    name = "access"
    verbose_name = "API access"
    default_auto_field = "django.db.models.BigAutoField"
