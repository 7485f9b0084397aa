#!/usr/bin/env python3
"""promcheck: a strict checker of the Prometheus text exposition format 0.0.4.

Usage: promcheck.py FILE|-   check a text (exit 0 when clean, 1 with "LINE N: why" lines)
       promcheck.py --selftest  run the checker against good and bad samples

Stricter than Prometheus' own parser where that keeps exporters honest:
- every line ends with LF (no CR, no missing final LF), no blank lines, UTF-8 only;
- every family carries exactly one # HELP and one # TYPE, both before its first sample;
- a family's lines (metadata and samples) form one contiguous group;
- metric and label names are valid, label names are not reserved (__*), not repeated in a
  sample; label values and HELP texts use only the escapes the format defines;
- values are Go-style floats (NaN, +Inf, -Inf allowed); an optional timestamp is an integer;
- no series (name + label set) appears twice;
- counter, gauge, untyped: samples carry the family name; counters end in _total and are never
  negative or NaN; histogram / summary: the _bucket (with le), _sum, _count and quantile rules.
"""
import re
import sys

METRIC_RE = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL_RE = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
FLOAT_RE = re.compile(r"^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]Inf)$")
TS_RE = re.compile(r"^-?\d+$")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")


class Bad(Exception):
    pass


def parse_labels(s, i, lineno):
    """Parse '{...}' starting at s[i] == '{'. Returns (dict, index after '}')."""
    labels = {}
    i += 1
    while True:
        if i < len(s) and s[i] == "}":
            return labels, i + 1
        m = LABEL_RE.match(s, i)
        if not m:
            raise Bad("bad label name at column %d" % (i + 1))
        name = m.group(0)
        if name.startswith("__"):
            raise Bad("reserved label name %r" % name)
        if name in labels:
            raise Bad("label %r repeated" % name)
        i = m.end()
        if s[i:i + 2] != '="':
            raise Bad('expected =" after label %r' % name)
        i += 2
        val = []
        while True:
            if i >= len(s):
                raise Bad("unterminated label value")
            c = s[i]
            if c == "\\":
                nxt = s[i + 1:i + 2]
                if nxt == "\\":
                    val.append("\\")
                elif nxt == '"':
                    val.append('"')
                elif nxt == "n":
                    val.append("\n")
                else:
                    raise Bad("bad escape \\%s in label value" % nxt)
                i += 2
                continue
            if c == '"':
                i += 1
                break
            val.append(c)
            i += 1
        labels[name] = "".join(val)
        if i < len(s) and s[i] == ",":
            i += 1
            continue
        if i < len(s) and s[i] == "}":
            return labels, i + 1
        raise Bad("expected , or } after label %r" % name)


def family_of(name, types):
    """The family a sample name belongs to (histogram/summary suffixes folded)."""
    if name in types:
        return name
    for suf in ("_bucket", "_sum", "_count"):
        if name.endswith(suf):
            base = name[: -len(suf)]
            if types.get(base) in ("histogram", "summary"):
                if suf == "_bucket" and types[base] != "histogram":
                    continue
                return base
    return name


