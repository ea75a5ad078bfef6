#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Minimal, independent client for the CTDB event daemon protocol.

Written from the specification in ctdb-event-protocol.md (same directory).
Only the Python standard library is used.

Sub-commands
  run TIMEOUT COMPONENT EVENT [ARG ...]   send a RUN request
  status COMPONENT EVENT                   send a STATUS request
  script COMPONENT SCRIPT enable|disable   send a SCRIPT request
  run-input TIMEOUT COMPONENT EVENT [ARG ...]
                                           send a RUN_INPUT request (our
                                           extension, cmd 100) with stdin
                                           as the input (--null-input: none)
  raw HEX                                  send arbitrary bytes, print reply
  decode-request HEX | decode-reply HEX    annotate a message (no socket)
  from-strace [FD]                         read `strace -x -s 65536` output of
                                           ctdb-event on stdin, annotate the
                                           messages written to / read from FD
                                           (default 4)

Global options (before the sub-command)
  --socket PATH   socket path (default: $CTDB_BASE/run/eventd.socket when
                  CTDB_TEST_MODE is set, else /run/ctdb/eventd.socket)
  --reqid N       request id to put in the header (default 1)
  --version N     value for the header version field (default 0, as the
                  real clients send)
  --flags N       RUN flags (default 0; 1 = RUN_ALL)
  --null-args     RUN: encode args as a NULL string even if no ARG given
                  (this is the default when no ARG is given); use
                  --empty-args to send "" instead
  --empty-args    RUN: encode args as the empty string "" (as ctdbd does)
  --hex           also print annotated hex dumps of request and reply

