#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A strict checker of the OpenMetrics 1.0 text format (what `ctdb metrics`
# prints for node_exporter's textfile collector), written from the
# specification because no parser of it is packaged here.
#
# Usage: openmetrics_check.py [--dump] [FILE]   (stdin without FILE)
#        openmetrics_check.py --each FILE...
# Exit 0 if the exposition is valid, 1 with "line N: reason" on stderr at
# the first violation. With --dump, a valid exposition is also printed as
# "sample-name{sorted labels} value" lines (labels sorted and escaped as
# in the format), for tests that look values up without parsing the
# format themselves. With --each, one line per file, "FILE: valid" or
# "FILE: invalid: line N: reason", and exit 0.

import math
import re
import sys

METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
TIMESTAMP = NUMBER

TYPES = {"counter", "gauge", "histogram", "gaugehistogram", "stateset",
         "info", "summary", "unknown"}

# The sample names a family of each type may have, by suffix.
SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "gaugehistogram": ("_bucket", "_gcount", "_gsum"),
    "stateset": ("",),
    "info": ("_info",),
    "summary": ("", "_count", "_sum", "_created"),
    "unknown": ("",),
}


class Invalid(Exception):
    pass


def parse_number(text, what):
    if text in ("+Inf", "-Inf", "NaN"):
        return float(text.replace("Inf", "inf").replace("NaN", "nan"))
    if not NUMBER.match(text):
        raise Invalid("%s %r is not a number" % (what, text))
    return float(text)


