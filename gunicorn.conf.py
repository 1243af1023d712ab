"""gunicorn's settings for `make serve`: gunicorn --config gunicorn.conf.py.

Values come from config/serving.py (HOST, WEB_CONCURRENCY, WEB_THREADS; README, "Deploy").
`python gunicorn.conf.py` only checks them: "Error: ..." in one line and status 1 when one is
bad. `make serve` runs that first, since gunicorn itself reads WEB_CONCURRENCY with a bare
int() before it loads this file.
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
# Each worker listens on its own socket and the kernel spreads new connections over them.
# On one shared socket whichever worker wakes first accepts: we saw 47 of 64 keep-alive
# clients, and all 256 of 256, land on one worker, which then did all the work on one core.
# TCP only: a second worker binding the same unix socket path would replace the first's.
reuse_port = not serving.BIND.startswith(("unix:", "fd://"))
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


def on_starting(server):
    # Sockets with SO_REUSEPORT share a port with any other such socket of the same user: a
    # second `make serve` on a port already served would start and split its traffic rather
    # than fail. So the port must be free, for a plain socket, before the workers bind it.
    if reuse_port:
        _check_port_free(serving.BIND)
        server.log.error_log.addFilter(_no_empty_listening_line)


def _no_empty_listening_line(record) -> bool:
    # With reuse_port the master holds no socket: gunicorn's own "Listening at:  (pid)" names
    # none. when_ready says where it listens instead.
    return not (record.msg == "Listening at: %s (%s)" and record.args and not record.args[0])


def _check_port_free(address):
    import socket

    from gunicorn.util import parse_address

    host, port = parse_address(address)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            sys.exit(f"Error: cannot listen on {address}: {exc.strerror} (is another server on it?)")


def post_fork(server, worker):
    # Ctrl-C sends each worker SIGINT (it is in the terminal's process group) and the master
    # sends it SIGQUIT. gthread's quit handler shuts its thread pool down, which takes the
    # pool's lock: a signal that arrived while the main thread held that lock (handing a
    # request to the pool, or in the handler for the other signal) waited for it forever, and
    # the worker hung until the master killed it 25 s later ("was sent SIGKILL!"). So quit as
    # gunicorn's base worker does, once, taking no lock: the pool's idle threads end when the
    # process exits. Set here, before the worker installs its handlers from this attribute.
    from gunicorn.workers.base import Worker

    quitting = []

    def quit_once(signum, frame):
        if not quitting:
            quitting.append(signum)
            Worker.handle_quit(worker, signum, frame)

    worker.handle_quit = quit_once


def when_ready(server):
    if reuse_port:
        server.log.info("Listening at: http://%s (%s), one socket per worker", serving.BIND, server.pid)
