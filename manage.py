#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A setting the user has to fix (a missing secret, a bad URL): the message names it,
        # and a traceback would only bury it.
        sys.exit(f"Error: {exc}")
    except KeyboardInterrupt:
        # Ctrl-C before a command's own handling starts (Django's start-up, `make serve`'s
        # migrate): the shell's status for it, without a traceback.
        sys.exit(130)
    except Exception as exc:
        # A command the project does not own (createsuperuser, axes_reset) run before
        # `migrate_all`, against a database that is down, or on a connection the server closed
        # (InterfaceError, not a kind of DatabaseError): say which, not where it broke.
        from config.dberrors import is_database_error

        if "--traceback" in sys.argv or not is_database_error(exc):
            raise
        sys.exit(f"Error: {database_problem(exc)}")


def database_problem(exc) -> str:
    """The alias behind its migrations and the command that fixes it, else the driver's
    error in one line, with any database password taken out."""
    from django.conf import settings

    from common.databases import error_summary
    from config.dberrors import kind
    from config.schema import first_behind

    # A database that is down or busy is not asked again (a dead host can take long to fail).
    behind = first_behind() if kind(exc) != "retry" else None
    return behind or f"{error_summary(exc, settings.DATABASES)} (add --traceback to see where)"


if __name__ == "__main__":
    main()
