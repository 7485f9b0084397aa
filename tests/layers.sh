#!/bin/sh
# tests/layers.sh - the layering of HACKING.md holds because this test says so (run by
# `make check`, also in a VPATH build: sources under $top_srcdir, libvipd.a in the current
# folder). Three checks, each failing with what broke it:
#   1. no include cycle between modules (a module: the files sharing a first word; the graph
#      comes from the `#include "vipd/..."` lines of src/*.c and include/vipd/*.h);
#   2. no file includes a header of a higher layer than its own, other than its module's
#      (the layer table is tests/layers.txt);
#   3. `nm -u` of the pure objects of libvipd.a lists only the symbols tests/layers.txt allows:
#      a system call or a log line in them fails.
set -u
top_srcdir=${top_srcdir:-.}
if ! command -v python3 >/dev/null 2>&1; then
	echo "python3 is missing: skipped"
	exit 77
fi
exec python3 - "$top_srcdir" "${LAYERS_LIB:-libvipd.a}" <<'EOF'
import fnmatch
import glob
import os
import re
import subprocess
import sys

top, lib = sys.argv[1], sys.argv[2]
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


# ---- the table ----
layers, layer_of, pure, allow, halves = [], {}, [], [], set()
with open(os.path.join(top, "tests", "layers.txt")) as f:
    for n, line in enumerate(f, 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        key, _, rest = line.partition(":")
        words = rest.split()
        if key.startswith("layer "):
            layers.append(key[6:].strip())
            for w in words:
                layer_of[w] = len(layers) - 1
        elif key == "pure":
            pure += words
        elif key == "allow":
            allow += words
        elif key == "pure-half":
            halves.update(words)
        else:
            sys.exit("tests/layers.txt:%d: unknown line" % n)


def module(stem):
    return stem.split("_", 1)[0]


def layer(stem):
    if stem in layer_of:
        return layer_of[stem]
    return layer_of.get(module(stem))


# ---- the include graph ----
files = sorted(glob.glob(os.path.join(top, "src", "*.c")) +
               glob.glob(os.path.join(top, "include", "vipd", "*.h")))
if not files:
    sys.exit("no sources under %s" % top)
inc_re = re.compile(r'^\s*#\s*include\s+"vipd/([A-Za-z0-9_]+)\.h"')
edges = {}  # module -> {module: "file -> header" (the first seen)}
for path in files:
    rel = os.path.relpath(path, top)
    stem = os.path.splitext(os.path.basename(path))[0]
    if layer(stem) is None:
        fail("%s: not in the layer table of tests/layers.txt" % rel)
        continue
    with open(path, errors="replace") as f:
        for n, line in enumerate(f, 1):
            m = inc_re.match(line)
            if not m:
                continue
            hdr = m.group(1)
            if layer(hdr) is None:
                fail("%s:%d: vipd/%s.h is not in the layer table" % (rel, n, hdr))
                continue
            if module(hdr) == module(stem):
                continue
            edges.setdefault(module(stem), {}).setdefault(
                module(hdr), "%s:%d includes vipd/%s.h" % (rel, n, hdr))
            if layer(hdr) > layer(stem):
                fail("%s:%d: includes vipd/%s.h: layer %s above %s" %
                     (rel, n, hdr, layers[layer(hdr)], layers[layer(stem)]))

# Cycles: a depth-first search; each back edge closes one cycle, reported with its edges.
state, stack, seen_cycles = {}, [], set()


def visit(m):
    state[m] = 1
    stack.append(m)
    for t in sorted(edges.get(m, {})):
        if state.get(t) == 1:
            cyc = stack[stack.index(t):] + [t]
            key = frozenset(zip(cyc, cyc[1:]))
            if key not in seen_cycles:
                seen_cycles.add(key)
                why = "; ".join(edges[a][b] for a, b in zip(cyc, cyc[1:]))
                fail("include cycle between modules %s (%s)" % (" -> ".join(cyc), why))
        elif t not in state:
            visit(t)
    stack.pop()
    state[m] = 2


sys.setrecursionlimit(10000)
for m in sorted(edges):
    if m not in state:
        visit(m)

# ---- the pure objects ----
if not os.path.exists(lib):
    fail("%s not found (run from the build folder after make)" % lib)
else:
    out = subprocess.run(["nm", "-A", lib], capture_output=True, text=True)
    if out.returncode != 0:
        fail("nm %s: %s" % (lib, out.stderr.strip()))
    undef, defined = {}, set()
    for line in out.stdout.splitlines():
        # "libvipd.a:libvipd_a-vrrp_pkt.o: U memcpy" or "...: 0000000000000000 T vrrp_pkt_decode"
        where, _, sym = line.rpartition(":")
        member = os.path.basename(where.split(":")[-1]) if ":" in where else ""
        member = re.sub(r"^.*-", "", member)  # automake's per-target prefix (libvipd_a-)
        member = re.sub(r"\.o$", "", member)
        parts = sym.split()
        if len(parts) == 2 and parts[0] == "U":
            undef.setdefault(member, set()).add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRtdbr" and member in pure:
            defined.add(parts[2])
        if len(parts) >= 2:
            undef.setdefault(member, set())
    for stem in pure:
        if stem not in undef:
            fail("%s: no member %s.o (or libvipd_a-%s.o)" % (lib, stem, stem))
            continue
        for sym in sorted(undef[stem]):
            if sym in defined or sym in halves:
                continue
            if any(fnmatch.fnmatchcase(sym, p) for p in allow):
                continue
            fail("%s.o (pure) calls %s: not allowed by tests/layers.txt "
                 "(a system call, logging or a module above it?)" % (stem, sym))

if failures:
    print("%d layering failure(s); the rules are in HACKING.md and tests/layers.txt" %
          len(failures))
    sys.exit(1)
print("layers: %d files, %d modules, %d pure objects: ok" %
      (len(files), len({module(os.path.splitext(os.path.basename(p))[0]) for p in files}),
       len(pure)))
EOF
