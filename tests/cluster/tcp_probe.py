#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# TCP probe for the cluster tests. "serve NAME PORT" answers every
# connection with NAME; "client IP PORT LOG" connects to IP:PORT again and
# again and appends "<milliseconds since the epoch> <answer or ->" to LOG.
# Both exit by themselves after --lifetime seconds (default 600), so a
# test killed without its cleanup leaves nothing running for long.

import argparse
import socket
import sys
import time


def serve(name, port, lifetime):
    end = time.monotonic() + lifetime
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    srv.listen(64)
    srv.settimeout(1.0)
    reply = (name + "\n").encode()
    while time.monotonic() < end:
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        try:
            conn.sendall(reply)
        except OSError:
            pass
        conn.close()
    return 0


def ask(ip, port, timeout):
    try:
        with socket.create_connection((ip, port), timeout=timeout) as conn:
            conn.settimeout(timeout)
            data = conn.recv(256)
    except OSError:
        return "-"
    answer = data.decode(errors="replace").strip()
    return answer if answer else "-"


def client(ip, port, log, lifetime, interval, timeout):
    end = time.monotonic() + lifetime
    with open(log, "a", buffering=1) as out:
        while time.monotonic() < end:
            answer = ask(ip, port, timeout)
            out.write("%d %s\n" % (int(time.time() * 1000), answer))
            time.sleep(interval)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--lifetime", type=float, default=600.0)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("name")
    s.add_argument("port", type=int)
    c = sub.add_parser("client")
    c.add_argument("ip")
    c.add_argument("port", type=int)
    c.add_argument("log")
    c.add_argument("--interval", type=float, default=0.05)
    c.add_argument("--timeout", type=float, default=0.3)
    a = p.parse_args()
    if a.cmd == "serve":
        return serve(a.name, a.port, a.lifetime)
    return client(a.ip, a.port, a.log, a.lifetime, a.interval, a.timeout)


if __name__ == "__main__":
    sys.exit(main())
