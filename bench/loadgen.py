"""A cheap closed-loop HTTP/1.1 load generator: N keep-alive clients in one thread on epoll (Linux).

http.client in a thread per client spends more CPU per request than a small Django view,
on the cores the server under test needs, and its threads fight over the GIL, which shows up
as the server's latency. Here every client is a non-blocking socket with its request bytes
built once; a response is read up to its Content-Length. Each client sends its next request
the moment its answer is complete (closed loop), so mean latency = clients / throughput.
"""

import select
import socket
import statistics
import time


class _Client:
    __slots__ = ("sock", "left", "buffer", "started", "times", "failures", "bodies")

    def __init__(self, sock, count):
        self.sock, self.left, self.buffer = sock, count, b""
        self.started, self.times, self.failures, self.bodies = 0.0, [], 0, []


def _request(method, path, port):
    return (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Length: 0\r\n\r\n").encode()


def _complete(buffer):
    """(status, body, rest) once `buffer` holds a whole response, else None."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buffer[:end].split(b"\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head[1:]
                   if line[:15].lower() == b"content-length:"), None)
    if length is None:
        raise ValueError(f"response without Content-Length: {head[0]!r}")
    if len(buffer) < end + 4 + length:
        return None
    body_end = end + 4 + length
    return int(head[0].split()[1]), buffer[end + 4:body_end], buffer[body_end:]


def drive(port, method, path, *, total, clients, keep_bodies=False, timeout=120):
    """`total` requests from `clients` keep-alive clients, all connected before the clock
    starts. Returns req/s, p50 and p99 in ms, failures (non-2xx answers and requests never
    answered) and, with keep_bodies, the 2xx bodies."""
    request = _request(method, path, port)
    share = [total // clients + (i < total % clients) for i in range(clients)]
    poller = select.epoll()
    active, by_fd = [], {}
    for count in share:
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        active.append(_Client(sock, count))
    started = time.perf_counter()
    for client in active:
        by_fd[client.sock.fileno()] = client
        poller.register(client.sock, select.EPOLLIN)
        _send(client, request)
    deadline = started + timeout
    running = len(active)
    while running and time.perf_counter() < deadline:
        for fd, _ in poller.poll(1.0):
            running -= not _on_readable(by_fd[fd], request, poller, keep_bodies)
    elapsed = time.perf_counter() - started
    for client in active:
        # requests never sent, and the one in flight when the server hung up or time ran out
        client.failures += client.left + (client.started > 0)
        client.sock.close()
    poller.close()
    return _summary(active, elapsed)


def _send(client, request):
    client.started = time.perf_counter()
    client.sock.sendall(request)  # small enough for an empty socket buffer
    client.left -= 1


def _on_readable(client, request, poller, keep_bodies):
    """Read what arrived; on a complete answer, send the next request. False when done."""
    try:
        data = client.sock.recv(262144)
    except BlockingIOError:
        return True
    except OSError:
        data = b""
    if not data:
        poller.unregister(client.sock)
        client.sock.close()
        return False
    client.buffer += data
    answer = _complete(client.buffer)
    if answer is None:
        return True
    status, body, client.buffer = answer
    client.times.append(time.perf_counter() - client.started)
    if 200 <= status < 300:
        if keep_bodies:
            client.bodies.append(body)
    else:
        client.failures += 1
    if client.left == 0:
        client.started = 0.0
        poller.unregister(client.sock)
        return False
    _send(client, request)
    return True


def _summary(clients, elapsed):
    times = sorted(t for c in clients for t in c.times)
    if not times:
        return {"rps": 0.0, "p50": 0.0, "p99": 0.0, "failures": sum(c.failures for c in clients),
                "bodies": []}
    return {"rps": len(times) / elapsed, "p50": statistics.median(times) * 1000,
            "p99": times[max(int(len(times) * 0.99) - 1, 0)] * 1000,
            "failures": sum(c.failures for c in clients), "bodies": [b for c in clients for b in c.bodies]}
