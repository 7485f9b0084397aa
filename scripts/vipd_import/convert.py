"""The conversion: a keepalived statement tree -> vipd keys, with a warning for everything
that is not carried over.

Two passes. Collect (`Converter.run`): each top-level block is read into a record, keyword by
keyword, with the tables of rules.py. Complete (`Converter.complete`): keepalived's defaults
and its adjustments between keywords are applied (nopreempt cleared by state MASTER, ...),
names made vipd names, sync groups resolved, and each instance gets its list of vipd keys
(`Converter.complete_instance`). writer.py writes the result.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from . import instance
from .reader import Node, Report
from .rules import (BLOCKS, GARP, GARP_GLOBAL_ONLY, GLOBAL_VALUES, GROUP_NOTIFY, GROUP_TRACKING,
                    INSTANCE_IMPLIED, INSTANCE_LISTS, INSTANCE_VALUES, NOTES, NOTIFY_OTHER,
                    PROCESS_VALUES, SCRIPT_DEFAULTS, SCRIPT_KEYS, SCRIPT_VALUES, TRACKER_WEIGHT,
                    Convert, reason)
from .values import (fmt_num, parse_ip, printable, sanitise, shell_join, shell_syntax, tcp_probe,
                     text, to_bool, to_int)

Record = Dict[str, Any]
# One vipd key of an instance: key, value (text, or the items of a list), the keepalived
# statement it comes from (None: the vrrp_instance itself).
Key = Tuple[str, Any, Optional[Node]]


class Converter:
    """The keepalived records (g: global_defs, instances, scripts, groups) and their keys."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.g: Record = {}
        # The next priority keepalived gives a virtual rule without one, per IP version.
        self.rule_priorities: Dict[int, int] = {}
        self.where: Dict[str, Node] = {}         # global vipd key -> its keepalived statement
        self.instances: List[Record] = []
        self.scripts: Dict[str, Record] = {}
        self.groups: List[Record] = []
        self.garp_groups: List[Record] = []     # garp_group blocks: interfaces and intervals
        self.errors = 0                          # statements converted with a change of meaning

    def error(self, n: Node, msg: str, kw: Optional[str] = None) -> None:
        """What cannot be carried over without changing what the nodes do (a pair split
        into unicast and multicast): listed as `error:` and the exit status says so."""
        self.errors += 1
        self.warn(n, 'error: ' + msg, kw)

    def warn(self, n: Node, msg: str, kw: Optional[str] = None) -> None:
        self.report((n.file, n.line), kw if kw is not None else n.kw, msg, n.seq)

    def skip(self, n: Node, why: Optional[str] = None) -> None:
        """n is left out: a note where vipd does without it (rules.NOTES), else a feature
        not carried over."""
        self.warn(n, ('left out: ' if why is None and re.fullmatch(NOTES, n.kw) else
                      'not carried over: ') + (why or reason(n.kw)) +
                  (' (block skipped)' if n.block is not None else ''))

    def value(self, n: Node, conv: Convert, *lim: float) -> Any:
        """The converted first argument of n, or None (reported)."""
        if n.block is not None:
            self.warn(n, 'unexpected { } block; ignored')
            return None
        v = conv(n.args[0], *lim) if n.args else None
        if v is None:
            self.warn(n, 'missing or invalid value%s; ignored' % ''.join(' ' + a for a in n.args))
        return v

    def entries(self, n: Node) -> List[Node]:
        if n.block is None:
            self.warn(n, 'expects a { } block; ignored')
            return []
        for c in n.block:
            if c.block is not None:
                self.warn(c, 'unexpected { } block inside %s; ignored' % n.kw)
        return [c for c in n.block if c.block is None]

    def run(self, tree: List[Node]) -> None:
        for n in tree:
            if n.kw in BLOCKS:
                getattr(self, BLOCKS[n.kw])(n)
            else:
                self.skip(n)

    # ---- collect: global_defs
    def global_defs(self, n: Node) -> None:
        if n.block is None:
            self.warn(n, 'expects a { } block; ignored')
        for c in n.block or []:
            kw, g = c.kw, self.g
            if kw in GLOBAL_VALUES:
                key, rule = GLOBAL_VALUES[kw]
                g[key] = self.value(c, *rule)
                self.where[key] = c
                if kw == 'script_user' and len(c.args) > 1:
                    self.warn(c, 'group %s not carried over: vipd uses the user\'s group'
                              % c.args[1])
            elif kw.startswith('vrrp_') and kw[5:] in GARP:
                g[kw[5:]] = (self.value(c, *GARP[kw[5:]]), c)
            elif kw in ('vrrp_mcast_group4', 'vrrp_mcast_group6'):
                g[kw] = (self.value(c, parse_ip), c)
            elif kw == 'vrrp_no_swap':  # keepalived: mlockall() of the VRRP process
                g['lock_memory'] = True
                self.where['lock_memory'] = c
            elif kw == 'vrrp_skip_check_adv_addr':
                g['skip_check'] = c   # said in complete(), by the instances' versions
            elif kw == 'vrrp_min_garp':
                if not c.args or to_bool(c.args[0]):
                    g['garp_master_repeat'], g['garp_master_delay'] = (1, c), (0.0, c)
            elif kw == 'vrrp_strict':
                g['strict'] = c
                self.warn(c, 'converted to accept = false on every instance that is not the '
                          'address owner, with keepalived\'s strict defaults (no '
                          'authentication, no preempt_delay); not carried over: a strict '
                          'master ignores lower-priority adverts, a vipd master answers them')
            elif kw in ('notify_fifo', 'vrrp_notify_fifo'):
                if self.value(c, text):
                    g[kw] = c
            elif kw in ('notify_fifo_script', 'vrrp_notify_fifo_script'):
                if c.command():
                    g[kw] = c
            else:
                self.skip(c)

    # ---- collect: vrrp_script
    def script(self, n: Node) -> None:
        if len(n.args) != 1 or n.block is None:
            self.warn(n, 'needs one name and a { } block; skipped')
            return
        if n.args[0] in self.scripts:
            self.warn(n, 'defined twice; keepalived ignores this one', kw=n.text())
            return
        s: Record = dict(SCRIPT_DEFAULTS, node=n, name=sanitise(n.args[0], 'check'), cmd=None,
                         ok=True, uses=[], where={}, raw=n.args[0], kind='exec')
        for c in self.entries(n):
            s['where'][SCRIPT_KEYS.get(c.kw, c.kw)] = c
            if c.kw == 'script':
                w = c.command()
                if w:
                    s['cmd'] = w[0] if len(w) == 1 else shell_join(w)
            elif c.kw in ('interval', 'timeout'):
                s[c.kw] = self.value(c, *SCRIPT_VALUES[c.kw]) or s[c.kw]
            elif c.kw in ('rise', 'fall'):
                v = self.value(c, *SCRIPT_VALUES[c.kw])
                s[c.kw] = max(1, v) if v is not None else s[c.kw]
            elif c.kw == 'weight':
                s['weight'] = self.value(c, *SCRIPT_VALUES['weight']) or 0
                if c.args[1:2] == ['reverse']:
                    s['ok'] = False
                    self.warn(c, 'reverse not carried over: vipd has no reversed checks; '
                              'vrrp_script %s is not converted' % n.args[0])
            elif c.kw == 'user' and c.args:
                # the check's own user (vipd.conf(5) checks: user), same rules as script_user
                s['user'] = c.args[0]
                if len(c.args) > 1:
                    self.warn(c, 'group %s not carried over: vipd runs the check with the '
                              'user\'s groups' % ' '.join(c.args[1:]))
            elif c.kw in ('init_fail', 'user'):
                self.skip(c, 'vipd starts every check as not yet run' if c.kw == 'init_fail'
                          else None)
            else:
                self.skip(c)
        if 'timeout' not in s['where'] and 'interval' in s['where']:
            s['where']['timeout'] = s['where']['interval']     # keepalived's timeout
        if not s['cmd']:
            s['ok'] = False
            self.warn(n, 'no script: keepalived drops vrrp_script %s too' % n.args[0])
        else:
            self.script_shell(s)
        self.scripts[n.args[0]] = s

    def script_shell(self, s: Record) -> None:
        """keepalived runs a script with /bin/sh; vipd execs it: a bash /dev/tcp probe becomes
        a tcp check, other shell syntax is named."""
        c = s['where']['command']
        tcp = tcp_probe(s['cmd'])
        if tcp is not None:
            s.update(kind='tcp', host=tcp[0], port=tcp[1])
            s['where']['host'] = s['where']['port'] = c
            if tcp[2] is not None and tcp[2] < (s['timeout'] or s['interval']):
                s['timeout'] = tcp[2]
                s['where']['timeout'] = c
            self.warn(c, 'converted to a tcp check of %s port %d (vipd connects itself)%s'
                      % (tcp[0], tcp[1], '; localhost written as 127.0.0.1'
                         if '/dev/tcp/localhost/' in s['cmd'] else ''))
            return
        op = shell_syntax(s['cmd'])
        if op is not None:
            tcp_why = ('; a tcp check needs an address and a port number'
                       if '/dev/tcp/' in s['cmd'] else '')
            self.warn(c, 'not carried over: shell syntax (%s): keepalived runs the script '
                      'with /bin/sh, vipd runs the command without a shell; written as an '
                      'exec check as it is: put the script in a file, or write '
                      '/bin/sh -c \'...\'%s' % (op, tcp_why))

    # ---- collect: vrrp_track_process, track_file (vrrp_track_file)
    def tracker(self, n: Node, kind: str) -> Optional[Record]:
        """A new record for a tracking block of kind (process, file), or None (reported)."""
        if len(n.args) != 1 or n.block is None:
            self.warn(n, 'needs one name and a { } block; skipped')
            return None
        if kind + ' ' + n.args[0] in self.scripts:
            self.warn(n, 'defined twice; keepalived ignores this one', kw=n.text())
            return None
        t: Record = dict(node=n, name=sanitise(n.args[0], 'check'), raw=n.args[0], kind=kind,
                         ok=True, uses=[], weight=TRACKER_WEIGHT[kind])
        self.scripts[kind + ' ' + n.args[0]] = t
        return t

    def tracker_weight(self, t: Record, c: Node) -> None:
        t['weight'] = self.value(c, to_int, -254, 254) or 0
        if 'reverse' in c.args[1:]:
            t['ok'] = False
            self.warn(c, 'reverse not carried over: vipd has no reversed checks; %s %s is not '
                      'converted' % (t['node'].kw, t['raw']))

    def track_process(self, n: Node) -> None:
        t = self.tracker(n, 'process')
        if t is None:
            return
        match, full, proc = None, False, None
        for c in self.entries(n):
            if c.kw == 'process' and c.args:
                proc = c
            elif c.kw == 'param_match':
                match = c.args[0] if c.args else 'exact'
                full = True
                if match not in ('exact', 'initial'):
                    t['ok'] = False
                    self.warn(c, 'not carried over: vipd matches all the parameters or the '
                              'first ones whole (exact, initial); %s %s is not converted'
                              % (n.kw, t['raw']))
            elif c.kw == 'full_command':
                full = True
            elif c.kw in ('quorum', 'quorum_max'):
                t[c.kw] = self.value(c, *PROCESS_VALUES[c.kw])
            elif c.kw == 'weight':
                self.tracker_weight(t, c)
            elif c.kw in ('delay', 'terminate_delay', 'fork_delay'):
                self.skip(c, 'vipd counts a process at once (use fall and rise of the check)')
            else:
                self.skip(c)
        if proc is None:
            t['ok'] = False
            self.warn(n, 'no process: keepalived drops vrrp_track_process %s too' % t['raw'])
            return
        if len(proc.args) > 1 or full:
            # keepalived: the path against the first argument, then the parameters
            t['cmdline'] = ' '.join(proc.args)
            t['initial'] = match == 'initial' or (len(proc.args) == 1 and match is None)
        elif len(proc.args[0]) > 15:
            t['process'] = proc.args[0][:15]
            self.warn(proc, 'the kernel keeps 15 characters of a process name: written as '
                      'process = "%s"' % t['process'])
        else:
            t['process'] = proc.args[0]

    def track_file(self, n: Node) -> None:
        t = self.tracker(n, 'file')
        if t is None:
            return
        for c in self.entries(n):
            if c.kw == 'file' and c.args:
                t['path'] = c.args[0]
            elif c.kw == 'weight':
                self.tracker_weight(t, c)
            elif c.kw == 'init_file':
                self.init_file(c)
            else:
                self.skip(c)
        if not t.get('path'):
            t['ok'] = False
            self.warn(n, 'no file: keepalived drops %s %s too' % (n.kw, t['raw']))

    def init_file(self, c: Node) -> None:
        """init_file [VALUE] [overwrite]: keepalived writes VALUE (default 0) into the file at
        start when it is missing, or with overwrite whenever it starts (not at a reload).
        vipd writes no file; its check reads a missing one as 0 (missing = "zero", as
        keepalived's own reading): the same only for 0 without overwrite."""
        value, over = 0, False
        for a in c.args:
            if a == 'overwrite':
                over = True
            elif to_int(a, -2 ** 31, 2 ** 31 - 1) is not None:
                value = int(a)
            else:
                self.warn(c, 'left out: unknown option %s (keepalived ignores it too)'
                          % printable(a))
        if over:
            self.warn(c, 'not carried over: vipd writes no file; keepalived writes %d into it '
                      'at every start, over what it holds' % value)
        elif value:
            self.warn(c, 'not carried over: vipd writes no file; keepalived writes %d into it '
                      'when missing at start, vipd reads a missing file as 0' % value)
        else:
            self.warn(c, 'vipd writes no file; it reads a missing one as 0, as keepalived '
                      'reads the 0 it writes')

    # ---- collect: vrrp_sync_group
    def sync_group(self, n: Node) -> None:
        if len(n.args) != 1 or n.block is None:
            self.warn(n, 'needs one name and a { } block; skipped')
            return
        g: Record = {'node': n, 'raw': n.args[0], 'members': [], 'weights': False,
                     'notify_other': [], 'keys': [],
                     'tifs': [], 'tscripts': [], 'tprocs': [], 'tfiles': []}
        for c in n.block:
            if c.kw == 'group':
                for e in self.entries(c):
                    g['members'] += [(m, e) for m in [e.kw] + e.args]
            elif c.kw in ('sync_group_tracking_weight', 'global_tracking'):
                g['weights'] = True
            elif c.kw in GROUP_TRACKING:
                # keepalived adds what the group tracks to every member (instance.tracking)
                g[GROUP_TRACKING[c.kw]] += self.entries(c)
                g.setdefault(c.kw, c)
            elif c.kw == 'notify':
                g['notify'] = c
            elif c.kw in GROUP_NOTIFY:
                g['notify_other'].append(c)
            else:
                self.skip(c)
        self.groups.append(g)

    # ---- collect: garp_group (the pace of an interface, shared by its instances)
    def garp_group(self, n: Node) -> None:
        if n.block is None:
            self.warn(n, 'expects a { } block; ignored')
            return
        g: Record = {'node': n, 'interfaces': [], 'keys': []}
        for c in n.block:
            if c.kw in ('garp_interval', 'gna_interval') and c.block is None:
                v = self.value(c, *GARP[c.kw])
                if v is not None:
                    g['keys'].append((c.kw, fmt_num(v)))
            elif c.kw == 'interface' and c.block is None and c.args:
                g['interfaces'].append(c.args[0])
            elif c.kw == 'interfaces' and c.block is not None:
                g['interfaces'] += [e.kw for e in c.block] + [a for e in c.block for a in e.args]
            else:
                self.skip(c)
        if not g['interfaces']:
            self.warn(n, 'left out: no interface (keepalived ignores the group too)')
        elif not g['keys']:
            self.warn(n, 'left out: no garp_interval or gna_interval (it paces nothing)')
        else:
            self.garp_groups.append(g)

    # ---- collect: vrrp_instance
    def instance(self, n: Node) -> None:
        if len(n.args) != 1 or n.block is None:
            self.warn(n, 'needs one name and a { } block; skipped')
            return
        if any(i['raw'] == n.args[0] for i in self.instances):
            self.warn(n, 'defined twice; keepalived ignores this one', kw=n.text())
            return
        i: Record = {'node': n, 'raw': n.args[0], 'vips': [], 'xvips': [], 'routes': [], 'rules': [],
                     'tifs': [], 'tscripts': [], 'tprocs': [], 'tfiles': [], 'peers': None,
                     'notify_other': [], 'group': None}
        for c in n.block:
            kw = c.kw
            if kw in INSTANCE_VALUES:
                v = self.value(c, *INSTANCE_VALUES[kw])
                if v is not None or kw == 'priority':
                    i[kw] = (100 if v is None else v, c)   # an invalid priority is 100
            elif kw == 'state':
                if c.args and c.args[0] in ('MASTER', 'BACKUP'):
                    if not (c.args[0] == 'BACKUP' and i.get('state', ('',))[0] == 'MASTER'):
                        i['state'] = (c.args[0], c)
                self.warn(c, 'left out: vipd has no initial state, the live node with the '
                          'highest priority becomes master', kw=c.text())
            elif kw in ('nopreempt', 'preempt'):
                i['nopreempt'] = (kw == 'nopreempt', c)
            elif kw in ('accept', 'no_accept'):
                i['accept'] = (kw == 'accept', c)
            elif kw == 'strict_mode':
                i['strict'] = to_bool(c.args[0]) if c.args else True
            elif kw == 'native_ipv6':
                i['native6'] = True
            elif kw in INSTANCE_IMPLIED:
                pass
            elif kw == 'authentication':
                i['auth'] = c
            elif kw in INSTANCE_LISTS:
                key = INSTANCE_LISTS[kw]
                i[key] = (i[key] or []) + self.entries(c)
                i.setdefault(kw, c)
            elif kw == 'use_vmac':
                i['vmac'] = c
            elif kw == 'vmac_xmit_base':
                i['vmac_xmit_base'] = c
            elif kw == 'skip_check_adv_addr':
                i['skip_check'] = c   # said in skip_check_adv_addr(), by its version
            elif kw == 'dont_track_primary':
                i['dont_track_primary'] = c
            elif kw in GARP and kw not in GARP_GLOBAL_ONLY:
                i[kw] = (self.value(c, *GARP[kw]), c)
            elif kw == 'notify':
                i['notify'] = c
            elif kw in NOTIFY_OTHER:
                i['notify_other'].append(c)
            elif kw == 'unicast_ttl':
                if c.args[:1] != ['255']:
                    self.skip(c, 'vipd sends unicast adverts with TTL 255')
            else:
                self.skip(c)
        self.instances.append(i)

    # ---- complete: keepalived's defaults and adjustments, then the vipd keys
    def complete(self) -> None:
        fifo_kw = [k for k in ('vrrp_notify_fifo', 'notify_fifo') if k in self.g]
        fifo = [self.g[k] for k in fifo_kw]
        for k, c in enumerate(fifo):
            if k:
                self.warn(c, 'not carried over: vrrp_notify_fifo is used')
            if len(c.args) > 1:
                self.warn(c, 'user/group %s not carried over' % ' '.join(c.args[1:]))
        self.g['notify_fifo'] = fifo[0].args[0] if fifo else None
        if fifo:
            self.where['notify_fifo'] = fifo[0]
            # keepalived's line format, for the reader the FIFO already has
            self.g['notify_fifo_format'] = 'keepalived'
            self.where['notify_fifo_format'] = fifo[0]
        # the reader of the FIFO carried over (vipd has one FIFO: the one kept above)
        readers = [(fk, self.g.pop(sk)) for fk, sk in (
            ('vrrp_notify_fifo', 'vrrp_notify_fifo_script'), ('notify_fifo', 'notify_fifo_script'))
            if sk in self.g]
        for fk, c in readers:
            w = c.command()
            if not fifo_kw or fifo_kw[0] != fk:
                self.warn(c, 'not carried over: its FIFO is not the one carried over')
                continue
            self.g['notify_fifo_script'] = w[0]
            self.where['notify_fifo_script'] = c
            if len(w) > 1:
                self.warn(c, 'user/group %s not carried over: vipd runs it as script_user'
                          % ' '.join(w[1:]))
        self.complete_names()
        by_raw = {i['raw']: i for i in self.instances}
        for g in self.groups:
            g['name'] = sanitise(g['raw'], 'sync_group')
            keep = []
            for m, e in g['members']:
                if m not in by_raw:
                    self.warn(e, 'no vrrp_instance %s; keepalived ignores it too' % m, kw=m)
                elif by_raw[m]['group'] is not None:
                    self.warn(e, '%s is already in sync group %s; keepalived ignores it here'
                              % (m, by_raw[m]['group']['raw']), kw=m)
                else:
                    by_raw[m]['group'] = g
                    keep.append(by_raw[m]['name'])
            g['instances'] = keep
            instance.notify(self, g, g['keys'])
            if not keep:
                self.warn(g['node'], 'left out: no instance left (keepalived drops it too)')
        for i in self.instances:
            self.complete_instance(i)
        self.skip_check_adv_addr()

    def skip_check_adv_addr(self) -> None:
        """vrrp_skip_check_adv_addr: keepalived then checks the address list of the first
        advert of a new master only (a CPU saving). vipd checks none of a VRRPv3 advert (a
        list that differs is logged, the advert obeyed: RFC 9568 7.1), which never drops
        more than keepalived with the key; it drops every VRRPv2 advert whose list differs
        (RFC 3768 7.1), as keepalived without the key, so a master that changes its list
        while master (a reload) is no longer followed by a vipd backup."""
        def v2(i: Record) -> bool:
            return any(k[0] == 'version' and k[1] == '2' for k in i['keys'])
        for i in self.instances:
            if 'skip_check' in i:
                self.said_skip_check(i['skip_check'], [i['name']] if v2(i) else [])
        if 'skip_check' in self.g:
            self.said_skip_check(self.g['skip_check'],
                                 [i['name'] for i in self.instances if v2(i)])

    def said_skip_check(self, c: Node, v2: List[str]) -> None:
        """The line for a vrrp_skip_check_adv_addr (or an instance's skip_check_adv_addr)
        covering the VRRPv2 instances v2."""
        if v2:
            self.warn(c, 'not carried over for VRRPv2 instance%s %s: vipd drops every VRRPv2 '
                      'advert whose address list differs from its own (RFC 3768), keepalived '
                      'with this key only the first of a new master, so a master that changes '
                      'its list while master is no longer followed' % (
                          's' if len(v2) > 1 else '', ', '.join(v2)))
        else:
            self.warn(c, 'left out: vipd obeys a VRRPv3 advert whatever its address list '
                      '(a list that differs is logged: RFC 9568 7.1), which drops no advert '
                      'keepalived with this key obeys')

    def complete_names(self) -> None:
        """vipd names for the instances and the scripts, unique, reported when changed."""
        used = {i['raw'] for i in self.instances if sanitise(i['raw'], '') == i['raw']}
        for i in self.instances:
            if i['raw'] in used:
                i['name'] = i['raw']
                continue
            name = base = sanitise(i['raw'], 'vrrp_instance')
            k = 2
            while name in used:
                name = '%s_%d' % (base[:60], k)
                k += 1
            used.add(name)
            i['name'] = name
            self.warn(i['node'], 'renamed to %s: a vipd name is made of A-Z a-z 0-9 _ . - (at '
                      'most 63)' % name, kw='vrrp_instance ' + i['raw'])
        # vrrp_script, vrrp_track_process and track_file names share vipd's check names
        taken = set()
        for v in self.scripts.values():
            if v['name'] == v['raw'] and v['name'] not in taken:
                taken.add(v['name'])
                v['kept'] = True
        for v in self.scripts.values():
            if not v.get('kept'):
                base, n = v['name'], 2
                while v['name'] in taken:
                    v['name'] = '%s_%d' % (base[:60], n)
                    n += 1
                taken.add(v['name'])
                self.warn(v['node'], 'renamed to %s: %s' % (
                    v['name'], 'a vipd name is made of A-Z a-z 0-9 _ . -' if base != v['raw']
                    else 'another check has that name'), kw=v['node'].kw + ' ' + v['raw'])

    def complete_instance(self, i: Record) -> None:
        """The vipd keys of instance i (i['keys']), keepalived's adjustments applied."""
        instance.complete(self, i)
