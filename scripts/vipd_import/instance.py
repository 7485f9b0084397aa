"""The vipd keys of one vrrp_instance: keepalived's defaults and its adjustments between
keywords applied (the second pass of convert.py), each key with the keepalived statement it
comes from so that writer.py can name that line when `vipd --check` refuses the key.
"""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Set, Tuple

from .reader import Node
from .rules import (ADDR_DROPPED, ADDR_FLAGS, ADDR_OPTIONS, GARP_KEYS, NOTIFY_OTHER, ROUTE_KEYS,
                    ROUTE_PROTOS, ROUTE_SCOPES, ROUTE_TYPES, RULE_KEYS, WEIGHT)
from .values import fmt_num, parse_ip, printable, q, to_int

if TYPE_CHECKING:
    from .convert import Converter, Key, Record


def vmac(cv: Converter, i: Record, fam: int, vrid: Any, keys: List[Key]) -> None:
    """use_vmac [NAME [MAC]] -> vmac (true for keepalived's default name), vmac_xmit_base."""
    xmit = i.get('vmac_xmit_base')
    if 'vmac' not in i:
        if xmit is not None:
            cv.warn(xmit, 'left out: without use_vmac, keepalived sends from the interface '
                    'anyway')
        return
    node = i['vmac']
    default = 'vrrp%s.%s' % ('6' if fam == 6 else '', vrid or 'VRID')
    name = node.args[0] if node.args else default
    keys.append(('vmac', 'true' if name == default else q(name), node))
    # keepalived's MAC: six octets, or five with the VRID as the sixth; vipd's is RFC 9568's.
    want = ['00', '00', '5e', '00', '02' if fam == 6 else '01',
            '%02x' % vrid if isinstance(vrid, int) else 'VRID']
    for mac in node.args[1:]:
        octets = ['%02x' % int(o, 16) if re.fullmatch(r'[0-9A-Fa-f]{1,2}', o) else o
                  for o in mac.split(':')]
        if octets not in (want, want[:5]):
            cv.warn(node, 'MAC %s not carried over: vipd\'s VMAC has %s' % (mac, ':'.join(want)))
    if xmit is not None:
        keys.append(('vmac_xmit_base', 'true', xmit))


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
            cv.warn(nnode, 'left out: keepalived ignores it with ' + why)
            nopre = False
        else:
            keys.append(('preempt', 'false', nnode))
    pd, pnode = i.get('preempt_delay', (None, None))
    if pd:
        why = ('an initial state MASTER' if state == 'MASTER' else 'strict mode' if strict else
               'nopreempt' if nopre else None)
        if why:
            cv.warn(pnode, 'left out: keepalived ignores it with ' + why,
                    kw='preempt_delay')
        else:
            keys.append(('preempt_delay', fmt_num(pd), pnode))
    # keepalived's strict mode: accept mode off by default except for the address owner
    accept, anode = i.get('accept', (not strict or prio == 255, None))
    if accept and strict and version == 2 and prio != 255:
        accept = False
    if not accept:
        keys.append(('accept', 'false', anode))
    for kw, key in GARP_KEYS.items():
        v, vnode = i.get(kw, g.get(kw, (None, None)))
        if kw == ('garp_interval' if fam == 6 else 'gna_interval'):
            continue   # keepalived paces ARP with vrrp_garp_interval, NAs with vrrp_gna_interval
        if kw == 'garp_master_refresh_repeat' and v is None:
            # keepalived's refresh bursts are of 1 unless said; vipd's of garp_repeat
            refresh, vnode = i.get('garp_master_refresh', g.get('garp_master_refresh',
                                                                 (None, None)))
            v = 1 if refresh else None
        if v is not None:
            keys.append((key, str(v) if kw.endswith('repeat') else fmt_num(v), vnode))
    vmac(cv, i, fam, vrid, keys)
    if strict and i['peers']:
        cv.warn(i['node'], 'unicast peers are not supported in strict mode: '
                'depending on its version and the interface keepalived may refuse the '
                'instance; converted with its peers', kw='unicast_peer')
    unicast(cv, i, fam, keys)
    auth(cv, i, strict, version, keys)
    addresses(cv, i, fam, keys)
    routes = [r for r in (route(cv, e, fam) for e in i['routes']) if r]
    if routes:
        keys.append(('virtual_routes', [q(r) for r in routes], i.get('virtual_routes')))
    rules = [r for r in (rule(cv, e) for e in i['rules']) if r]
    if rules:
        keys.append(('virtual_rules', [q(r) for r in rules], i.get('virtual_rules')))
    tracking(cv, i, iface, prio, keys)
    if 'dont_track_primary' in i:
        keys.append(('track_link', 'false', i['dont_track_primary']))
    notify(cv, i, keys)


