#!/usr/bin/env python3
"""HTTP clients for test_runner_metrics, honest and hostile, each from a chosen source
address (a loopback address outside --allow is another host as far as ferryd can tell).

  get BIND HOST PORT PATH [METHOD]  one request; prints the response (head and body); exit 3
                                    if the connection closed or reset without one
  big BIND HOST PORT SIZE           a request head of SIZE bytes that never ends; prints the
                                    status line of the answer
  slow BIND HOST PORT INTERVAL      a request head sent a byte per INTERVAL seconds; prints
                                    `answer <status line>` and `closed after <seconds>`
  hold BIND HOST PORT N SECONDS     N connections that send nothing, held SECONDS; prints
                                    `holding` once they are open
  tcp BIND HOST PORT                connects, prints what comes back within 2 s
"""
import socket
import sys
import time


def connect(bind, host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # As the C++ tools (tcp_connect.hpp): the ephemeral port this takes on a runner's
    # address, alive or in TIME_WAIT, must not refuse another suite's runner its bind there.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((bind, 0))
    s.settimeout(30)
    s.connect((host, int(port)))
    return s


def read_all(s):
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    return data


def first_line(data):
    return data.split(b"\r\n", 1)[0].decode("latin-1") if data else "(nothing)"


def main():
    mode, bind, host, port = sys.argv[1:5]
    args = sys.argv[5:]
    if mode == "get":
        method = args[1] if len(args) > 1 else "GET"
        try:
            s = connect(bind, host, port)
            s.sendall(f"{method} {args[0]} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            data = read_all(s)
        except (ConnectionResetError, BrokenPipeError):
            data = b""
        sys.stdout.write(data.decode("utf-8", "replace"))
        sys.exit(0 if data else 3)
    if mode == "big":
        size = int(args[0])
        s = connect(bind, host, port)
        head = b"GET /metrics HTTP/1.1\r\n"
        try:
            while len(head) < size:
                head += b"X-Padding: " + b"a" * 1000 + b"\r\n"
            s.sendall(head)
        except (ConnectionResetError, BrokenPipeError):
            pass
        print(first_line(read_all(s)))
        return
    if mode == "slow":
        interval = float(args[0])
        s = connect(bind, host, port)
        start = time.monotonic()
        s.setblocking(False)
        request = b"GET /metrics HTTP/1.1\r\nHost: slow\r\n" + b"X" * 100000
        data = b""
        for byte in request:
            try:
                s.send(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
            time.sleep(interval)
            try:
                chunk = s.recv(65536)
                data += chunk
                if not chunk:
                    break
            except BlockingIOError:
                pass
            except ConnectionResetError:
                break
            if time.monotonic() - start > 60:
                print("still open after 60 s")
                sys.exit(1)
        print(f"answer {first_line(data)}")
        print(f"closed after {time.monotonic() - start:.1f}")
        return
    if mode == "hold":
        n, seconds = int(args[0]), float(args[1])
        held = [connect(bind, host, port) for _ in range(n)]
        print("holding", flush=True)
        time.sleep(seconds)
        for s in held:
            s.close()
        return
    if mode == "tcp":
        s = connect(bind, host, port)
        s.settimeout(2)
        print(read_all(s).hex()[:200])
        return
    sys.exit(f"unknown mode {mode}")


main()
