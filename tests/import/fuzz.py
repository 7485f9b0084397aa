#!/usr/bin/env python3
"""tests/import/fuzz.py IMPORTER SAMPLE_DIR [N [SEED]] - robustness test of the importer.

Feeds N (default 2000) randomly mutated variants of the sample keepalived configs (seeded:
the same seed gives the same variants) to vipd-import-keepalived, in this process for speed
and every 100th one also as a separate process. Each run must end with exit status 0, 3 or 4
(a vipd.conf on stdout, every stderr line `FILE:LINE: ...`, 3 exactly when a line is an
`error:`, else 4 exactly when one says `not carried over`) or 1 (nothing on stdout, a
`FILE:LINE: error: ...` line), within 10 s, without an exception. Prints TAP lines (no
plan); a failing input is kept in $IMPORT_FUZZ_KEEP (default: a temporary directory) with
the seed and index needed to reproduce it.
"""

import importlib.machinery
import importlib.util
import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback

TOKENS = ['{', '}', '"', "'", '#', '!', '\\', '$X', '${X}', '$X=1', '$X= \\', '$Y=$Y $Y',
          '@lb1', '@^lb1', '@', '~SEQ(i,1,3)', '~LST(a,1,2)', 'include variant.conf',
          'include *', 'include includes.d/{a,b,{c,d}}*', '-1', '0', '256', '1e999', 'nan',
          '0x10', '9' * 40, '1.5', 'fe80::1', '::', '1.2.3.4/33', 'fd00::1/129', 'default',
          'weight', 'reverse', 'dev', 'via', 'table', 'or', 'MASTER', 'BACKUP', 'A' * 3000,
          '\x00', '\r', '\t', '\x0b', '\xff', '\u00e9', 'vrrp_instance', 'vrrp_script',
          'vrrp_sync_group', 'group', 'global_defs', 'virtual_ipaddress', 'track_script',
          'track_interface', 'unicast_peer', 'authentication', 'auth_pass', 'state',
          'priority', 'version', 'advert_int', 'notify', 'use_vmac', 'virtual_routes',
          'vmac_xmit_base']
BYTES = b'{}"\'#!\\$@~\n\r\t \x00\xff\xfe\x80'


def load(path):
    sys.dont_write_bytecode = True                  # no __pycache__ in the source tree
    loader = importlib.machinery.SourceFileLoader('vipd_import_keepalived', path)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def mutate(rng, data, corpus):
    for _ in range(rng.randint(1, 4)):
        lines = data.split(b'\n')
        op = rng.randrange(9)
        if op == 0 and data:                        # truncate
            data = data[:rng.randrange(len(data))]
        elif op == 1:                               # delete a brace or a quote
            pos = [i for i, c in enumerate(data) if c in b'{}"']
            if pos:
                i = rng.choice(pos)
                data = data[:i] + data[i + 1:]
        elif op == 2 and len(lines) > 1:            # delete a line
            del lines[rng.randrange(len(lines))]
            data = b'\n'.join(lines)
        elif op == 3:                               # duplicate or move a line
            ln = rng.choice(lines)
            lines.insert(rng.randrange(len(lines) + 1), ln)
            data = b'\n'.join(lines)
        elif op == 4:                               # random bytes
            i = rng.randrange(len(data) + 1)
            junk = bytes(rng.choice(BYTES) if rng.random() < 0.7 else rng.randrange(256)
                         for _ in range(rng.randint(1, 16)))
            data = data[:i] + junk + data[i:]
        elif op in (5, 6):                          # replace a word by a nasty token
            words = list(re.finditer(rb'[^\s{}"]+', data))
            if words:
                m = rng.choice(words)
                tok = rng.choice(TOKENS).encode('utf-8', 'surrogateescape')
                data = data[:m.start()] + tok + data[m.end():]
        elif op == 7:                               # a line from another sample
            other = rng.choice(corpus).split(b'\n')
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(other))
            data = b'\n'.join(lines)
        else:                                       # a token on a line of its own
            lines.insert(rng.randrange(len(lines) + 1),
                         rng.choice(TOKENS).encode('utf-8', 'surrogateescape'))
            data = b'\n'.join(lines)
    return data