def addresses(cv: Converter, i: Record, fam: int, keys: List[Key]) -> None:
    """virtual_addresses, in keepalived's order: keepalived sends its list as written and
    drops an advert whose list differs, so an added or moved link-local splits a mixed pair."""
    vips, vnode = addr_list(cv, i, fam), i.get('virtual_ipaddress', i['node'])
    if fam == 6 and vips and not vips[0][1].ip.is_link_local:
        cv.warn(vnode, 'no link-local address first: kept as written; vipd then sends and '
                'accepts the list as keepalived does (vipd --check warns: RFC 9568 5.2.9 '
                'puts a link-local virtual address first)', kw='virtual_ipaddress')
    if vips:
        keys.append(('virtual_addresses', [q(v[0]) for v in vips], vnode))
    xnode = i.get('virtual_ipaddress_excluded', i['node'])
    excluded = addr_list(cv, i, None, 'xvips', 'virtual_ipaddress_excluded',
                         {v[1].ip for v in vips if v[1] is not None})
    if excluded:
        keys.append(('excluded_addresses', [q(v[0]) for v in excluded], xnode))


def addr_list(cv: Converter, i: Record, fam: Optional[int], key: str = 'vips',
              kwname: str = 'virtual_ipaddress',
              taken: Optional[Set[Any]] = None) -> List[Tuple[str, Any, Optional[Node]]]:
    """Address entries i[key] -> vipd address strings (of family fam unless None), each with
    the options vipd carries: "ADDR[/PLEN] [dev IF] [label L] [scope S] [brd B]
    [noprefixroute]"."""
    out: List[Tuple[str, Any, Optional[Node]]] = []
    seen = set(taken or ())
    iface = i.get('interface', (None,))[0]
    for e in i[key]:
        ip = parse_ip(e.kw)
        if ip is None:
            cv.warn(e, 'not an address; not carried over', kw='%s %s' % (kwname, e.kw))
            continue
        if fam is not None and ip.version != fam:
            cv.warn(e, 'IPv%d in an IPv%d instance; keepalived ignores it too'
                      % (ip.version, fam), kw='%s %s' % (kwname, e.kw))
            continue
        if ip.ip in seen:
            cv.warn(e, 'duplicate address; carried over once', kw='%s %s' % (kwname, e.kw))
            continue
        seen.add(ip.ip)
        text = str(ip) if '/' in e.kw else str(ip.ip)
        w, k = e.args, 0
        while k < len(w):
            opt = w[k]
            arg = w[k + 1] if k + 1 < len(w) else ''
            if opt in ADDR_OPTIONS and arg:
                k += 2
                if opt == 'dev' and arg == iface:
                    continue                    # vipd's default: the instance interface
                if opt in ('label', 'brd', 'broadcast') and ip.version == 6:
                    cv.warn(e, 'not carried over: IPv4 only in vipd (the kernel ignores it '
                            'on IPv6)', kw='%s %s %s %s' % (kwname, e.kw, opt, arg))
                    continue
                if opt in ('brd', 'broadcast') and arg == '-':
                    continue                    # no broadcast: vipd's default
                text += ' %s %s' % (ADDR_OPTIONS[opt], arg)
                continue
            if opt in ADDR_FLAGS:
                k += 1
                text += ' ' + opt
                continue
            if opt in ADDR_DROPPED:
                opt = opt + ' ' + arg
                k += 1
            k += 1
            cv.warn(e, 'not carried over: vipd adds the address without it',
                    kw='%s %s %s' % (kwname, e.kw, opt))
        out.append((text, ip, e))
    return out

def table_name(arg: str) -> bool:
    """A name of /etc/iproute2/rt_tables as keepalived and vipd read it (resolved by each at
    its load, so carried over as written)."""
    return re.fullmatch(r'[A-Za-z_][A-Za-z0-9_.+:-]{0,62}', arg) is not None


