"""The vipd keys of one vrrp_instance: keepalived's defaults and its adjustments between
keywords applied (the second pass of convert.py), each key with the keepalived statement it
comes from so that writer.py can name that line when `vipd --check` refuses the key.
"""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Set, Tuple

from .reader import Node
from .rules import GARP_KEYS, NOTIFY_OTHER, WEIGHT
from .values import fmt_num, parse_ip, q, to_int

if TYPE_CHECKING:
    from .convert import Converter, Key, Record


def complete(cv: Converter, i: Record) -> None:
    """i['keys']: the vipd keys of instance i, in the order they are written."""
    n, g = i['node'], cv.g
    keys: List[Key] = []
    i['keys'] = keys

    def get(k: str) -> Any:
        return i.get(k, (None, None))[0]

    def src(k: str) -> Optional[Node]:
        node: Optional[Node] = i.get(k, (None, None))[1]
        return node
    strict = i.get('strict', 'strict' in g)
    iface, vrid = get('interface'), get('virtual_router_id')
    fam = 6 if i.get('native6') else None
    for e in i['vips']:
        ip = parse_ip(e.kw)
        if fam is None and ip is not None:
            fam = ip.version
    if fam is None:
        fam = get('unicast_src_ip').version if get('unicast_src_ip') else 4
    version = get('version')
    if fam == 6 and version == 2:
        cv.warn(i['version'][1], 'VRRP version 2 is IPv4 only in vipd: version 3 '
                'written', kw='version 2')
    version = 3 if fam == 6 else version or g.get('version') or 2
    prio = get('priority')
    state = get('state')
    if prio is None:
        prio = 255 if state == 'MASTER' else 100
        if state == 'MASTER':
            cv.warn(i['state'][1], 'no priority: keepalived gives state MASTER the '
                    'owner priority 255, written as priority = 255', kw='priority')
    keys.append(('name', q(i['name']), None))
    if iface is None:
        cv.warn(n, 'no interface: vipd needs one; add interface = "..." to this '
                'instance', kw='interface')
    else:
        keys.append(('interface', q(iface), src('interface')))
    if vrid is None:
        cv.warn(n, 'no valid virtual_router_id: vipd needs vrid', kw='virtual_router_id')
    else:
        keys.append(('vrid', str(vrid), src('virtual_router_id')))
    keys += [('priority', str(prio), src('priority')), ('version', str(version), src('version'))]
    adv = get('advert_int') or 1.0
    # keepalived's rounding: whole seconds in version 2, centiseconds in version 3, at most
    # what the 8-bit (v2, s) or 12-bit (v3, cs) field of its adverts carries
    unit = 100 if version == 2 else 1
    cs = min(int(adv * 100 / unit + 0.5) or 1, 255 if version == 2 else 4095) * unit
    if abs(cs - adv * 100) > 1e-6:
        cv.warn(i['advert_int'][1], 'keepalived uses %s s for version %d; written so'
                % (fmt_num(cs / 100), version), kw='advert_int %s' % fmt_num(adv))
    keys.append(('advert_interval', fmt_num(cs / 100), src('advert_int')))
    nopre, nnode = i.get('nopreempt', (False, None))
    if prio == 255:
        state = 'MASTER'            # keepalived starts an owner as master
    if nopre:
        why = ('priority 255 (owner)' if prio == 255 else
               'state MASTER' if state == 'MASTER' else None)
        if why:
            cv.warn(nnode, 'not carried over: keepalived ignores it with ' + why)
            nopre = False
        else:
            keys.append(('preempt', 'false', nnode))
    pd, pnode = i.get('preempt_delay', (None, None))
    if pd:
        why = ('an initial state MASTER' if state == 'MASTER' else 'strict mode' if strict else
               'nopreempt' if nopre else None)
        if why:
            cv.warn(pnode, 'not carried over: keepalived ignores it with ' + why,
                    kw='preempt_delay')
        else:
            keys.append(('preempt_delay', fmt_num(pd), pnode))
    accept, anode = i.get('accept', (not strict, None))
    if accept and strict and version == 2 and prio != 255:
        accept = False
    if not accept:
        keys.append(('accept', 'false', anode))
    for kw, key in GARP_KEYS.items():
        v, vnode = i.get(kw, g.get(kw, (None, None)))
        if v is not None:
            keys.append((key, str(v) if kw.endswith('repeat') else fmt_num(v), vnode))
    if 'vmac' in i:
        keys.append(('vmac', 'true', i['vmac']))
        name = 'vrrp%s.%s' % ('6' if fam == 6 else '', vrid or 'VRID')
        extra = [a for a in i['vmac'].args[:1] if a != name] + i['vmac'].args[1:]
        if extra:
            cv.warn(i['vmac'], 'interface name/MAC %s not carried over: vipd names its '
                    'VMAC %s' % (' '.join(extra), name))
    unicast(cv, i, fam, keys)
    auth(cv, i, strict, version, keys)
    addresses(cv, i, fam, vrid, keys)
    routes = [r for r in (route(cv, e, fam) for e in i['routes']) if r]
    if routes:
        keys.append(('virtual_routes', [q(r) for r in routes], i.get('virtual_routes')))
    tracking(cv, i, iface, prio, keys)
    notify(cv, i, keys)