Exit status: the reply's result field (0..255 clipped), or 1 on local error.
"""

import os
import socket
import struct
import sys

# ---------------------------------------------------------------- constants

CMD_RUN = 1
CMD_STATUS = 2
CMD_SCRIPT = 3
CMD_RUN_INPUT = 100
CMD_NAMES = {CMD_RUN: "RUN", CMD_STATUS: "STATUS", CMD_SCRIPT: "SCRIPT",
             CMD_RUN_INPUT: "RUN_INPUT"}

ACTION_DISABLE = 0
ACTION_ENABLE = 1

FLAG_RUN_ALL = 1

HDR_LEN = 12

# x86_64 / little-endian host layout (the protocol is host-native)
U32 = struct.Struct("<I")
I32 = struct.Struct("<i")
TIMEVAL = struct.Struct("<qq")      # tv_sec (time_t), tv_usec (suseconds_t)

ERRNO_NAMES = {
    0: "OK", 2: "ENOENT", 4: "EINTR", 5: "EIO", 8: "ENOEXEC", 13: "EACCES",
    20: "ENOTDIR", 22: "EINVAL", 42: "ENOMSG", 62: "ETIME", 71: "EPROTO",
    110: "ETIMEDOUT", 125: "ECANCELED",
}


def errname(v):
    if v < 0:
        return "-" + ERRNO_NAMES.get(-v, str(-v))
    return ERRNO_NAMES.get(v, str(v))


# ----------------------------------------------------------------- encoding

def enc_u32(v):
    return U32.pack(v & 0xFFFFFFFF)


def enc_i32(v):
    return I32.pack(v)


def enc_stringn(s):
    """u32 length (incl. NUL) + bytes + NUL; NULL string -> length 0."""
    if s is None:
        return enc_u32(0)
    if isinstance(s, str):
        s = s.encode()
    data = s + b"\0"
    return enc_u32(len(data)) + data


def enc_header(length, version, reqid):
    return enc_u32(length) + enc_u32(version) + enc_u32(reqid)


def build_request(cmd, body, reqid=1, version=0):
    payload = enc_u32(cmd) + body
    return enc_header(HDR_LEN + len(payload), version, reqid) + payload


def body_run(component, event, args, timeout, flags):
    return (enc_stringn(component) + enc_stringn(event) + enc_stringn(args) +
            enc_u32(timeout) + enc_u32(flags))


def body_status(component, event):
    return enc_stringn(component) + enc_stringn(event)


def body_script(component, script, action):
    return enc_stringn(component) + enc_stringn(script) + enc_u32(action)


# ----------------------------------------------------------------- decoding

class Short(Exception):
    pass


class Reader:
    """Sequential reader that records (offset, length, description)."""

    def __init__(self, buf):
        self.buf = buf
        self.off = 0
        self.notes = []

    def take(self, n, what):
        if self.off + n > len(self.buf):
            raise Short("need %d bytes for %s at offset %d, have %d" %
                        (n, what, self.off, len(self.buf) - self.off))
        b = self.buf[self.off:self.off + n]
        self.notes.append((self.off, n, what))
        self.off += n
        return b

    def u32(self, what):
        v = U32.unpack(self.take(4, what))[0]
        self.notes[-1] = self.notes[-1][:2] + ("%s = %d (0x%08x)" % (what, v, v),)
        return v

    def i32(self, what, decorate=None):
        v = I32.unpack(self.take(4, what))[0]
        extra = (" " + decorate(v)) if decorate else ""
        self.notes[-1] = self.notes[-1][:2] + ("%s = %d%s" % (what, v, extra),)
        return v

    def stringn(self, what):
        n = U32.unpack(self.take(4, what + ".len"))[0]
        self.notes[-1] = self.notes[-1][:2] + (
            "%s.len = %d%s" % (what, n, " (NULL string)" if n == 0 else ""),)
        if n == 0:
            return None
        raw = self.take(n, what)
        s = raw.split(b"\0", 1)[0]
        self.notes[-1] = self.notes[-1][:2] + ("%s = %r" % (what, s.decode(errors="replace")),)
        return s.decode(errors="replace")

    def timeval(self, what):
        sec, usec = TIMEVAL.unpack(self.take(16, what))
        self.notes[-1] = self.notes[-1][:2] + ("%s = {tv_sec=%d, tv_usec=%d}" % (what, sec, usec),)
        return (sec, usec)


def parse_header(r):
    return {
        "length": r.u32("hdr.length"),
        "version": r.u32("hdr.version"),
        "reqid": r.u32("hdr.reqid"),
    }


def parse_request(buf):
    r = Reader(buf)
    msg = {"header": parse_header(r)}
    cmd = r.u32("cmd")
    msg["cmd"] = cmd
    if cmd in (CMD_RUN, CMD_RUN_INPUT):
        msg["component"] = r.stringn("run.component")
        msg["event"] = r.stringn("run.event")
        msg["args"] = r.stringn("run.args")
        msg["timeout"] = r.u32("run.timeout")
        msg["flags"] = r.u32("run.flags")
        if cmd == CMD_RUN_INPUT:
            msg["input"] = r.stringn("run_input.input")
    elif cmd == CMD_STATUS:
        msg["component"] = r.stringn("status.component")
        msg["event"] = r.stringn("status.event")
    elif cmd == CMD_SCRIPT:
        msg["component"] = r.stringn("script.component")
        msg["script"] = r.stringn("script.script")
        msg["action"] = r.u32("script.action")
    return msg, r


def parse_reply(buf):
    r = Reader(buf)
    msg = {"header": parse_header(r)}
    msg["cmd"] = r.u32("cmd")
    msg["result"] = r.i32("result", lambda v: "(%s)" % errname(v))
    if msg["result"] == 0 and msg["cmd"] == CMD_STATUS:
        msg["summary"] = r.i32("status.summary", lambda v: "(%s)" % errname(v))
        n = r.i32("status.num_scripts")
        scripts = []
        for i in range(n):
            p = "script[%d]." % i
            s = {}
            s["name"] = r.stringn(p + "name")
            s["begin"] = r.timeval(p + "begin")
            s["end"] = r.timeval(p + "end")
            s["result"] = r.i32(p + "result", lambda v: "(%s)" % errname(v))
            s["output"] = r.stringn(p + "output")
            scripts.append(s)
        msg["scripts"] = scripts
    return msg, r


def hexdump_annotated(buf, notes, out=sys.stdout, width=16):
    """One block per field: offset, hex bytes (wrapped), description."""
    for off, n, what in notes:
        chunk = buf[off:off + n]
        first = True
        for i in range(0, max(len(chunk), 1), width):
            part = chunk[i:i + width]
            hx = " ".join("%02x" % b for b in part)
            if first:
                out.write("  %04x  %-47s  %s\n" % (off + i, hx, what))
                first = False
            else:
                out.write("  %04x  %-47s\n" % (off + i, hx))
    end = notes[-1][0] + notes[-1][1] if notes else 0
    if end < len(buf):
        rest = buf[end:]
        out.write("  %04x  %s  (trailing bytes not consumed)\n" %
                  (end, " ".join("%02x" % b for b in rest)))


# ---------------------------------------------------------------- transport

def default_socket():
    if os.environ.get("CTDB_TEST_MODE") is not None:
        base = os.environ.get("CTDB_BASE")
        if base is None:
            sys.exit("CTDB_TEST_MODE set but CTDB_BASE not set")
        return os.path.join(base, "run", "eventd.socket")
    return "/run/ctdb/eventd.socket"


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("connection closed by daemon after %d of %d bytes"
                           % (len(data), n))
        data += chunk
    return data


def recv_packet(sock):
    first = recv_exact(sock, 4)
    total = U32.unpack(first)[0]
    return first + recv_exact(sock, total - 4)


def transact(path, packet):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    try:
        s.sendall(packet)
        return recv_packet(s)
    finally:
        s.close()


# ------------------------------------------------------------------ display

def print_reply(msg):
    h = msg["header"]
    print("reply: length=%d version=%d reqid=%d cmd=%d(%s) result=%d(%s)" % (
        h["length"], h["version"], h["reqid"], msg["cmd"],
        CMD_NAMES.get(msg["cmd"], "?"), msg["result"], errname(msg["result"])))
    if "summary" in msg:
        print("summary=%d(%s) num_scripts=%d" % (
            msg["summary"], errname(msg["summary"]), len(msg["scripts"])))
        for s in msg["scripts"]:
            dur = (s["end"][0] - s["begin"][0]) + (s["end"][1] - s["begin"][1]) / 1e6
            print("  %-20s result=%d(%s) begin=%d.%06d dur=%.3f output=%r" % (
                s["name"], s["result"], errname(s["result"]),
                s["begin"][0], s["begin"][1], dur, s["output"]))


def annotate(kind, buf):
    if kind == "request":
        msg, r = parse_request(buf)
    else:
        msg, r = parse_reply(buf)
    print("%s (%d bytes):" % (kind, len(buf)))
    hexdump_annotated(buf, r.notes)
    return msg


def split_stream(data):
    msgs = []
    while len(data) >= 4:
        n = U32.unpack(data[:4])[0]
        if n < 4 or n > len(data):
            break
        msgs.append(data[:n])
        data = data[n:]
    return msgs


def from_strace(fd, stream):
    """Collect bytes of write(fd,...) and read(fd,...) from strace -x output."""
    import re
    pat = re.compile(r'^(?:\[pid\s+\d+\]\s+)?(read|write)\(%d, "((?:[^"\\]|\\.)*)"' % fd)
    out_bytes, in_bytes = b"", b""
    for line in stream:
        m = pat.match(line)
        if not m:
            continue
        raw = m.group(2).encode("latin-1").decode("unicode_escape").encode("latin-1")
        if m.group(1) == "write":
            out_bytes += raw
        else:
            in_bytes += raw
    for b in split_stream(out_bytes):
        annotate("request", b)
    for b in split_stream(in_bytes):
        annotate("reply", b)


# --------------------------------------------------------------------- main

def main(argv):
    opts = {"socket": None, "reqid": 1, "version": 0, "flags": 0,
            "args_mode": None, "hex": False}
    i = 0
    while i < len(argv) and argv[i].startswith("--"):
        a = argv[i]
        if a in ("--socket", "--reqid", "--version", "--flags"):
            val = argv[i + 1]
            opts[a[2:]] = val if a == "--socket" else int(val, 0)
            i += 2
        elif a == "--null-args":
            opts["args_mode"] = "null"
            i += 1
        elif a == "--empty-args":
            opts["args_mode"] = "empty"
            i += 1
        elif a == "--null-input":
            opts["null_input"] = True
            i += 1
        elif a == "--hex":
            opts["hex"] = True
            i += 1
        else:
            sys.exit("unknown option " + a)
    rest = argv[i:]
    if not rest:
        print(__doc__)
        return 1
    cmd, args = rest[0], rest[1:]

    if cmd == "decode-request":
        annotate("request", bytes.fromhex("".join(args)))
        return 0
    if cmd == "decode-reply":
        annotate("reply", bytes.fromhex("".join(args)))
        return 0
    if cmd == "from-strace":
        from_strace(int(args[0]) if args else 4, sys.stdin)
        return 0

    if cmd == "run-input":
        if len(args) < 3:
            sys.exit("usage: run-input TIMEOUT COMPONENT EVENT [ARG ...]")
        ev_args = " ".join(args[3:]) if len(args) > 3 else None
        data = None if opts.get("null_input") else sys.stdin.buffer.read()
        packet = build_request(CMD_RUN_INPUT,
                               body_run(args[1], args[2], ev_args,
                                        int(args[0]), opts["flags"]) +
                               enc_stringn(data),
                               opts["reqid"], opts["version"])
    elif cmd == "run":
        if len(args) < 3:
            sys.exit("usage: run TIMEOUT COMPONENT EVENT [ARG ...]")
        ev_args = " ".join(args[3:]) if len(args) > 3 else None
        if opts["args_mode"] == "null":
            ev_args = None
        elif opts["args_mode"] == "empty" and ev_args is None:
            ev_args = ""
        packet = build_request(CMD_RUN,
                               body_run(args[1], args[2], ev_args,
                                        int(args[0]), opts["flags"]),
                               opts["reqid"], opts["version"])
    elif cmd == "status":
        if len(args) != 2:
            sys.exit("usage: status COMPONENT EVENT")
        packet = build_request(CMD_STATUS, body_status(args[0], args[1]),
                               opts["reqid"], opts["version"])
    elif cmd == "script":
        if len(args) != 3 or args[2] not in ("enable", "disable"):
            sys.exit("usage: script COMPONENT SCRIPT enable|disable")
        action = ACTION_ENABLE if args[2] == "enable" else ACTION_DISABLE
        packet = build_request(CMD_SCRIPT, body_script(args[0], args[1], action),
                               opts["reqid"], opts["version"])
    elif cmd == "raw":
        packet = bytes.fromhex("".join(args))
    else:
        sys.exit("unknown command " + cmd)

    path = opts["socket"] or default_socket()
    if opts["hex"]:
        if cmd == "raw":
            print("request (%d bytes): %s" % (len(packet), packet.hex()))
        else:
            annotate("request", packet)
    try:
        reply = transact(path, packet)
    except (EOFError, ConnectionResetError) as e:
        print("no reply: %s" % e)
        return 1
    if opts["hex"]:
        msg = annotate("reply", reply)
    else:
        msg, _ = parse_reply(reply)
    print_reply(msg)
    res = msg["result"]
    return res if 0 <= res <= 255 else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:
        sys.exit(1)
