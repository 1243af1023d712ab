"""Log lines stamped in UTC, and saying so.

Django sets the process' time zone to TIME_ZONE (America/New_York) when its settings load, so
gunicorn's master (which never loads them) and its workers (which do) stamped one log in two
zones, and our lines carried no offset to tell which.
"""

import logging
import time


class UTCFormatter(logging.Formatter):
    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"
