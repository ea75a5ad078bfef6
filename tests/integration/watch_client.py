#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Raw-socket WATCH clients for the load tests (standard library only).

Sub-commands
  many SOCKET KIND COUNT KEY MARKER READYFILE TIMEOUT
      open COUNT connections, each sending WATCH KEY; once every one has
      received its first NOTIFY, create READYFILE; then read until every
      connection has seen a NOTIFY line containing MARKER, or TIMEOUT
      seconds. Prints "watchers=N got_marker=M notifies=T" and exits 0
      only if all COUNT saw MARKER.
  stall SOCKET KIND READYFILE [KEY...]
      one connection sending WATCH (no key: all keys), never reading;
      creates READYFILE once sent and sleeps until killed.
  notify-bad SOCKET KIND [empty|many|twice]
      sends WATCH with an empty key (default), with 1025 keys, or two
      WATCH requests on one connection, and prints the result of the
      (last) WATCH reply.

KIND is "event" (WATCH 103, NOTIFY 104) or "node" (WATCH 110, NOTIFY 111).
The layout is the one documented in src/protocol/watch_protocol.h; the
header version is 0 on the event socket and 2 on the node socket
(CTDB_NODE_PROTOCOL_VERSION).
"""

import os
import selectors
import socket
import struct
import sys
import time

U32 = struct.Struct("<I")
I32 = struct.Struct("<i")
KINDS = {"event": (103, 104, 0), "node": (110, 111, 2)}


def stringn(s):
    b = s.encode() + b"\0"
    return U32.pack(len(b)) + b


def watch_request(kind, keys, reqid=1):
    watch, _, version = KINDS[kind]
    body = U32.pack(watch) + U32.pack(len(keys))
    for k in keys:
        body += stringn(k)
    return U32.pack(12 + len(body)) + U32.pack(version) + U32.pack(reqid) \
        + body


class Conn:
    def __init__(self, path, kind, keys):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.sock.sendall(watch_request(kind, keys))
        self.sock.setblocking(False)
        self.kind = kind
        self.buf = b""
        self.replied = False
        self.notifies = 0
        self.marker = False

    def packets(self):
        """Read what is there; yield whole packets (cmd, result, rest)."""
        try:
            data = self.sock.recv(1 << 20)
        except BlockingIOError:
            return
        if not data:
            raise EOFError
        self.buf += data
        while len(self.buf) >= 4:
            (n,) = U32.unpack_from(self.buf, 0)
            if n < 20 or len(self.buf) < n:
                break
            pkt, self.buf = self.buf[:n], self.buf[n:]
            (cmd,) = U32.unpack_from(pkt, 12)
            (result,) = I32.unpack_from(pkt, 16)
            yield cmd, result, pkt[20:]


def notify_line(rest):
    (n,) = U32.unpack_from(rest, 0)
    if n == 0 or len(rest) != 4 + n or rest[4 + n - 1] != 0:
        raise ValueError("bad NOTIFY line")
    return rest[4:4 + n - 1].decode()


def handle(c, cmd, result, rest, marker):
    watch, notify, _ = KINDS[c.kind]
    if not c.replied:
        if cmd != watch or result != 0:
            raise ValueError("WATCH refused: cmd %d result %d" % (cmd, result))
        c.replied = True
        return
    if cmd != notify:
        raise ValueError("unexpected cmd %d" % cmd)
    line = notify_line(rest)
    c.notifies += 1
    if marker in line:
        c.marker = True


def many(path, kind, count, key, marker, readyfile, timeout):
    conns = [Conn(path, kind, [key]) for _ in range(count)]
    sel = selectors.DefaultSelector()
    for c in conns:
        sel.register(c.sock, selectors.EVENT_READ, c)
    deadline = time.monotonic() + timeout
    ready = False
    while time.monotonic() < deadline:
        if not ready and all(c.notifies > 0 for c in conns):
            open(readyfile, "w").close()
            ready = True
        if ready and all(c.marker for c in conns):
            break
        for k, _ in sel.select(0.5):
            c = k.data
            for cmd, result, rest in c.packets():
                handle(c, cmd, result, rest, marker)
    got = sum(1 for c in conns if c.marker)
    print("watchers=%d got_marker=%d notifies=%d" %
          (count, got, sum(c.notifies for c in conns)))
    return 0 if got == count else 1


def stall(path, kind, readyfile, keys):
    c = Conn(path, kind, keys)
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    open(readyfile, "w").close()
    while True:
        time.sleep(60)


def recv_reply(c):
    """One whole packet: (cmd, result), or None when closed."""
    while len(c.buf) < 4 or len(c.buf) < U32.unpack_from(c.buf, 0)[0]:
        if len(c.buf) >= 4 and U32.unpack_from(c.buf, 0)[0] < 20:
            return None
        more = c.sock.recv(65536)
        if not more:
            return None
        c.buf += more
    (n,) = U32.unpack_from(c.buf, 0)
    pkt, c.buf = c.buf[:n], c.buf[n:]
    return U32.unpack_from(pkt, 12)[0], I32.unpack_from(pkt, 16)[0]


def notify_bad(path, kind, mode="empty"):
    watch, _, _ = KINDS[kind]
    if mode == "many":
        keys = ["k%d" % i for i in range(1025)]
    elif mode == "twice":
        keys = ["only.one"]
    else:
        keys = [""]
    c = Conn(path, kind, keys)
    c.sock.setblocking(True)
    c.sock.settimeout(10)
    if mode == "twice":
        first = recv_reply(c)
        if first != (watch, 0):
            print("first WATCH: %r" % (first,))
            return 1
        recv_reply(c)  # the current value (null)
        c.sock.sendall(watch_request(kind, ["only.two"], reqid=2))
    reply = recv_reply(c)
    if reply is None:
        print("closed")
        return 1
    print("cmd=%d result=%d" % reply)
    return 0


def main(argv):
    if len(argv) >= 8 and argv[0] == "many":
        return many(argv[1], argv[2], int(argv[3]), argv[4], argv[5],
                    argv[6], float(argv[7]))
    if len(argv) >= 4 and argv[0] == "stall":
        return stall(argv[1], argv[2], argv[3], argv[4:])
    if len(argv) in (3, 4) and argv[0] == "notify-bad":
        return notify_bad(*argv[1:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
