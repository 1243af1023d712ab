"""The log's time stamps: UTC, marked Z, whatever TIME_ZONE the process runs in."""

import logging
import time
from datetime import UTC, datetime

from django.conf import settings
from django.utils.log import configure_logging


def test_log_lines_are_stamped_in_utc_with_a_z_in_any_process_time_zone():
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    formatter = logging.getLogger().handlers[0].formatter
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    record.created, record.msecs = 1_780_000_000.25, 250.0  # 2026-05-28 20:26:40.250 UTC

    line = formatter.format(record)

    assert time.strftime("%Z") in ("EST", "EDT")  # Django set the process' zone to TIME_ZONE
    assert line.startswith(datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%S.250Z"))
