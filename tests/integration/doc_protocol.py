#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks doc/protocol.md against the code; run by doc_protocol.sh.

  doc_protocol.py DOC SRCDIR numbers
      the command tables and the limits table match the headers
  doc_protocol.py DOC SRCDIR example SOCKET KIND NAME
      send the example request "KIND NAME" to SOCKET byte for byte and
      compare each reply with the document's reply blocks that follow it
  doc_protocol.py DOC SRCDIR request SOCKET KIND NAME
      send it and decode the reply with the layout of section 5
      (KIND node, NAME status or ips), printing the decoded fields

Prints one "ok: ..." or "FAIL: ..." line per finding; exit status 1 if
anything failed, 2 for a usage or harness error.
"""

import re
import socket
import struct
import sys

HEADER = struct.Struct("<III")


def fail(msg):
    print("FAIL: " + msg)
    return 1


def ok(msg):
    print("ok: " + msg)
    return 0


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ------------------------------------------------------------ the document

def doc_table(doc, marker):
    """Rows (lists of cells) of the table right after <!-- MARKER -->."""
    at = doc.find("<!-- %s -->" % marker)
    if at < 0:
        return None
    rows = []
    for line in doc[at:].splitlines()[1:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append(cells)
    # The header row and the |---| row.
    return rows[2:]


def hex_block(lines, i):
    """The bytes of the ``` block starting at or after line i, and the
    line after it."""
    while i < len(lines) and lines[i].strip() != "```":
        i += 1
    data = bytearray()
    i += 1
    while i < len(lines) and lines[i].strip() != "```":
        fields = lines[i].split()
        data += bytes(int(h, 16) for h in fields[1:])
        i += 1
    return bytes(data), i + 1


def doc_example(doc, kind, name):
    """The request and the expected replies of an example."""
    lines = doc.splitlines()
    marker = "<!-- example: %s %s -->" % (kind, name)
    try:
        i = lines.index(marker)
    except ValueError:
        return None, []
    request, i = hex_block(lines, i + 1)
    replies = []
    while i < len(lines):
        if lines[i].strip() == "":
            i += 1
            continue
        if lines[i].strip() != "<!-- reply -->":
            break
        reply, i = hex_block(lines, i + 1)
        replies.append(reply)
    return request, replies


# ------------------------------------------------------------ the headers

def header_commands(text, prefix):
    return {m.group(1): int(m.group(2)) for m in
            re.finditer(r"\b%s([A-Z_]+)\s*=\s*(\d+)" % prefix, text)}


def header_define(text, name):
    m = re.search(r"#define\s+%s\s+(.+)" % name, text)
    if m is None:
        return None
    expr = re.sub(r"/\*.*", "", m.group(1))
    expr = re.sub(r"(\d+)[uU]", r"\1", expr).strip()
    if not re.fullmatch(r"[\d\s()*+]+", expr):
        return None
    return eval(expr)  # digits, spaces, parentheses, * and + only


def check_numbers(doc, srcdir):
    failed = 0
    sources = {
        "event": (srcdir + "/src/protocol/event_protocol.h", "CTDB_EVENT_CMD_"),
        "node": (srcdir + "/src/protocol/node_protocol.h", "CTDB_NODE_CMD_"),
    }
    for kind, (path, prefix) in sources.items():
        code = header_commands(read(path), prefix)
        rows = doc_table(doc, "commands: " + kind)
        if not rows:
            failed += fail("no command table for the %s socket" % kind)
            continue
        documented = {}
        for row in rows:
            if len(row) < 2 or not row[0].isdigit():
                failed += fail("%s table: a row without a number: %s" %
                               (kind, row))
                continue
            documented[row[1]] = int(row[0])
        for name in sorted(set(code) | set(documented)):
            want, got = code.get(name), documented.get(name)
            if want is None:
                failed += fail("%s %s = %d is documented but not in %s" %
                               (kind, name, got, path))
            elif got is None:
                failed += fail("%s%s = %d is not documented" %
                               (prefix, name, want))
            elif want != got:
                failed += fail("%s %s: the document says %d, the header %d"
                               % (kind, name, got, want))
        if failed == 0:
            ok("the %s socket's %d commands match %s" %
               (kind, len(code), path.split("/")[-1]))
    headers = "".join(read(srcdir + "/src/protocol/" + h) for h in
                      ("event_protocol.h", "node_protocol.h",
                       "watch_protocol.h"))
    rows = doc_table(doc, "constants") or []
    if not rows:
        failed += fail("no table of limits")
    for row in rows:
        want = header_define(headers, row[0])
        if want is None:
            failed += fail("%s is documented but not defined as a number" %
                           row[0])
        elif str(want) != row[1]:
            failed += fail("%s: the document says %s, the header %d" %
                           (row[0], row[1], want))
        else:
            ok("%s = %s" % (row[0], row[1]))
    return failed


# ------------------------------------------------------------ the daemons

def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError("connection closed after %d of %d bytes" %
                           (len(data), n))
        data += chunk
    return data


def recv_packet(s):
    head = recv_exact(s, 4)
    (length,) = struct.unpack("<I", head)
    return head + recv_exact(s, length - 4)


