#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A NATS subscriber on the raw text protocol (no client library needed).
"""Subscribe to a NATS subject and record every message.

As a program:  nats_sub.py HOST PORT SUBJECT OUTFILE
  appends one JSON line per message to OUTFILE:
      {"subject": "...", "data": "..."}
  and a line {"ready": N} each time the subscription is (re)confirmed by
  the server (N counts connections). It reconnects forever when the
  server goes away, so a test can stop and restart the server. It exits
  on SIGTERM.

As a module: Subscriber(host, port, subject, on_msg, on_ready).start().

The protocol: the server greets with INFO; we send CONNECT, SUB and PING;
its PONG confirms the SUB. It delivers "MSG <subj> <sid> [reply] <n>"
followed by n bytes and CRLF, and PINGs us now and then (we PONG).
"""

import json
import os
import signal
import socket
import sys
import threading
import time


class Subscriber:
    def __init__(self, host, port, subject, on_msg, on_ready=None):
        self.host = host
        self.port = port
        self.subject = subject
        self.on_msg = on_msg
        self.on_ready = on_ready
        self.stopping = False
        self.connections = 0
        self.sock = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopping = True
        s = self.sock
        if s is not None:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.thread.join(5)

    def _run(self):
        while not self.stopping:
            try:
                self._session()
            except (OSError, ValueError):
                pass
            if not self.stopping:
                time.sleep(0.1)

    def _session(self):
        s = socket.create_connection((self.host, self.port), timeout=2)
        self.sock = s
        try:
            s.settimeout(None)
            f = s.makefile("rb")
            line = f.readline()
            if not line.startswith(b"INFO "):
                raise ValueError("no INFO from the server")
            s.sendall(b'CONNECT {"verbose":false,"pedantic":false,'
                      b'"name":"nats_sub.py"}\r\n')
            s.sendall(b"SUB " + self.subject.encode() + b" 1\r\n")
            s.sendall(b"PING\r\n")
            confirmed = False
            while True:
                line = f.readline()
                if not line:
                    return
                if line == b"PING\r\n":
                    s.sendall(b"PONG\r\n")
                elif line == b"PONG\r\n":
                    if not confirmed:
                        confirmed = True
                        self.connections += 1
                        if self.on_ready is not None:
                            self.on_ready(self.connections)
                elif line.startswith(b"MSG "):
                    parts = line.split()
                    n = int(parts[-1])
                    data = f.read(n + 2)
                    if len(data) != n + 2:
                        return
                    self.on_msg(parts[1].decode(),
                                data[:n].decode("utf-8", "replace"))
                elif line.startswith(b"-ERR"):
                    raise ValueError(line.decode().strip())
        finally:
            self.sock = None
            s.close()


def main(argv):
    if len(argv) != 5:
        sys.stderr.write("usage: nats_sub.py HOST PORT SUBJECT OUTFILE\n")
        return 2
    host, port, subject, out = argv[1], int(argv[2]), argv[3], argv[4]
    lock = threading.Lock()
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(obj):
        # One write per line, so a reader never sees half a line.
        with lock:
            os.write(fd, (json.dumps(obj) + "\n").encode())

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    sub = Subscriber(host, port, subject,
                     lambda subj, data: write({"subject": subj, "data": data}),
                     lambda n: write({"ready": n})).start()
    while not stop.wait(0.2):
        pass
    sub.stopping = True
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