def addresses(cv: Converter, i: Record, fam: int, vrid: Optional[int], keys: List[Key]) -> None:
    """virtual_addresses, with the link-local address vipd needs first in IPv6."""
    vips, vnode = addr_list(cv, i, fam), i.get('virtual_ipaddress', i['node'])
    if fam == 6 and vips:
        ll = [v for v in vips if v[1].ip.is_link_local]
        if not ll and vrid is not None:
            a = 'fe80::200:5eff:fe00:2%02x/64' % vrid
            cv.warn(vnode, 'no link-local address, and vipd needs one first (RFC 9568 '
                    '5.2.9): added %s, made from VRID %d as on every node converted '
                    'by this tool; keepalived running the original file drops its '
                    'adverts, and vipd keepalived\'s: move all nodes at once'
                    % (a, vrid), kw='virtual_ipaddress')
            vips.insert(0, (a, None, None))
        elif ll and ll[0] is not vips[0]:
            moved = ll[0][2]
            assert moved is not None        # only the added address has no statement
            cv.warn(moved, 'moved first: vipd needs the link-local address first, '
                    'and drops the adverts of keepalived running the original file: '
                    'move all nodes at once',
                    kw='virtual_ipaddress ' + ll[0][0])
            vips.remove(ll[0])
            vips.insert(0, ll[0])
    if vips:
        keys.append(('virtual_addresses', [q(v[0]) for v in vips], vnode))
    else:
        cv.warn(vnode, 'no usable address: vipd needs at least one')


def addr_list(cv: Converter, i: Record, fam: int) -> List[Tuple[str, Any, Optional[Node]]]:
    """virtual_ipaddress entries -> vipd address strings of family fam."""
    out: List[Tuple[str, Any, Optional[Node]]] = []
    seen = set()
    iface = i.get('interface', (None,))[0]
    for e in i['vips']:
        ip = parse_ip(e.kw)
        if ip is None:
            cv.warn(e, 'not an address; not carried over', kw='virtual_ipaddress ' + e.kw)
            continue
        if ip.version != fam:
            cv.warn(e, 'IPv%d in an IPv%d instance; keepalived ignores it too'
                      % (ip.version, fam), kw='virtual_ipaddress ' + e.kw)
            continue
        if ip.ip in seen:
            cv.warn(e, 'duplicate address; carried over once', kw='virtual_ipaddress ' + e.kw)
            continue
        seen.add(ip.ip)
        out.append((str(ip) if '/' in e.kw else str(ip.ip), ip, e))
        w, k = e.args, 0
        while k < len(w):
            opt = w[k]
            arg = w[k + 1] if k + 1 < len(w) else ''
            if opt == 'dev' and arg == iface:
                k += 2
                continue
            if opt in ('dev', 'label', 'brd', 'broadcast', 'scope', 'peer', 'preferred_lft',
                       'track_group'):
                k += 1
                why = ('vipd adds every address to the instance interface %s' % iface
                       if opt == 'dev' else 'vipd adds the address without it')
                opt = opt + ' ' + arg
            else:
                why = 'vipd adds the address without it'
            cv.warn(e, 'not carried over: ' + why,
                      kw='virtual_ipaddress %s %s' % (e.kw, opt))
            k += 1
    return out