def route_value(key: str, arg: str) -> Optional[str]:
    """The vipd value of route keyword key (a vipd word), or None when vipd cannot take it."""
    if key == 'scope':
        return ROUTE_SCOPES.get(arg, arg if to_int(arg, 0, 255) is not None else None)
    if key == 'proto':
        return ROUTE_PROTOS.get(arg, arg if to_int(arg, 1, 255) is not None else None)
    if key == 'table':
        table = {'main': '254', 'local': '255', 'default': '253'}.get(arg, arg)
        return table if to_int(table, 0, 2**32 - 1) is not None or table_name(table) else None
    if key == 'metric':
        return arg if to_int(arg, 0, 2**32 - 1) is not None else None
    return arg


def nexthops(w: List[str]) -> Optional[Tuple[str, List[int]]]:
    """keepalived's 'nexthop via GW [dev IF] [weight W] [onlink]' groups -> vipd's text and the
    IP version of each gateway, or None."""
    out = ''
    versions: List[int] = []
    groups = ' '.join(w).split('nexthop')[1:]
    if not 1 <= len(groups) <= 4:
        return None
    for g in groups:
        t = g.split()
        h: Dict[str, str] = {}
        k = 0
        while k < len(t):
            if t[k] == 'onlink':
                h['onlink'] = ''
                k += 1
            elif t[k] in ('via', 'gw', 'dev', 'weight') and k + 1 < len(t):
                h['via' if t[k] == 'gw' else t[k]] = t[k + 1]
                k += 2
            else:
                return None
        gw = parse_ip(h['via']) if 'via' in h else None
        if gw is None:
            return None
        versions.append(gw.version)
        if 'weight' in h and to_int(h['weight'], 1, 256) is None:
            return None
        out += ' nexthop via ' + h['via']
        out += ''.join(' %s %s' % (x, h[x]) for x in ('dev', 'weight') if x in h)
        out += ' onlink' if 'onlink' in h else ''
    return out, versions


# keepalived's no_track on a virtual route or rule: what vipd always does. Without it keepalived
# makes a master whose route or rule someone else deletes BACKUP, and puts the instance in
# FAULT while the route's dev is down (vrrp_netlink.c, vrrp_if.c); vipd does neither.
UNTRACKED = ('vipd never tracks its virtual %ss, as keepalived with no_track (no BACKUP when '
             'someone else deletes one, no FAULT while its interface is down)')


