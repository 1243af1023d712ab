"""gunicorn's settings for `make serve`: gunicorn --config gunicorn.conf.py.

Values come from config/serving.py (HOST, WEB_CONCURRENCY, WEB_THREADS; README, "Deploy").
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

try:
    from config import serving
except ImproperlyConfigured as exc:
    sys.exit(f"Error: {exc}")

wsgi_app = "config.wsgi:application"
bind = [serving.BIND]
workers = serving.WORKERS
# gthread: a fixed pool of threads per worker, which is what bounds database connections.
worker_class = "gthread"
threads = serving.THREADS
graceful_timeout = serving.GRACEFUL_TIMEOUT
timeout = 30
keepalive = 5
# Workers inherit this before Django's settings load (an explicit DJANGO_CONN_MAX_AGE wins).
os.environ["DJANGO_CONN_MAX_AGE"] = str(serving.CONN_MAX_AGE)
# gunicorn's runtime control socket sits at one path per user, which two servers on one host
# would fight over; resizing workers at run time would also break the connection bound.
control_socket_disable = True