def route(cv: Converter, e: Node, fam: int) -> Optional[str]:
    """A virtual_routes entry -> 'PREFIX [via GW] [dev IF] [metric N] [table N]'."""
    w = [e.kw] + e.args
    r: Dict[str, str] = {}
    dropped: List[str] = []
    kw = 'virtual_routes ' + e.text()
    if w[0] in ('blackhole', 'unreachable', 'prohibit', 'throw', 'local', 'broadcast',
                'multicast', 'anycast', 'nat'):
        cv.warn(e, 'not carried over: vipd adds unicast routes only', kw=kw)
        return None
    k = 1 if w[0] == 'unicast' else 0
    keep = {'via': 'via', 'gw': 'via', 'dev': 'dev', 'metric': 'metric',
            'preference': 'metric', 'priority': 'metric', 'table': 'table'}
    while k < len(w):
        t, arg = w[k], (w[k + 1] if k + 1 < len(w) else None)
        if t == 'to':
            k += 1
        elif t in keep and arg is not None:
            r[keep[t]] = arg
            k += 2
        elif t in ('onlink', 'no_track'):
            dropped.append(t)
            k += 1
        elif re.fullmatch(r'[a-z_-]+', t) and t not in ('default',) and arg is not None:
            dropped.append(t + ' ' + arg)        # src, scope, proto, mtu, or GW, ...
            k += 2
        elif 'prefix' not in r:
            r['prefix'] = t
            k += 1
        else:
            cv.warn(e, 'cannot read "%s"; route not carried over' % t, kw=kw)
            return None
    via = parse_ip(r['via']) if 'via' in r else None
    p = r.get('prefix')
    if p == 'default':
        p = '0.0.0.0/0' if (via.version if via else fam) == 4 else '::/0'
    try:
        net = ipaddress.ip_network(p, strict=False) if p else None
    except ValueError:
        net = None
    if net is None or ('via' in r and (via is None or via.version != net.version)):
        cv.warn(e, 'cannot read the destination or gateway; route not carried over',
                  kw=kw)
        return None
    tables = {'main': '254', 'local': '255', 'default': '253'}
    table = tables.get(r.get('table', ''), r.get('table'))
    if table is not None and to_int(table, 0, 2**32 - 1) is None:
        cv.warn(e, 'not carried over: vipd knows numbered tables (and main, local, '
                  'default) only', kw=kw)
        return None
    if 'metric' in r and to_int(r['metric'], 0, 2**32 - 1) is None:
        cv.warn(e, 'invalid metric; route not carried over', kw=kw)
        return None
    out = str(net)
    for key in ('via', 'dev', 'metric'):
        if key in r:
            out += ' %s %s' % (key, r[key])
    if table is not None and table != '254':
        out += ' table ' + table
    for d in dropped:
        cv.warn(e, 'not carried over: %s' % ('a second gateway (multipath)'
                                                if d.startswith('or ') else
                                                'vipd adds the route without it'),
                  kw='virtual_routes %s %s' % (out.split()[0], d))
    return out



def unicast(cv: Converter, i: Record, fam: int, keys: List[Key]) -> None:
    """unicast_source, unicast_peers and unicast_ttl_check."""
    peers: List[str] = []
    ttl_ok = True
    for e in i['peers'] or []:
        ip = parse_ip(e.kw)
        if ip is None or ip.version != fam or '/' in e.kw:
            cv.warn(e, 'not an IPv%d address; not carried over' % fam,
                    kw='unicast_peer ' + e.kw)
            continue
        if str(ip.ip) not in peers:
            peers.append(str(ip.ip))
        opts = dict(zip(e.args[::2], e.args[1::2]))
        if opts.get('min_ttl') != '255':
            ttl_ok = False
        if set(opts) - {'min_ttl'} or opts.get('min_ttl', '255') != '255':
            cv.warn(e, 'TTL range not carried over: vipd checks TTL 255 or nothing '
                    '(unicast_ttl_check)', kw='unicast_peer %s' % e.text())
    src = i.get('unicast_src_ip', i.get('mcast_src_ip') if peers else None)
    if i['peers'] is not None and not peers:
        cv.warn(i['node'], 'no usable peer: keepalived 2.2 then runs multicast, and '
                'so does the converted instance', kw='unicast_peer')
    for kw in ('unicast_src_ip', 'mcast_src_ip'):
        if kw in i and (not peers or i[kw] is not src):
            cv.warn(i[kw][1], 'not carried over: %s' % (
                'vipd sends multicast adverts from the interface address' if not peers
                else 'unicast_src_ip is used'), kw='%s %s' % (kw, i[kw][1].args[0]))
    if not peers:
        return
    if src is not None:
        if src[0].version != fam:
            cv.warn(src[1], 'not an IPv%d address; not carried over' % fam)
        else:
            keys.append(('unicast_source', q(str(src[0].ip)), src[1]))
    pnode = i.get('unicast_peer')
    keys.append(('unicast_peers', [q(p) for p in peers], pnode))
    if not ttl_ok:
        keys.append(('unicast_ttl_check', 'false', pnode))


def auth(cv: Converter, i: Record, strict: bool, version: int, keys: List[Key]) -> None:
    """auth_pass, where keepalived sends simple-password authentication."""
    n = i.get('auth')
    if n is None:
        return
    atype: Optional[str] = None
    apass: Optional[Node] = None
    for c in cv.entries(n):
        if c.kw == 'auth_type' and c.args[:1] in (['PASS'], ['AH']):
            atype = c.args[0]
        elif c.kw == 'auth_pass' and c.args:
            apass = c
        else:
            cv.skip(c)
    why = ('keepalived ignores authentication in strict mode' if strict else
           'keepalived ignores authentication with VRRP version 3' if version == 3 else
           'vipd has no AH authentication' if atype == 'AH' else
           None if atype == 'PASS' and apass else
           'keepalived needs auth_type PASS and auth_pass, else sends none')
    if why or apass is None:
        cv.warn(n, 'not carried over: ' + str(why))
        return
    pw = apass.args[0]
    if len(pw.encode('utf-8', 'surrogateescape')) > 8:
        cv.warn(apass, 'longer than 8 characters: keepalived uses the first 8, and so '
                'does the converted file')
        pw = pw.encode('utf-8', 'surrogateescape')[:8].decode('utf-8', 'surrogateescape')
    keys.append(('auth_pass', q(pw), apass))


