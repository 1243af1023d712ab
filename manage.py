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


if __name__ == "__main__":
    main()