def exchange(path, request, nreplies):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(20)
    s.connect(path)
    s.sendall(request)
    replies = [recv_packet(s) for _ in range(nreplies)]
    s.close()
    return replies


def check_example(doc, path, kind, name):
    request, replies = doc_example(doc, kind, name)
    if request is None:
        return fail("no example %s %s in the document" % (kind, name))
    (length,) = struct.unpack_from("<I", request)
    if length != len(request):
        return fail("example %s %s: length field %d, %d bytes" %
                    (kind, name, length, len(request)))
    try:
        got = exchange(path, request, max(len(replies), 1))
    except (OSError, EOFError) as e:
        return fail("example %s %s: %s" % (kind, name, e))
    if not replies:
        return check_text_reply(kind, name, request, got[0])
    failed = 0
    for n, (want, have) in enumerate(zip(replies, got), 1):
        if want == have:
            ok("example %s %s: reply %d is the document's, byte for byte" %
               (kind, name, n))
        else:
            failed += fail("example %s %s: reply %d differs:\n    want %s\n"
                           "    got  %s" % (kind, name, n, want.hex(" "),
                                            have.hex(" ")))
    return failed


def pull_stringn(buf, off):
    (n,) = struct.unpack_from("<I", buf, off)
    off += 4
    if n == 0:
        return None, off
    raw = buf[off:off + n]
    if len(raw) != n or raw[-1] != 0 or 0 in raw[:-1]:
        raise ValueError("bad stringn at offset %d" % (off - 4))
    return raw[:-1].decode(), off + n


def reply_start(request, reply):
    """The reply's body offset, after checking its fixed part."""
    length, _, reqid = HEADER.unpack_from(reply)
    cmd, result = struct.unpack_from("<Ii", reply, 12)
    (want_cmd,) = struct.unpack_from("<I", request, 12)
    _, _, want_reqid = HEADER.unpack_from(request)
    if length != len(reply) or cmd != want_cmd or reqid != want_reqid:
        raise ValueError("header %d/%d, cmd %d/%d, reqid %d/%d" %
                         (length, len(reply), cmd, want_cmd, reqid,
                          want_reqid))
    if result != 0:
        raise ValueError("result %d" % result)
    return 20


def check_text_reply(kind, name, request, reply):
    """METRICS: one stringn of OpenMetrics text without '# EOF'."""
    try:
        off = reply_start(request, reply)
        text, off = pull_stringn(reply, off)
        if off != len(reply) or text is None:
            raise ValueError("%d bytes left over" % (len(reply) - off))
    except ValueError as e:
        return fail("example %s %s: %s" % (kind, name, e))
    if "# EOF" in text or "# TYPE" not in text:
        return fail("example %s %s: not OpenMetrics text without # EOF: %r"
                    % (kind, name, text[:200]))
    return ok("example %s %s: one stringn of %d bytes of OpenMetrics text" %
              (kind, name, len(text)))


def decode_status(reply, off):
    this_pnn, runstate, recmode, leader, num = struct.unpack_from(
        "<IIIII", reply, off)
    off += 20
    out = ["pnn=%d runstate=%d recmode=%d leader=%d" %
           (this_pnn, runstate, recmode, leader)]
    for _ in range(num):
        pnn, flags = struct.unpack_from("<II", reply, off)
        address, off = pull_stringn(reply, off + 8)
        reason, off = pull_stringn(reply, off)
        out.append("node %d %s flags=0x%x reason=%s" %
                   (pnn, address, flags, reason))
    why_out, off = pull_stringn(reply, off)
    out.append("why_out=%s" % why_out)
    return out, off


def decode_ips(reply, off):
    (num,) = struct.unpack_from("<I", reply, off)
    off += 4
    out = []
    for _ in range(num):
        address, off = pull_stringn(reply, off)
        (bits,) = struct.unpack_from("<I", reply, off)
        ifaces, off = pull_stringn(reply, off + 4)
        (pnn,) = struct.unpack_from("<i", reply, off)
        off += 4
        out.append("%s/%d %s %d" % (address, bits, ifaces, pnn))
    return out, off


REQUESTS = {"status": (100, decode_status), "ips": (102, decode_ips)}


def request(srcdir, path, name):
    cmd, decode = REQUESTS[name]
    version = header_define(read(srcdir + "/src/protocol/node_protocol.h"),
                            "CTDB_NODE_PROTOCOL_VERSION")
    req = HEADER.pack(16, version, 21) + struct.pack("<I", cmd)
    reply = exchange(path, req, 1)[0]
    try:
        off = reply_start(req, reply)
        lines, off = decode(reply, off)
        if off != len(reply):
            raise ValueError("%d bytes left over" % (len(reply) - off))
    except (ValueError, struct.error) as e:
        return fail("%s reply does not decode as documented: %s (%s)" %
                    (name, e, reply.hex(" ")))
    print("\n".join(lines))
    return 0


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    doc = read(argv[1])
    if argv[3] == "numbers" and len(argv) == 4:
        return 1 if check_numbers(doc, argv[2]) else 0
    if argv[3] == "example" and len(argv) == 7:
        return 1 if check_example(doc, argv[4], argv[5], argv[6]) else 0
    if argv[3] == "request" and len(argv) == 7 and argv[6] in REQUESTS:
        return 1 if request(argv[2], argv[4], argv[6]) else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