def check(rc, out, err):
    """None if the run behaved, else what went wrong."""
    lines = err.splitlines()
    if rc in (0, 3, 4):
        if not out.startswith('# vipd.conf converted'):
            return 'exit %d without a vipd.conf on stdout' % rc
        bad = [ln for ln in lines if not re.match(r'^.+:\d+: .', ln)]
        if bad:
            return 'stderr line without FILE:LINE: %r' % bad[0]
        errors = [ln for ln in lines if re.match(r'^.+:\d+: .*: error: .', ln)]
        if bool(errors) != (rc == 3):
            return 'exit %d with %d error: lines' % (rc, len(errors))
        # 4: a keepalived feature not carried over, named; 3 wins over it
        dropped = [ln for ln in lines if 'not carried over' in ln]
        if rc != 3 and bool(dropped) != (rc == 4):
            return 'exit %d with %d not carried over lines' % (rc, len(dropped))
        return None
    if rc == 1:
        if out:
            return 'exit 1 with output on stdout'
        if len(lines) != 1 or not re.match(r'^.+:\d+: error: .', lines[0]):
            return 'exit 1 without one FILE:LINE: error: line: %r' % err[:200]
        return None
    return 'exit status %r' % rc


class Hang(Exception):
    pass


def on_alarm(signum, frame):
    raise Hang()


def main():
    importer, sdir = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    mod = load(importer)
    names = sorted(f for f in os.listdir(sdir) if f.endswith('.conf') and
                   not f.endswith('.vipd.conf'))
    corpus = [open(os.path.join(sdir, f), 'rb').read() for f in names]
    inc_dir = os.path.join(sdir, 'includes.d')
    inc_files = sorted(os.path.join(r, f)[len(inc_dir) + 1:]
                       for r, _, fs in os.walk(inc_dir) for f in fs)
    work = tempfile.mkdtemp(prefix='vipd-import-fuzz.')
    keep = os.environ.get('IMPORT_FUZZ_KEEP') or tempfile.mkdtemp(prefix='vipd-import-fail.')
    shutil.copytree(inc_dir, os.path.join(work, 'includes.d'))
    variant = os.path.join(work, 'variant.conf')
    rng = random.Random(seed)
    signal.signal(signal.SIGALRM, on_alarm)
    failures, procs, proc_fail, exits = [], 0, [], {0: 0, 1: 0, 3: 0, 4: 0}
    for k in range(n):
        src = rng.randrange(len(corpus))
        data = mutate(rng, corpus[src], corpus)
        inc = None
        if rng.random() < 0.1:                      # mutate an included file instead
            inc = os.path.join(work, 'includes.d', rng.choice(inc_files))
            orig = open(inc, 'rb').read()
            with open(inc, 'wb') as f:
                f.write(mutate(rng, orig, corpus))
            data = corpus[names.index('includes.conf')]
        with open(variant, 'wb') as f:
            f.write(data)
        out, err = io.StringIO(), io.StringIO()
        signal.alarm(10)
        try:
            rc = mod.main(['-i', 'lb1', variant], out, err)
            what = check(rc, out.getvalue(), err.getvalue())
        except Hang:
            what = 'no answer within 10 s'
        except BaseException:                       # noqa: B902 - any escape is a crash
            what = 'crash:\n' + traceback.format_exc()
        finally:
            signal.alarm(0)
        if what is None and rc in exits:
            exits[rc] += 1
        if what is None and k % 100 == 0:           # the real thing, as a process
            procs += 1
            p = subprocess.run([sys.executable, importer, '-i', 'lb1', variant],
                               capture_output=True, timeout=60)
            perr = p.stderr.decode('utf-8', 'replace')
            what = check(p.returncode, p.stdout.decode('utf-8', 'replace'), perr)
            if what is None and 'Traceback' in perr:
                what = 'traceback on stderr'
            if what:
                proc_fail.append(k)
        if what:
            name = 'seed%d-%04d-from-%s' % (seed, k, names[src])
            shutil.copy(variant, os.path.join(keep, name))
            if inc:
                shutil.copy(inc, os.path.join(keep, name + '.include'))
            failures.append('%s: %s' % (name, what))
        if inc:
            with open(inc, 'wb') as f:
                f.write(orig)
    shutil.rmtree(work)
    for f in failures[:10]:
        for ln in f.splitlines():
            print('# ' + ln)
    status = 'ok' if not failures else 'not ok'
    print('%s - fuzz: %d mutated variants (seed %d): %d converted (%d with error lines, %d with '
          'features not carried over), %d refused with FILE:LINE, %d bad%s' % (
              status, n, seed, exits[0] + exits[3] + exits[4], exits[3], exits[4], exits[1],
              len(failures), ' (kept in %s)' % keep if failures else ''))
    print('%s - fuzz: %d of them also run as a separate process: no traceback, exit 0, 1, 3 or 4'
          % ('ok' if not proc_fail else 'not ok', procs))
    if not failures:
        shutil.rmtree(keep, ignore_errors=True)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
