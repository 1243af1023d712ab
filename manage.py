#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except KeyboardInterrupt:
        # Ctrl-C before a command's own handling starts (Django's start-up): the shell's
        # status for it, without a traceback.
        sys.exit(130)


if __name__ == "__main__":
    main()