def unescape(text, what):
    """Undo \\\\, \\" and \\n; any other escape is an error."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            if i + 1 >= len(text):
                raise Invalid("%s ends in a lone backslash" % what)
            n = text[i + 1]
            if n == "\\":
                out.append("\\")
            elif n == '"':
                out.append('"')
            elif n == "n":
                out.append("\n")
            else:
                raise Invalid("%s has an invalid escape \\%s" % (what, n))
            i += 2
            continue
        if c == "\n":
            raise Invalid("%s has a raw newline" % what)
        out.append(c)
        i += 1
    return "".join(out)


def parse_labels(text, pos):
    """Parse {a="x",b="y"} at text[pos]; return (labels, next position)."""
    labels = []
    seen = set()
    assert text[pos] == "{"
    pos += 1
    if pos < len(text) and text[pos] == "}":
        return labels, pos + 1
    while True:
        m = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*").match(text, pos)
        if m is None:
            raise Invalid("bad label name at column %d" % (pos + 1))
        name = m.group(0)
        if name.startswith("__"):
            raise Invalid("label name %r is reserved" % name)
        if name in seen:
            raise Invalid("label %r repeated" % name)
        seen.add(name)
        pos = m.end()
        if text[pos:pos + 2] != '="':
            raise Invalid("label %r: expected =\" at column %d"
                          % (name, pos + 1))
        pos += 2
        start = pos
        while True:
            if pos >= len(text):
                raise Invalid("label %r: unterminated value" % name)
            c = text[pos]
            if c == "\\":
                pos += 2
                continue
            if c == '"':
                break
            pos += 1
        value = unescape(text[start:pos], "label %r value" % name)
        labels.append((name, value))
        pos += 1
        if pos >= len(text):
            raise Invalid("unterminated label set")
        if text[pos] == "}":
            return labels, pos + 1
        if text[pos] != ",":
            raise Invalid("expected , or } after label %r" % name)
        pos += 1


def parse_sample(line):
    m = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*").match(line)
    if m is None:
        raise Invalid("bad metric name")
    name = m.group(0)
    pos = m.end()
    labels = []
    if pos < len(line) and line[pos] == "{":
        labels, pos = parse_labels(line, pos)
    if pos >= len(line) or line[pos] != " ":
        raise Invalid("expected one space after %s and its labels" % name)
    rest = line[pos + 1:]
    if " # " in rest:
        raise Invalid("exemplars are not expected here")
    parts = rest.split(" ")
    if len(parts) not in (1, 2) or "" in parts:
        raise Invalid("expected VALUE [TIMESTAMP] after %s" % name)
    value = parse_number(parts[0], "value")
    if len(parts) == 2:
        parse_number(parts[1], "timestamp")
    return name, labels, value


class Family:
    def __init__(self, name, line):
        self.name = name
        self.line = line
        self.type = None
        self.help = None
        self.unit = None
        self.samples = 0
        self.points = []        # label sets in order, histograms only
        self.current = None     # the histogram point being read
        self.closed = set()     # points already finished


class Checker:
    def __init__(self):
        self.families = {}
        self.family = None
        self.sample_owner = {}   # sample name -> family name
        self.series = set()
        self.eof = False
        self.dump = []

    # ---- metadata

    def meta(self, line):
        m = re.match(r"# (TYPE|HELP|UNIT) (\S+)(?: (.*))?\Z", line,
                     re.DOTALL)
        if m is None:
            raise Invalid("comment lines must be TYPE, HELP, UNIT or EOF")
        kind, name, arg = m.group(1), m.group(2), m.group(3)
        if not METRIC_NAME.match(name):
            raise Invalid("bad metric family name %r" % name)
        fam = self.family
        if fam is None or fam.name != name:
            if name in self.families:
                raise Invalid("family %s appears twice (not contiguous)"
                              % name)
            fam = Family(name, self.lineno)
            self.families[name] = fam
            self.family = fam
        if fam.samples > 0:
            raise Invalid("%s line for %s after its samples" % (kind, name))
        if kind == "TYPE":
            if fam.type is not None:
                raise Invalid("second TYPE for %s" % name)
            if arg not in TYPES:
                raise Invalid("unknown type %r for %s" % (arg, name))
            fam.type = arg
        elif kind == "HELP":
            if fam.help is not None:
                raise Invalid("second HELP for %s" % name)
            fam.help = unescape(arg or "", "HELP text")
        else:
            if fam.unit is not None:
                raise Invalid("second UNIT for %s" % name)
            if arg is None or not re.match(r"[a-zA-Z0-9_:]+\Z", arg):
                raise Invalid("bad unit %r for %s" % (arg, name))
            if not name.endswith("_" + arg):
                raise Invalid("family %s has unit %s but does not end in _%s"
                              % (name, arg, arg))
            fam.unit = arg

    # ---- samples

    def owner_of(self, name):
        """The family a sample name belongs to, opening a typeless one."""
        fam = self.family
        if fam is not None:
            ftype = fam.type or "unknown"
            for suffix in SUFFIXES[ftype]:
                if name == fam.name + suffix:
                    return fam, suffix
        if fam is not None and name == fam.name:
            raise Invalid("%s is not a sample name of %s family %s"
                          % (name, fam.type or "unknown", fam.name))
        if name in self.families:
            raise Invalid("samples of %s are not contiguous" % name)
        for fname in self.families:
            if name.startswith(fname):
                suffix = name[len(fname):]
                ftype = self.families[fname].type or "unknown"
                if suffix in SUFFIXES[ftype]:
                    raise Invalid("samples of %s are not contiguous" % fname)
        # A sample with no metadata is a family of type unknown.
        self.close_family()
        fam = Family(name, self.lineno)
        fam.type = "unknown"
        self.families[name] = fam
        self.family = fam
        return fam, ""

    def sample(self, line):
        name, labels, value = parse_sample(line)
        fam, suffix = self.owner_of(name)
        if fam.type is None:
            fam.type = "unknown"
        ftype = fam.type
        owner = self.sample_owner.setdefault(name, fam.name)
        if owner != fam.name:
            raise Invalid("sample name %s also belongs to family %s"
                          % (name, owner))
        key = (name, tuple(sorted(labels)))
        if key in self.series:
            raise Invalid("duplicate series %s%s" % (name, dict(labels)))
        self.series.add(key)
        fam.samples += 1
        names = [n for n, _ in labels]

        if ftype == "counter":
            if math.isnan(value) or value < 0:
                raise Invalid("counter %s has value %r" % (name, value))
        if ftype in ("histogram", "gaugehistogram"):
            self.histogram_sample(fam, suffix, labels, value)
        elif "le" in names and ftype != "unknown":
            raise Invalid("label le on %s, which is not a bucket" % name)
        if ftype == "info" and value != 1:
            raise Invalid("info %s must have value 1" % name)
        if ftype == "stateset" and value not in (0, 1):
            raise Invalid("stateset %s must be 0 or 1" % name)
        self.dump.append((name, sorted(labels), value))

    def histogram_sample(self, fam, suffix, labels, value):
        le = [v for n, v in labels if n == "le"]
        rest = tuple(sorted((n, v) for n, v in labels if n != "le"))
        if suffix == "_bucket":
            if len(le) != 1:
                raise Invalid("bucket of %s without le label" % fam.name)
            bound = parse_number(le[0], "le")
            if math.isnan(bound):
                raise Invalid("le of %s is NaN" % fam.name)
        elif le:
            raise Invalid("le label on %s%s" % (fam.name, suffix))
        if math.isnan(value) or value < 0:
            if suffix != "_sum" and suffix != "_gsum":
                raise Invalid("%s%s has value %r" % (fam.name, suffix, value))
        point = fam.current
        if point is None or point["labels"] != rest:
            if point is not None:
                self.finish_point(fam, point)
            if rest in fam.closed:
                raise Invalid("samples of %s%s are not contiguous"
                              % (fam.name, dict(rest)))
            point = {"labels": rest, "bounds": [], "counts": [],
                     "count": None, "sum": None, "after_buckets": False}
            fam.current = point
        if suffix == "_bucket":
            if point["after_buckets"]:
                raise Invalid("bucket of %s after its count or sum"
                              % fam.name)
            if point["bounds"] and not bound > point["bounds"][-1]:
                raise Invalid("le of %s not increasing (%s after %s)"
                              % (fam.name, le[0], point["bounds"][-1]))
            if point["counts"] and value < point["counts"][-1]:
                raise Invalid("buckets of %s not cumulative" % fam.name)
            point["bounds"].append(bound)
            point["counts"].append(value)
        elif suffix in ("_count", "_gcount"):
            point["after_buckets"] = True
            point["count"] = value
        elif suffix in ("_sum", "_gsum"):
            point["after_buckets"] = True
            point["sum"] = value

    def finish_point(self, fam, point):
        fam.closed.add(point["labels"])
        if not point["bounds"]:
            raise Invalid("%s%s has no buckets" % (fam.name,
                                                   dict(point["labels"])))
        if point["bounds"][-1] != math.inf:
            raise Invalid("buckets of %s do not end with le=\"+Inf\""
                          % fam.name)
        if point["count"] is None:
            raise Invalid("%s%s has no _count" % (fam.name,
                                                  dict(point["labels"])))
        if point["count"] != point["counts"][-1]:
            raise Invalid("%s_count %r differs from its +Inf bucket %r"
                          % (fam.name, point["count"], point["counts"][-1]))

    def close_family(self):
        fam = self.family
        if fam is not None and fam.current is not None:
            self.finish_point(fam, fam.current)
            fam.current = None

    # ---- lines

    def line(self, text):
        if self.eof:
            raise Invalid("text after # EOF")
        if text == "":
            raise Invalid("empty line")
        if text == "# EOF":
            self.close_family()
            self.eof = True
            return
        if text.startswith("#"):
            m = re.match(r"# (?:TYPE|HELP|UNIT) (\S+)", text)
            if self.family is not None and \
                    (m is None or m.group(1) != self.family.name):
                self.close_family()
            self.meta(text)
            return
        if text != text.strip(" "):
            raise Invalid("leading or trailing space")
        self.sample(text)

    def check(self, data):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise Invalid("not UTF-8: %s" % e)
        if not text.endswith("# EOF") and not text.endswith("# EOF\n"):
            self.lineno = text.count("\n") + 1
            raise Invalid("the exposition must end with # EOF")
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        for self.lineno, line in enumerate(lines, 1):
            self.line(line)
        if not self.eof:
            raise Invalid("no # EOF")


def escape(value):
    return value.replace("\\", "\\\\").replace('"', '\\"').replace(
        "\n", "\\n")


def check_data(data):
    """Return (None, checker) if data is valid, else (message, checker)."""
    checker = Checker()
    checker.lineno = 0
    try:
        checker.check(data)
    except Invalid as e:
        return "line %d: %s" % (checker.lineno, e), checker
    return None, checker


def read(path):
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as f:
        return f.read()


def main(argv):
    args = argv[1:]
    if args and args[0] == "--each":
        # One verdict per file, for tests that check many inputs at once.
        for path in args[1:]:
            error, _ = check_data(read(path))
            print("%s: %s" % (path, "valid" if error is None
                              else "invalid: " + error))
        return 0
    dump = False
    if args and args[0] == "--dump":
        dump = True
        args = args[1:]
    error, checker = check_data(read(args[0] if args else "-"))
    if error is not None:
        sys.stderr.write("openmetrics_check: %s\n" % error)
        return 1
    if dump:
        for name, labels, value in checker.dump:
            text = ",".join('%s="%s"' % (n, escape(v)) for n, v in labels)
            if text:
                text = "{" + text + "}"
            if value.is_integer():
                number = "%d" % value
            else:
                number = repr(value)
            print("%s%s %s" % (name, text, number))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