def check(text):
    """Return a list of 'LINE N: why' strings (empty when the text is clean)."""
    errors = []
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            return ["not UTF-8: %s" % e]
    if text == "":
        return ["empty exposition"]
    if not text.endswith("\n"):
        errors.append("LINE %d: no final newline" % (text.count("\n") + 1))
    help_of, types, seen_series, done = {}, {}, set(), set()
    current = None
    samples = {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for n, line in enumerate(lines, 1):
        try:
            if "\r" in line:
                raise Bad("carriage return")
            if line == "":
                raise Bad("blank line")
            if line.startswith("#"):
                parts = line.split(" ", 3)
                if len(parts) >= 2 and parts[1] in ("HELP", "TYPE"):
                    if len(parts) < 3 or not METRIC_RE.fullmatch(parts[2]):
                        raise Bad("# %s needs a valid metric name" % parts[1])
                    name = parts[2]
                    if name != current:
                        if name in done or (current is not None and name in samples):
                            raise Bad("family %s is not contiguous" % name)
                        if current is not None:
                            done.add(current)
                        current = name
                    if samples.get(name):
                        raise Bad("# %s of %s after its samples" % (parts[1], name))
                    if parts[1] == "HELP":
                        if name in help_of:
                            raise Bad("second # HELP for %s" % name)
                        doc = parts[3] if len(parts) > 3 else ""
                        if not doc:
                            raise Bad("empty # HELP for %s" % name)
                        if "\\" in re.sub(r"\\[\\n]", "", doc):
                            raise Bad("bad escape in # HELP of %s" % name)
                        help_of[name] = doc
                    else:
                        if name in types:
                            raise Bad("second # TYPE for %s" % name)
                        if len(parts) != 4 or parts[3] not in TYPES:
                            raise Bad("# TYPE %s: unknown type" % name)
                        types[name] = parts[3]
                elif not line.startswith("# ") and line != "#":
                    raise Bad("comment without a space after #")
                continue
            m = METRIC_RE.match(line)
            if not m:
                raise Bad("bad metric name")
            name = m.group(0)
            i = m.end()
            labels = {}
            if i < len(line) and line[i] == "{":
                labels, i = parse_labels(line, i, n)
            rest = line[i:]
            if not rest.startswith(" "):
                raise Bad("expected one space before the value")
            fields = rest[1:].split(" ")
            if len(fields) not in (1, 2) or "" in fields:
                raise Bad("expected VALUE [TIMESTAMP] separated by single spaces")
            if not FLOAT_RE.match(fields[0]):
                raise Bad("bad value %r" % fields[0])
            if len(fields) == 2 and not TS_RE.match(fields[1]):
                raise Bad("bad timestamp %r" % fields[1])
            fam = family_of(name, types)
            if fam != current:
                if fam in done or fam in samples:
                    raise Bad("family %s is not contiguous" % fam)
                if current is not None:
                    done.add(current)
                current = fam
            if fam not in types:
                raise Bad("sample of %s before (or without) its # TYPE" % fam)
            if fam not in help_of:
                raise Bad("sample of %s before (or without) its # HELP" % fam)
            t = types[fam]
            value = float(fields[0])
            if t in ("counter", "gauge", "untyped") and name != fam:
                raise Bad("sample %s in family %s" % (name, fam))
            if t == "counter":
                if not fam.endswith("_total"):
                    raise Bad("counter %s does not end in _total" % fam)
                if value != value or value < 0:
                    raise Bad("counter %s is %s" % (name, fields[0]))
            if t == "histogram":
                if name == fam:
                    raise Bad("histogram %s: sample without a suffix" % fam)
                if name.endswith("_bucket") and "le" not in labels:
                    raise Bad("histogram bucket without le")
            if t == "summary" and name == fam and "quantile" not in labels:
                raise Bad("summary %s: sample without quantile" % fam)
            key = (name, tuple(sorted(labels.items())))
            if key in seen_series:
                raise Bad("series %s%s repeated" % (name, dict(labels)))
            seen_series.add(key)
            samples[fam] = samples.get(fam, 0) + 1
        except Bad as e:
            errors.append("LINE %d: %s: %s" % (n, e, line[:120]))
    for fam in list(help_of) + list(types):
        if fam not in types:
            errors.append("family %s has # HELP but no # TYPE" % fam)
        elif fam not in help_of:
            errors.append("family %s has # TYPE but no # HELP" % fam)
    return sorted(set(errors), key=errors.index)


GOOD = [
    "# HELP a_total A.\n# TYPE a_total counter\na_total 1\n",
    '# HELP g G with \\\\ and \\n.\n# TYPE g gauge\ng{x="a\\"b\\\\c\\nd",y="2"} NaN\n'
    'g{x="b"} +Inf\ng{x="c"} -1.5e-3 1700000000000\n',
    "# HELP e Empty family.\n# TYPE e gauge\n# a free comment\n",
    '# HELP h H.\n# TYPE h histogram\nh_bucket{le="1"} 0\nh_bucket{le="+Inf"} 2\n'
    "h_sum 3\nh_count 2\n",
    '# HELP s S.\n# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 1\ns_count 1\n',
    '# HELP t T.\n# TYPE t gauge\nt{a="1",} 2\n',
]
BAD = [
    ("", "empty"),
    ("# HELP a_total A.\n# TYPE a_total counter\na_total 1", "no final newline"),
    ("# HELP a_total A.\r\n# TYPE a_total counter\na_total 1\n", "CR"),
    ("# HELP g G.\n# TYPE g gauge\n\ng 1\n", "blank line"),
    ("# TYPE g gauge\ng 1\n", "no HELP"),
    ("# HELP g G.\ng 1\n", "no TYPE"),
    ("g 1\n# HELP g G.\n# TYPE g gauge\n", "metadata after the sample"),
    ("# HELP g G.\n# TYPE g gauge\n# TYPE g gauge\ng 1\n", "TYPE twice"),
    ("# HELP g G.\n# HELP g G.\n# TYPE g gauge\ng 1\n", "HELP twice"),
    ("# HELP g G.\n# TYPE g gauges\ng 1\n", "unknown type"),
    ('# HELP g G.\n# TYPE g gauge\ng{a="1"} 1\n# HELP h H.\n# TYPE h gauge\nh 1\n'
     'g{a="2"} 1\n', "family split"),
    ("# HELP 1g G.\n# TYPE 1g gauge\n1g 1\n", "bad metric name"),
    ('# HELP g G.\n# TYPE g gauge\ng{1a="x"} 1\n', "bad label name"),
    ('# HELP g G.\n# TYPE g gauge\ng{__a="x"} 1\n', "reserved label"),
    ('# HELP g G.\n# TYPE g gauge\ng{a="x",a="y"} 1\n', "label repeated"),
    ('# HELP g G.\n# TYPE g gauge\ng{a="x\\t"} 1\n', "bad escape"),
    ('# HELP g G.\n# TYPE g gauge\ng{a="x} 1\n', "unterminated value"),
    ('# HELP g G.\n# TYPE g gauge\ng{a=x} 1\n', "unquoted value"),
    ("# HELP g G.\n# TYPE g gauge\ng one\n", "bad value"),
    ("# HELP g G.\n# TYPE g gauge\ng nan\n", "lower-case nan"),
    ("# HELP g G.\n# TYPE g gauge\ng 1 1.5\n", "bad timestamp"),
    ("# HELP g G.\n# TYPE g gauge\ng  1\n", "two spaces"),
    ("# HELP g G.\n# TYPE g gauge\ng\t1\n", "tab"),
    ("# HELP g G.\n# TYPE g gauge\ng 1\ng 2\n", "series twice"),
    ('# HELP g G.\n# TYPE g gauge\ng{a="1",b="2"} 1\ng{b="2",a="1"} 2\n', "series twice"),
    ("# HELP c C.\n# TYPE c counter\nc 1\n", "counter without _total"),
    ("# HELP c_total C.\n# TYPE c_total counter\nc_total -1\n", "negative counter"),
    ("# HELP c_total C.\n# TYPE c_total counter\nc_total NaN\n", "NaN counter"),
    ("# HELP g G.\n# TYPE g gauge\ng_other 1\n", "sample of another name"),
    ("# HELP g G \\t.\n# TYPE g gauge\ng 1\n", "bad HELP escape"),
    ("#HELP g G.\n# TYPE g gauge\ng 1\n", "comment without space"),
    ("# HELP h H.\n# TYPE h histogram\nh_bucket 1\n", "bucket without le"),
    ("# HELP s S.\n# TYPE s summary\ns 1\n", "summary without quantile"),
    (b"# HELP g G\xff.\n# TYPE g gauge\ng 1\n", "not UTF-8"),
]


def selftest():
    failed = 0
    for text in GOOD:
        errs = check(text)
        if errs:
            failed += 1
            print("FAIL: good sample rejected: %r: %s" % (text, errs))
    for text, why in BAD:
        if not check(text):
            failed += 1
            print("FAIL: bad sample (%s) accepted: %r" % (why, text))
    print("promcheck selftest: %d good, %d bad samples, %d wrong"
          % (len(GOOD), len(BAD), failed))
    return 1 if failed else 0


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().split("\n\n")[0], file=sys.stderr)
        return 2
    if argv[1] == "--selftest":
        return selftest()
    if argv[1] == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(argv[1], "rb") as f:
            data = f.read()
    errs = check(data)
    for e in errs:
        print(e)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