def route(cv: Converter, e: Node, fam: int) -> Optional[str]:
    """A virtual_routes entry -> '[TYPE] PREFIX [via GW] [dev IF] [src A] [scope S] [onlink]
    [metric N] [table N] [proto P]'. Each route has its own family (IPv4 and IPv6 mix in one
    instance, in vipd as in keepalived); a 'default' without via or src takes fam."""
    w = [e.kw] + e.args
    r: Dict[str, str] = {}
    dropped: List[str] = []
    kw = 'virtual_routes ' + e.text()
    rtype = ''
    if w[0] in ROUTE_TYPES:
        rtype = w[0]
    elif w[0] in ('throw', 'local', 'broadcast', 'multicast', 'anycast', 'nat'):
        cv.warn(e, 'not carried over: vipd adds unicast, blackhole, unreachable and prohibit '
                'routes only', kw=kw)
        return None
    hops = ''
    versions: List[int] = []
    if 'nexthop' in w:
        got = nexthops(w[w.index('nexthop'):])
        if got is None:
            cv.warn(e, 'not carried over: vipd takes 1..4 nexthops of "nexthop via GW [dev IF] '
                    '[weight 1..256] [onlink]"', kw=kw)
            return None
        hops, versions = got
        w = w[:w.index('nexthop')]
        if not w:
            # a line of nexthops alone (keepalived refuses it): no destination to route
            cv.warn(e, 'no destination before "nexthop"; route not carried over', kw=kw)
            return None
    k = 1 if w[0] in ROUTE_TYPES + ('unicast',) else 0
    onlink = False
    while k < len(w):
        t, arg = w[k], (w[k + 1] if k + 1 < len(w) else None)
        if t == 'to':
            k += 1
        elif t in ROUTE_KEYS and arg is not None:
            key = ROUTE_KEYS[t]
            val = route_value(key, arg)
            if val is None and key == 'table':
                cv.warn(e, 'not carried over: table "%s" is neither a number nor a name'
                        % printable(arg), kw=kw)
                return None
            if val is None and key == 'metric':
                cv.warn(e, 'invalid metric; route not carried over', kw=kw)
                return None
            if val is None:
                dropped.append(t + ' ' + arg)
            else:
                r[key] = val
            k += 2
        elif t == 'onlink':
            onlink = True
            k += 1
        elif t == 'no_track':
            cv.warn(e, 'left out: ' + UNTRACKED % 'route', kw='virtual_routes %s no_track' % w[0])
            k += 1
        elif re.fullmatch(r'[a-z_-]+', t) and t not in ('default',) and arg is not None:
            dropped.append(t + ' ' + arg)        # mtu, realm, or GW, nexthop ...
            k += 2
        elif 'prefix' not in r:
            r['prefix'] = t
            k += 1
        else:
            cv.warn(e, 'cannot read "%s"; route not carried over' % t, kw=kw)
            return None
    via = parse_ip(r['via']) if 'via' in r else None
    src = parse_ip(r['src']) if 'src' in r else None
    p = r.get('prefix')
    if p == 'default':
        ref = via or src
        p = '0.0.0.0/0' if (ref.version if ref else fam) == 4 else '::/0'
    try:
        net = ipaddress.ip_network(p, strict=False) if p else None
    except ValueError:
        net = None
    if net is None or any(k in r and (a is None or a.version != net.version)
                          for k, a in (('via', via), ('src', src))):
        cv.warn(e, 'cannot read the destination, gateway or source; route not carried over',
                kw=kw)
        return None
    if rtype:
        for key in ('via', 'dev', 'src'):
            if key in r:
                dropped.append('%s %s' % (key, r.pop(key)))
        if onlink:
            dropped.append('onlink')
            onlink = False
    if onlink and 'via' not in r:
        dropped.append('onlink')
        onlink = False
    out = (rtype + ' ' if rtype else '') + str(net)
    for key in ('via', 'dev', 'src', 'scope'):
        if key in r:
            out += ' %s %s' % (key, r[key])
    if onlink:
        out += ' onlink'
    if 'metric' in r:
        out += ' metric ' + r['metric']
    if r.get('table', '254') != '254':
        out += ' table ' + r['table']
    if 'proto' in r:
        out += ' proto ' + r['proto']
    if hops and (rtype or 'via' in r or 'dev' in r or onlink):
        cv.warn(e, 'not carried over: vipd takes no via, dev or onlink beside nexthops', kw=kw)
        return None
    if any(v != net.version for v in versions):
        cv.warn(e, 'a nexthop gateway is not of the destination\'s family; route not carried '
                'over', kw=kw)
        return None
    out += hops
    for d in dropped:
        why = ('a second gateway (multipath)' if d.startswith('or ') else
               'a %s route has no next hop' % rtype if rtype else
               'onlink needs via' if d == 'onlink' else 'vipd adds the route without it')
        cv.warn(e, 'not carried over: ' + why, kw='virtual_routes %s %s' % (str(net), d))
    return out


# keepalived numbers a rule given without a priority itself: 16384, then one less for each
# further such rule of the family, in the order of the file (vrrp_iprule.c, alloc_rule).
RULE_START_PRIORITY = 16384


