"""The vipd side: the converted records -> vipd.conf text, and vipd's own opinion of it.

`emit` writes the vipd.conf and remembers, for each line it writes, the keepalived statement
the line comes from. `validate` hands the text to `vipd --check` (when a vipd binary is at
hand) and turns each FILE:LINE error into a warning naming that keepalived statement; it also
asks `vipd --dump-config` for the defaults of the keys the converter leaves out (rules.py
VIPD_IMPLIED) and writes a key explicitly where this vipd's default is not keepalived's.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from .reader import Node
from .rules import VIPD_IMPLIED
from .values import fmt_list, fmt_num, printable, q

if TYPE_CHECKING:
    from .convert import Converter

Line = Tuple[str, Optional[Node]]               # text (possibly several lines), its origin
VIPD_TIMEOUT = 30                               # seconds for one vipd --check/--dump-config


def report_unwritten(cv: Converter, src: str) -> None:
    """The warnings about what emit leaves out: no instance at all, unused scripts."""
    if not cv.instances:
        cv.report((src, 1), 'vrrp_instance', 'none found: nothing to convert', 0)
    for s in cv.scripts.values():
        if not s['uses'] and s['ok']:
            cv.warn(s['node'], 'left out: not used by any vrrp_instance',
                    kw=s['node'].kw + ' ' + s['node'].args[0])


def check_text(s: Dict[str, Any], name: str, w: int) -> str:
    """The vipd check of a vrrp_script, vrrp_track_process or track_file record."""
    if s['kind'] == 'file':
        # keepalived reads a missing, empty or non-numeric file as 0
        return '{ name = %s; type = "file"; path = %s;\n    weight = %d; missing = "zero"; }' % (
            q(name), q(s['path']), w)
    if s['kind'] == 'process':
        keys = ['process = %s;' % q(s['process'])] if s.get('process') else [
            'cmdline = %s; cmdline_match = "%s";' % (
                q(s['cmdline']), 'initial' if s['initial'] else 'exact')]
        keys += ['%s = %d;' % (k, s[k]) for k in ('quorum', 'quorum_max') if s.get(k) is not None]
        return '{ name = %s; type = "process"; %s\n    weight = %d; }' % (
            q(name), ' '.join(keys), w)
    what = ('type = "tcp"; host = %s; port = %d;' % (q(s['host']), s['port'])
            if s['kind'] == 'tcp' else 'type = "exec"; command = %s;' % q(s['cmd']))
    # the script's user (a tcp check runs no script: nothing to run as it)
    user = ' user = %s;' % q(s['user']) if s.get('user') and s['kind'] != 'tcp' else ''
    return ('{ name = %s; %s\n'
            '    interval = %s; timeout = %s; rise = %d; fall = %d; weight = %d;%s }' % (
                q(name), what, fmt_num(s['interval']),
                fmt_num(s['timeout'] or s['interval']), s['rise'], s['fall'], w, user))


def emit(cv: Converter, src: str, config_id: Optional[str]) -> Tuple[str, List[Optional[Node]]]:
    """The vipd.conf text, and for each of its lines the keepalived statement behind it."""
    g = cv.g
    out: List[Line] = []
    out.append(('# vipd.conf converted from the keepalived configuration %s' % printable(src),
                None))
    out.append(('# by vipd-import-keepalived%s. Every keepalived keyword that was not'
                % (' (config id %s)' % config_id if config_id else ''), None))
    out.append(('# carried over was listed on stderr. Check: vipd --check -f FILE', None))
    out.append(('', None))
    for gk in ('router_id', 'script_user', 'notify_fifo', 'notify_fifo_format',
               'notify_fifo_script', 'net_namespace'):
        if g.get(gk) is not None:
            out.append(('%s = %s;' % (gk, q(g[gk])), cv.where.get(gk)))
    if g.get('startup_delay') is not None:
        out.append(('startup_delay = %s;' % fmt_num(g['startup_delay']),
                    cv.where.get('startup_delay')))
    if g.get('realtime_priority') is not None:
        out.append(('realtime_priority = %d;' % g['realtime_priority'],
                    cv.where.get('realtime_priority')))
    if g.get('lock_memory'):
        out.append(('lock_memory = true;', cv.where.get('lock_memory')))
    if out[-1][0]:
        out.append(('', None))
    out.append(('instances = (', None))
    for k, i in enumerate(cv.instances):
        n = i['node']
        out.append(('  {', n))
        out.append(('    # vrrp_instance %s, %s:%d' % (printable(i['raw']), printable(n.file),
                                                       n.line), n))
        for key, val, node in i['keys']:
            if key == 'unicast_ttl_check':
                out.append(('    # keepalived does not check the TTL of unicast adverts', node))
            out.append(('    %s = %s;' % (key, val if isinstance(val, str) else
                                          fmt_list(list(val), key, 4)), node or n))
        out.append(('  }' + (',' if k + 1 < len(cv.instances) else ''), n))
    out.append((');', None))
    checks: List[Line] = []
    for s in cv.scripts.values():
        for w, name in s['uses']:
            checks.append((check_text(s, name, w), s['node']))
    groups: List[Line] = [('{ name = %s; instances = [ %s ];%s }' % (
        q(x['name']), ', '.join(q(m) for m in x['instances']),
        ''.join('\n    %s = %s;' % (k, v) for k, v, _ in x['keys'])), x['node'])
        for x in cv.groups if x['instances']]
    garp: List[Line] = [('{ interfaces = [ %s ];%s }' % (
        ', '.join(q(f) for f in x['interfaces']),
        ''.join(' %s = %s;' % kv for kv in x['keys'])), x['node']) for x in cv.garp_groups]
    for key, items in (('checks', checks), ('sync_groups', groups), ('garp_groups', garp)):
        if items:
            out += [('', None), ('%s = (' % key, None)]
            out += [('  ' + t + (',' if k + 1 < len(items) else ''), node)
                    for k, (t, node) in enumerate(items)]
            out.append((');', None))
    lines: List[str] = []
    origin: List[Optional[Node]] = []
    for t, node in out:
        for ln in t.split('\n'):
            lines.append(ln)
            origin.append(node)
    return '\n'.join(lines) + '\n', origin


def run_vipd(vipd: str, option: str, text: str) -> Tuple[Optional[int], str, str, str]:
    """vipd OPTION -f TMP on text: (exit status or None if it did not run, stdout, stderr,
    the path of TMP as vipd names it in its messages)."""
    fd, path = tempfile.mkstemp(prefix='vipd-import.', suffix='.conf')
    try:
        with os.fdopen(fd, 'w', encoding='utf-8', errors='surrogateescape') as f:
            f.write(text)
        p = subprocess.run([vipd, option, '-f', path], stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=VIPD_TIMEOUT)
        return (p.returncode, p.stdout.decode('utf-8', 'replace'),
                p.stderr.decode('utf-8', 'replace'), path)
    except (OSError, subprocess.SubprocessError) as e:
        return None, '', str(e), path
    finally:
        os.unlink(path)


def dumped_instances(dump: str) -> List[Dict[str, str]]:
    """The scalar keys of each instance in `vipd --dump-config` output, as printed."""
    res: List[Dict[str, str]] = []
    inside = False
    for ln in dump.split('\n'):
        if ln.startswith('instances = ('):
            inside = True
        elif inside and ln.startswith(')'):
            inside = False
        elif inside and ln.strip() == '{':
            res.append({})
        elif inside and res:
            m = re.match(r'^    ([a-z_]+) = (.*);$', ln)
            if m:
                res[-1][m.group(1)] = m.group(2)
    return res


def implied_keys(cv: Converter, dump: str) -> bool:
    """Write the VIPD_IMPLIED keys whose vipd default (per the dump) is not keepalived's
    value; True if any was added."""
    added = False
    for i, d in zip(cv.instances, dumped_instances(dump)):
        have = {k for k, _, _ in i['keys']}
        for key, want in VIPD_IMPLIED.items():
            if key not in have and key in d and d[key] != want:
                i['keys'].append((key, want, None))
                added = True
    return added


def key_origin(cv: Converter, node: Optional[Node], msg: str) -> Optional[Node]:
    """vipd names the line of an instance or a check for some errors about one of its keys
    (`instance "X": KEY: ...`, `checks[N].KEY: ...`): the statement that key comes from,
    where the converter knows it."""
    m = re.match(r'^(?:instance "[^"]*": |instances\[\d+\]\.|checks\[\d+\]\.)([a-z_]+)\b', msg)
    if not m or node is None:
        return node
    for i in cv.instances:
        if i['node'] is node:
            knode: Optional[Node]
            for key, _, knode in i['keys']:
                if key == m.group(1) and knode is not None:
                    return knode
    for s in cv.scripts.values():
        if s['node'] is node:
            snode: Optional[Node] = s['where'].get(m.group(1), node)
            return snode
    return node


def validate(cv: Converter, src: str, config_id: Optional[str], vipd: str
             ) -> Tuple[str, List[Optional[Node]]]:
    """emit, checked by vipd: its errors become warnings at their keepalived line."""
    text, origin = emit(cv, src, config_id)
    rc, _, err, path = run_vipd(vipd, '--check', text)
    if rc == 0:
        drc, dump, _, _ = run_vipd(vipd, '--dump-config', text)
        if drc == 0 and implied_keys(cv, dump):
            text, origin = emit(cv, src, config_id)
            rc, _, err, path = run_vipd(vipd, '--check', text)
    if rc is None:
        cv.report((src, 0), 'vipd', 'cannot run %s --check: %s' % (vipd, err), 1 << 62)
        return text, origin
    if rc == 0:
        return text, origin
    lines = [ln for ln in err.split('\n') if ln.strip()]
    if not lines:
        lines = ['exit status %d' % rc]
    for ln in lines:
        m = re.match(r'^(.*?):(\d+): (.*)$', ln)
        node = None
        if m and m.group(1) == path and 0 < int(m.group(2)) <= len(origin):
            node, ln = origin[int(m.group(2)) - 1], m.group(3)
        elif ln.startswith(path + ': '):
            ln = ln[len(path) + 2:]
        ln = ln.replace(path, 'the converted file')
        node = key_origin(cv, node, ln)
        if node is not None:
            cv.warn(node, 'vipd --check: ' + ln)
        else:
            cv.report((src, 0), 'vipd', '--check: ' + ln, 1 << 62)
    return text, origin
