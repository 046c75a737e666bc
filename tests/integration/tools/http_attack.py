#!/usr/bin/env python3
"""Hostile HTTP clients against `ferry mon --web` (tests/integration/test_mon_web.sh).

    http_attack.py PORT oversized|slowloris|garbage|post|flood N|stalled-stream

Each mode prints what the server answered and exits non-zero when the server misbehaved
(accepted what it must refuse, kept a connection it must drop, or hung)."""
import socket
import sys
import time

HOST = "127.0.0.1"


def connect(port, timeout=10):
    s = socket.create_connection((HOST, port), timeout=timeout)
    return s


def read_all(s, limit=1 << 20):
    data = b""
    while len(data) < limit:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
    return data


def status_of(data):
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def expect(port, payload, want):
    s = connect(port)
    try:
        s.sendall(payload)
    except (BrokenPipeError, ConnectionResetError):
        pass
    got = status_of(read_all(s))
    s.close()
    print(f"status {got}")
    return got == want


def oversized(port):
    return expect(port, b"GET / HTTP/1.1\r\nX-Pad: " + b"a" * 20000 + b"\r\n\r\n", 431)


def garbage(port):
    return expect(port, bytes(range(1, 256)) * 4, 400)


def post(port):
    return expect(port, b"POST /state HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 405)


def slowloris(port):
    # One header byte a second: the server must give up on the head within its few seconds
    # (408, then close), not wait as long as bytes keep trickling in.
    s = connect(port, timeout=30)
    start = time.monotonic()
    s.sendall(b"GET / HTTP/1.1\r\n")
    answer, closed = b"", False
    while time.monotonic() - start < 20 and not closed:
        try:
            s.sendall(b"X")
        except (BrokenPipeError, ConnectionResetError):
            closed = True
            break
        s.settimeout(1)
        try:
            data = s.recv(4096)
            answer += data
            closed = data == b""
        except socket.timeout:
            pass
        except ConnectionResetError:
            closed = True
    took = time.monotonic() - start
    status = status_of(answer) if answer else None
    print(f"dropped after {took:.1f} s with status {status}" if closed else "never dropped")
    # Not sooner than the head timeout either: an early close would mean a refusal
    # (a full server, a parse error), not the slow-head rule.
    return closed and status in (None, 408) and 3 <= took < 15


def flood(port, n):
    # n connections at once, each silent: the server caps them, refuses the rest at once (503)
    # and stays responsive.
    socks, refused = [], 0
    for _ in range(n):
        s = connect(port)
        socks.append(s)
    time.sleep(0.5)
    for s in socks:
        s.setblocking(False)
        try:
            data = s.recv(4096)
            if status_of(data) == 503:
                refused += 1
        except BlockingIOError:
            pass
        except ConnectionResetError:
            refused += 1
    print(f"{n} connections, {refused} refused")
    for s in socks:
        s.close()
    return refused >= n - 64


def stalled_stream(port):
    # Subscribes to /events with a tiny receive buffer and never reads: the server must keep
    # serving the others meanwhile (checked by the caller). The drop of a stream whose backlog
    # is full is tested in tests/unit/monitor/web/http_server_test.cpp, with a small bound.
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect((HOST, port))
    s.sendall(b"GET /events HTTP/1.1\r\n\r\n")
    print("stalled stream open")
    time.sleep(float(sys.argv[3]) if len(sys.argv) > 3 else 5)
    s.close()
    return True


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    modes = {"oversized": oversized, "garbage": garbage, "post": post, "slowloris": slowloris,
             "stalled-stream": stalled_stream}
    ok = flood(port, int(sys.argv[3])) if mode == "flood" else modes[mode](port)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
