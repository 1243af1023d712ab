"""What Django's DEBUG error page shows of settings, the environment and local variables.

Django hides values whose names look secret (API, KEY, SECRET, PASS, TOKEN...). Ours hide
their passwords inside the value: `DATABASE_URL`-style variables (which runserver passes on
in request.META, `.env` included), the Redis cache's LOCATION, a driver's connection string
in a traceback's local variables. Each is shown with the password masked.
"""

import re

from django.views.debug import SafeExceptionReporterFilter

from common.masking import mask_url

# A libpq-style connection string: password=secret or password='sec ret'.
DSN_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


class MaskingFilter(SafeExceptionReporterFilter):
    def cleanse_setting(self, key, value):
        value = super().cleanse_setting(key, value)
        if type(value) is str:  # not a lazy string, whose text may not exist yet
            return DSN_PASSWORD.sub(r"\1***", mask_url(value) if "://" in value else value)
        return value

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleanse_setting(name, value))
                for name, value in super().get_traceback_frame_variables(request, tb_frame)]