def tracking(cv: Converter, i: Record, iface: Optional[str], prio: int, keys: List[Key]) -> None:
    """checks (the converted vrrp_scripts this instance tracks) and track_interfaces."""
    grp = i['group']
    nulled = ('keepalived ignores weights in sync group %s' % grp['raw']
              if grp and not grp['weights'] else None)
    owner = 'keepalived ignores weighted tracking for the owner (priority 255)'
    tifs: List[Tuple[str, int]] = []
    for e in i['tifs']:
        kw = 'track_interface ' + e.text()
        w: Optional[int] = 0
        if e.args[:1] == ['weight']:
            w = WEIGHT[0](e.args[1] if len(e.args) > 1 else None, *WEIGHT[1:])
            if w is None:
                cv.warn(e, 'invalid weight; not carried over', kw=kw)
                continue
        if 'reverse' in e.args:
            cv.warn(e, 'not carried over: vipd has no reversed tracking', kw=kw)
        elif e.kw == iface:
            cv.warn(e, 'not carried over: the instance interface is always tracked', kw=kw)
        elif w and nulled:
            cv.warn(e, '%s: written with weight 0 (FAULT when down)' % nulled, kw=kw)
            tifs.append((e.kw, 0))
        elif w and prio == 255:
            cv.warn(e, 'not carried over: ' + owner, kw=kw)
        else:
            tifs.append((e.kw, w or 0))
    checks: List[str] = []
    for e in i['tscripts']:
        kw = 'track_script ' + e.text()
        s = cv.scripts.get(e.kw)
        w = s['weight'] if s else 0
        if e.args[:1] == ['weight']:
            w = WEIGHT[0](e.args[1] if len(e.args) > 1 else None, *WEIGHT[1:])
        if s is None or not s['ok'] or w is None:
            cv.warn(e, 'not carried over: ' + (
                'no vrrp_script %s (keepalived ignores it too)' % e.kw if s is None else
                'invalid weight' if w is None else 'vrrp_script %s is not converted' % e.kw),
                kw=kw)
        elif 'reverse' in e.args:
            cv.warn(e, 'not carried over: vipd has no reversed checks', kw=kw)
        elif w and (nulled or prio == 255):
            cv.warn(e, 'not carried over: ' + (nulled or owner), kw=kw)
        else:
            name = s['name'] if w == s['weight'] else '%s_w%d' % (s['name'][:55], w)
            if w != s['weight']:
                cv.warn(e, 'weight %d differs from vrrp_script %s: written as check %s, '
                        'a copy with that weight (vipd weights belong to checks)'
                        % (w, e.kw, name), kw='track_script ' + e.kw)
            if (w, name) not in s['uses']:
                s['uses'].append((w, name))
            if name not in checks:
                checks.append(name)
    if checks:
        keys.append(('checks', [q(c) for c in checks], i.get('track_script')))
    if tifs:
        keys.append(('track_interfaces', ['{ name = %s; weight = %d; }' % (q(t), w)
                                          for t, w in tifs], i.get('track_interface')))


def notify(cv: Converter, i: Record, keys: List[Key]) -> None:
    """notify and the per-state scripts: the same keys; notify with keepalived's arguments."""
    g: Optional[Node] = i.get('notify')
    w = g.command() if g is not None else []
    if g is not None and w:
        keys.append(('notify', q(w[0]), g))
        keys.append(('notify_args', q('keepalived'), g))
        script_user(cv, g, w)
    seen: Set[str] = set()
    for c in sorted(i['notify_other'], key=lambda n: NOTIFY_OTHER.index(n.kw)):
        w = c.command()
        if not w:
            continue
        if c.kw in seen:
            cv.warn(c, 'not carried over: %s is already given; keepalived ignores this '
                    'one' % c.kw)
            continue
        seen.add(c.kw)
        keys.append((c.kw, q(w[0]), c))
        script_user(cv, c, w)


def script_user(cv: Converter, c: Node, w: List[str]) -> None:
    """A notify script's user/group words, which vipd does not carry over."""
    if len(w) > 1:
        cv.warn(c, 'user/group %s not carried over: vipd runs it as script_user'
                % ' '.join(w[1:]))