def rule(cv: Converter, e: Node) -> Optional[str]:
    """A virtual_rules entry -> '[not] [from P] [to P] [iif I] [oif I] [fwmark M[/MASK]]
    table N priority N'. A rule vipd cannot carry whole (another action, a named table, a
    selector vipd lacks) is left out with the reason: carrying part of it would match other
    packets than keepalived's rule. keepalived's defaults are written out: IPv4 for a rule
    without from, to or inet6, and the priority keepalived numbers a rule without one."""
    w = [e.kw] + e.args
    kw = 'virtual_rules ' + e.text()
    r: Dict[str, str] = {}
    k = 0
    invert = False
    fams = set()
    while k < len(w):
        t, arg = w[k], (w[k + 1] if k + 1 < len(w) else None)
        if t in ('not', 'inet', 'inet6'):
            invert = invert or t == 'not'
            if t != 'not':
                fams.add(6 if t == 'inet6' else 4)
            k += 1
        elif t == 'no_track':
            cv.warn(e, 'left out: ' + UNTRACKED % 'rule', kw='virtual_rules no_track')
            k += 1
        elif t in RULE_KEYS and arg is not None:
            r[RULE_KEYS[t]] = arg
            k += 2
        else:
            cv.warn(e, 'not carried over: vipd cannot carry "%s" (vipd rules take from, to, '
                    'iif, oif, fwmark, table and priority)' % t, kw=kw)
            return None
    if 'table' not in r:
        cv.warn(e, 'not carried over: vipd needs a table on every rule', kw=kw)
        return None
    r['table'] = {'main': 'main', '254': 'main'}.get(r['table'], r['table'])
    if (r['table'] != 'main' and to_int(r['table'], 1, 2**32 - 1) is None and
            not table_name(r['table'])):
        cv.warn(e, 'not carried over: table "%s" is neither a number nor a name'
                % printable(r['table']), kw=kw)
        return None
    for key in ('from', 'to'):
        if key in r and r[key] in ('all', 'any', 'default'):
            del r[key]
        elif key in r:
            try:
                fams.add(ipaddress.ip_network(r[key], strict=False).version)
            except ValueError:
                cv.warn(e, 'cannot read %s "%s"; rule not carried over' % (key, r[key]),
                        kw=kw)
                return None
    if len(fams) > 1:
        cv.warn(e, 'of two families; rule not carried over', kw=kw)
        return None
    fam = fams.pop() if fams else 4
    if 'priority' not in r:
        n = cv.rule_priorities.get(fam, RULE_START_PRIORITY)
        cv.rule_priorities[fam] = n - 1
        r['priority'] = str(n)
        cv.warn(e, 'no priority: written as %d, the one keepalived gives it' % n, kw=kw)
    if 'from' not in r and 'to' not in r:
        r['from'] = '0.0.0.0/0' if fam == 4 else '::/0'     # the family, whatever the instance's
    out = 'not ' if invert else ''
    for key in ('from', 'to', 'iif', 'oif', 'fwmark', 'table', 'priority'):
        if key in r:
            out += '%s %s ' % (key, r[key])
    return out.strip()


def unicast(cv: Converter, i: Record, fam: int, keys: List[Key]) -> None:
    """unicast_source, unicast_peers and unicast_ttl_check; for multicast, mcast_source and
    mcast_group."""
    peers: List[str] = []
    ttl_ok = True
    for e in i['peers'] or []:
        # keepalived cuts a peer at '/' or '-' (prefix length, range) and sends to the host
        # before it: the host's own length is that host; anything else the author meant
        # differently, and vipd takes one host per peer.
        ip = parse_ip(e.kw)
        host = parse_ip(e.kw.split('-')[0])
        if ip is None and '-' in e.kw and host is not None and host.version == fam:
            cv.error(e, 'keepalived sends to the host %s and ignores the range; vipd takes '
                     'a peer as one host: list each' % host.ip, kw='unicast_peer ' + e.kw)
            continue
        if ip is None or ip.version != fam:
            cv.error(e, 'not an IPv%d address; the peer is not carried over' % fam,
                     kw='unicast_peer ' + e.kw)
            continue
        if ip.network.prefixlen != ip.max_prefixlen:
            cv.error(e, 'keepalived sends to the host %s and ignores /%d; vipd takes a peer '
                     'as one host: write %s or %s/%d' % (
                         ip.ip, ip.network.prefixlen, ip.ip, ip.ip, ip.max_prefixlen),
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
    # keepalived reads unicast_src_ip and mcast_src_ip alike: the advert source, unicast or
    # multicast
    src = i.get('unicast_src_ip', i.get('mcast_src_ip'))
    if i['peers'] is not None and not peers:
        cv.error(i['node'], 'no usable peer: the converted instance runs multicast, '
                 'which splits it from unicast nodes', kw='unicast_peer')
    if 'unicast_src_ip' in i and 'mcast_src_ip' in i:
        n = i['mcast_src_ip'][1]
        cv.warn(n, 'not carried over: unicast_src_ip is used', kw='mcast_src_ip %s' % n.args[0])
    if src is not None:
        if src[0].version != fam:
            cv.warn(src[1], 'not an IPv%d address; not carried over' % fam)
        else:
            keys.append(('unicast_source' if peers else 'mcast_source', q(str(src[0].ip)),
                         src[1]))
    if not peers:
        group = cv.g.get('vrrp_mcast_group%d' % fam)
        if group is not None and group[0] is not None:
            gip, n = group
            if gip.version != fam or gip.network.prefixlen != gip.max_prefixlen:
                cv.warn(n, 'not an IPv%d address; not carried over' % fam)
            elif str(gip.ip) not in ('224.0.0.18', 'ff02::12'):
                keys.append(('mcast_group', q(str(gip.ip)), n))
        return
    pnode = i.get('unicast_peer')
    keys.append(('unicast_peers', [q(p) for p in peers], pnode))
    if not ttl_ok:
        keys.append(('unicast_ttl_check', 'false', pnode))


def auth(cv: Converter, i: Record, strict: bool, version: int, keys: List[Key]) -> None:
    """auth_pass (and auth_type = "ah" for AH), where keepalived sends authentication."""
    n = i.get('auth')
    if n is None:
        return
    atype: Optional[str] = None
    tnode: Optional[Node] = None
    apass: Optional[Node] = None
    for c in cv.entries(n):
        if c.kw == 'auth_type' and c.args[:1] in (['PASS'], ['AH']):
            atype, tnode = c.args[0], c
        elif c.kw == 'auth_pass' and c.args:
            apass = c
        else:
            cv.skip(c)
    why = ('keepalived ignores authentication in strict mode' if strict else
           'keepalived ignores authentication with VRRP version 3' if version == 3 else
           None if atype in ('PASS', 'AH') and apass else
           'keepalived needs auth_type PASS or AH and auth_pass, else sends none')
    if why or apass is None:
        # keepalived sends no authentication either
        cv.warn(n, 'left out: ' + str(why))
        return
    pw = apass.args[0]
    if len(pw.encode('utf-8', 'surrogateescape')) > 8:
        cv.warn(apass, 'longer than 8 characters: keepalived uses the first 8, and so '
                'does the converted file')
        pw = pw.encode('utf-8', 'surrogateescape')[:8].decode('utf-8', 'surrogateescape')
    keys.append(('auth_pass', q(pw), apass))
    if atype == 'AH':
        keys.append(('auth_type', q('ah'), tnode))


# The keepalived keyword of each tracking list of an instance record.
INSTANCE_KW: Dict[str, str] = {'tscripts': 'track_script', 'tprocs': 'track_process',
                               'tfiles': 'track_file'}


def owner_priority(i: Record) -> bool:
    """Whether instance i has keepalived's owner priority 255 (written or given by state MASTER)."""
    prio = i.get('priority', (None, None))[0]
    return bool(prio == 255 or (prio is None and i.get('state', (None,))[0] == 'MASTER'))


def group_once(cv: Converter, grp: Record, e: Node, msg: str, kw: str) -> None:
    """A note on a sync group's tracking entry e, said once however many members it reaches."""
    said = grp.setdefault('said', set())
    if (e.seq, msg) not in said:
        said.add((e.seq, msg))
        cv.warn(e, msg, kw=kw)


def tracking(cv: Converter, i: Record, iface: Optional[str], prio: int, keys: List[Key]) -> None:
    """checks (the converted vrrp_scripts, vrrp_track_processes and track_files this instance
    tracks) and track_interfaces, then what its sync group tracks."""
    grp = i['group']
    nulled = ('keepalived ignores weights in sync group %s' % grp['raw']
              if grp and not grp['weights'] else None)
    owner = 'keepalived ignores weighted tracking for the owner (priority 255)'
    tifs: List[Tuple[str, int]] = []
    for e in i['tifs']:
        kw = 'track_interface ' + e.text()
        w = tif_weight(cv, e, kw, lambda m: cv.warn(e, m, kw=kw))
        if w is None:
            continue
        if 'reverse' in e.args:
            cv.warn(e, 'not carried over: vipd has no reversed tracking', kw=kw)
        elif e.kw == iface and not w:
            cv.warn(e, 'left out: the instance interface is always tracked', kw=kw)
        elif e.kw == iface:
            cv.warn(e, 'not carried over: the instance interface is always tracked (FAULT '
                    'when down), without a weight', kw=kw)
        elif w and nulled:
            cv.warn(e, '%s: written with weight 0 (FAULT when down)' % nulled, kw=kw)
            tifs.append((e.kw, 0))
        elif w and prio == 255:
            cv.warn(e, 'left out: ' + owner, kw=kw)
        else:
            tifs.append((e.kw, w or 0))
    # keepalived tracks the dev of a virtual route without no_track (weight 0: FAULT while down)
    for dev in route_devs(i['routes']):
        if dev != iface and dev not in [t for t, _ in tifs]:
            tifs.append((dev, 0))
    checks: List[str] = []
    # what the instance tracks: its list, the key of the records in cv.scripts, the block
    for lst, pfx, block in TRACK_LISTS:
        for e in i[lst]:
            kw = '%s %s' % (INSTANCE_KW[lst], e.text())
            s = cv.scripts.get(pfx + e.kw)
            w = s['weight'] if s else 0
            if e.args[:1] == ['weight']:
                w = WEIGHT[0](e.args[1] if len(e.args) > 1 else None, *WEIGHT[1:])
            if s is None or not s['ok'] or w is None:
                cv.warn(e, untracked(s, w, block, e.kw), kw=kw)
            elif 'reverse' in e.args:
                cv.warn(e, 'not carried over: vipd has no reversed checks', kw=kw)
            elif w and (nulled or prio == 255):
                cv.warn(e, 'left out: ' + (nulled or owner), kw=kw)
            else:
                use_check(cv, s, w, e, lst, checks, lambda m: cv.warn(
                    e, m, kw='%s %s' % (INSTANCE_KW[lst], e.kw)))
    if grp is not None:
        group_tracking(cv, i, grp, iface, tifs, checks)
    if checks:
        keys.append(('checks', [q(c) for c in checks],
                     i.get('track_script') or i.get('track_process') or i.get('track_file') or
                     (grp or {}).get('track_script') or (grp or {}).get('track_process') or
                     (grp or {}).get('track_file')))
    if tifs:
        keys.append(('track_interfaces', ['{ name = %s; weight = %d; }' % (q(t), w)
                                          for t, w in tifs],
                     i.get('track_interface') or (grp or {}).get('track_interface')))


def route_devs(routes: List[Node]) -> List[str]:
    """The devs of the virtual_routes entries without no_track, as keepalived tracks them (a
    route's own dev, not a nexthop's: vrrp.c, vroute->oif)."""
    devs: List[str] = []
    for e in routes:
        w = [e.kw] + e.args
        w = w[:w.index('nexthop')] if 'nexthop' in w else w
        if not w or 'no_track' in w or w[0] in ROUTE_TYPES:
            continue
        for k in range(len(w) - 1):
            if w[k] == 'dev' and w[k + 1] not in devs:
                devs.append(w[k + 1])
    return devs


# The tracking lists of an instance or sync group record: the prefix of their records in
# cv.scripts, the keepalived block that defines them.
TRACK_LISTS = (('tscripts', '', 'vrrp_script'), ('tprocs', 'process ', 'vrrp_track_process'),
               ('tfiles', 'file ', 'track_file'))


def tif_weight(cv: Converter, e: Node, kw: str, say: Any) -> Optional[int]:
    """The weight of track_interface entry e (0 without one), None if invalid (said)."""
    if e.args[:1] != ['weight']:
        return 0
    w: Optional[int] = WEIGHT[0](e.args[1] if len(e.args) > 1 else None, *WEIGHT[1:])
    if w is None:
        say('invalid weight; not carried over')
    return w


def untracked(s: Optional[Record], w: Optional[int], block: str, name: str) -> str:
    """Why a tracked script, process or file entry is not carried over."""
    if s is None:
        return 'left out: no %s %s (keepalived ignores it too)' % (block, name)
    return 'not carried over: ' + ('invalid weight' if w is None else
                                   '%s %s is not converted' % (block, name))


def use_check(cv: Converter, s: Record, w: int, e: Node, lst: str, checks: List[str],
              say: Any) -> None:
    """checks gets the check of record s with weight w: s itself or a copy with that weight."""
    name = s['name'] if w == s['weight'] else '%s_w%d' % (s['name'][:55], w)
    if w != s['weight']:
        say('weight %d differs from %s %s: written as check %s, a copy with that weight (vipd '
            'weights belong to checks)' % (w, s['node'].kw, e.kw, name))
    if (w, name) not in s['uses']:
        s['uses'].append((w, name))
    if name not in checks:
        checks.append(name)


def group_tracking(cv: Converter, i: Record, grp: Record, iface: Optional[str],
                   tifs: List[Tuple[str, int]], checks: List[str]) -> None:
    """What sync group grp tracks, added to member i as keepalived's sync_group_tracking_init
    does: with its weight (the nulling of members' own weighted tracking does not apply), made
    0 (FAULT) when a member has priority 255; what the member tracks itself is not doubled."""
    gown = any(owner_priority(m) for m in cv.instances if m['group'] is grp)
    cleared = ('a member of sync group %s has priority 255: keepalived clears the weight, '
               'written with weight 0 (FAULT) on each member' % grp['raw'])
    for e in grp['tifs']:
        kw = 'track_interface ' + e.text()
        w = tif_weight(cv, e, kw, lambda m: group_once(cv, grp, e, m, kw))
        if w is None or e.kw in [t for t, _ in tifs] or (e.kw == iface and not w):
            continue   # invalid, or tracked by the member already (its own, or its interface)
        if 'reverse' in e.args:
            group_once(cv, grp, e, 'not carried over: vipd has no reversed tracking', kw)
        elif e.kw == iface and not gown:
            cv.warn(e, 'not carried over for %s: the instance interface is always tracked '
                    '(FAULT when down), without a weight' % i['raw'], kw=kw)
        else:
            if w and gown:
                group_once(cv, grp, e, cleared, kw)
            if e.kw != iface:
                tifs.append((e.kw, 0 if gown else w))
    for lst, pfx, block in TRACK_LISTS:
        for e in grp[lst]:
            kw = '%s %s' % (INSTANCE_KW[lst], e.text())
            s = cv.scripts.get(pfx + e.kw)
            wt: Optional[int] = s['weight'] if s else 0
            if e.args[:1] == ['weight']:
                wt = WEIGHT[0](e.args[1] if len(e.args) > 1 else None, *WEIGHT[1:])
            if s is None or not s['ok'] or wt is None:
                group_once(cv, grp, e, untracked(s, wt, block, e.kw), kw)
            elif 'reverse' in e.args:
                group_once(cv, grp, e, 'not carried over: vipd has no reversed checks', kw)
            else:
                if wt and gown:
                    group_once(cv, grp, e, cleared, kw)
                    wt = 0
                use_check(cv, s, wt, e, lst, checks, lambda m: group_once(
                    cv, grp, e, m, '%s %s' % (INSTANCE_KW[lst], e.kw)))


def notify(cv: Converter, i: Record, keys: List[Key]) -> None:
    """notify and the per-state scripts: the same keys; notify with keepalived's arguments."""
    g: Optional[Node] = i.get('notify')
    w = g.command() if g is not None else []
    lines: List[Tuple[Node, List[str]]] = []
    if g is not None and w:
        keys.append(('notify', q(w[0]), g))
        keys.append(('notify_args', q('keepalived'), g))
        lines.append((g, w))
    seen: Set[str] = set()
    for c in sorted(i['notify_other'], key=lambda n: NOTIFY_OTHER.index(n.kw)):
        w = c.command()
        if not w:
            continue
        if c.kw in seen:
            cv.warn(c, 'left out: %s is already given; keepalived ignores this one' % c.kw)
            continue
        seen.add(c.kw)
        keys.append((c.kw, q(w[0]), c))
        lines.append((c, w))
    script_users(cv, lines, keys)


def script_users(cv: Converter, lines: List[Tuple[Node, List[str]]], keys: List[Key]) -> None:
    """The user after the notify scripts: notify_user when every script names the same one (vipd
    runs an instance's or group's scripts as one user); else each user named on stderr."""
    users = {w[1] for _, w in lines if len(w) > 1}
    if len(users) == 1 and all(len(w) > 1 for _, w in lines):
        keys.append(('notify_user', q(users.pop()), lines[0][0]))
        for c, w in lines:
            if len(w) > 2:
                cv.warn(c, 'group %s not carried over: vipd runs the script with the user\'s '
                        'groups' % ' '.join(w[2:]))
        return
    for c, w in lines:
        if len(w) > 1:
            cv.warn(c, 'user/group %s not carried over: vipd runs the notify scripts of an '
                    'instance or group as one user (notify_user), and not all of them name %s'
                    % (' '.join(w[1:]), w[1]))
