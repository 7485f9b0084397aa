"""The conversion rules that are a table: which keepalived keyword becomes which vipd key,
read by which function within keepalived's own limits, and why the others are left out.

The limits here are keepalived's (what keepalived itself accepts or adjusts), never vipd's:
whether vipd takes a converted value is `vipd --check`'s answer (see writer.py), so a vipd
range is written down once, in vipd. The rules that are not table-like (keepalived's
adjustments between keywords) are in convert.py.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Tuple

from .values import parse_ip, text, to_int, to_num

# A value rule: the convert function and its extra arguments (lo, hi for numbers).
Rule = Tuple[Any, ...]
Convert = Callable[..., Any]

# Why a keepalived keyword is not carried over (the first pattern matching it).
REASONS: List[Tuple[str, str]] = [
    (r'notification_email(_from)?|smtp_.*|no_email_faults', 'vipd sends no e-mail (use notify)'),
    (r'lvs_.*|virtual_server(_group)?|checker_.*|real_server|SSL|ssl', 'LVS is not part of vipd'),
    (r'(vrrp_)?(iptables|ipsets)|(vrrp_)?nftables.*', 'vipd installs no firewall rules'),
    (r'enable_(snmp.*|traps|dbus.*)|snmp_socket', 'vipd has no SNMP or D-Bus (see vipctl metrics)'),
    (r'static_(ipaddress|routes|rules)', 'vipd manages no static addresses, routes or rules'),
    (r'track_bfd|bfd_instance', 'vipd has no BFD'),
    (r'(vrrp_)?mcast_dst_ip', 'no vipd equivalent (vrrp_mcast_group4/6 become mcast_group)'),
    (r'notify_(deleted|priority_changes)',
     'vipd runs no script for a deleted instance or a priority change (see notify_fifo)'),
    (r'user', 'no user name given (keepalived needs one too)'),
    (r'use_vmac_addr|use_ipvlan', 'vipd creates one VMAC per instance and no ipvlan'),
    (r'enable_script_security', 'vipd always refuses a script that a user other than root can '
     'change, as keepalived with enable_script_security'),
    (r'debug|linkbeat_use_polling|kernel_rx_buf_size|max_auto_priority|min_auto_priority_delay|'
     r'vrrp_(priority|rlimit_rttime|cpu_affinity)',
     'no vipd equivalent (tuning only)'),
]
# The keywords whose skipping is a note, not a feature lost: vipd does what they ask anyway,
# or they tune keepalived's own process only.
NOTES = (r'enable_script_security|debug|linkbeat_use_polling|kernel_rx_buf_size|'
         r'max_auto_priority|min_auto_priority_delay|'
         r'vrrp_(priority|rlimit_rttime|cpu_affinity)')


def reason(kw: str) -> str:
    """Why keyword kw is not carried over."""
    for pat, why in REASONS:
        if re.fullmatch(pat, kw):
            return why
    return 'no vipd equivalent'


# The top-level blocks the converter reads (the others are skipped with their reason):
# keyword -> Converter method.
BLOCKS: Dict[str, str] = {'global_defs': 'global_defs', 'vrrp_instance': 'instance',
                          'vrrp_script': 'script', 'vrrp_sync_group': 'sync_group',
                          'vrrp_track_process': 'track_process', 'track_file': 'track_file',
                          'vrrp_track_file': 'track_file', 'garp_group': 'garp_group'}

# global_defs keywords holding one value: keyword -> (key in Converter.g, rule).
GLOBAL_VALUES: Dict[str, Tuple[str, Rule]] = {
    'router_id': ('router_id', (text,)),
    'vrrp_version': ('version', (to_int, 2, 3)),
    'script_user': ('script_user', (text,)),
    # keepalived: 0.000001 .. UINT_MAX microseconds, counted from its start as vipd's
    'vrrp_startup_delay': ('startup_delay', (to_num, 0, 4294)),
    'net_namespace': ('net_namespace', (text,)),
    # keepalived: SCHED_RR at 1 .. sched_get_priority_max(SCHED_RR) (99 on Linux)
    'vrrp_rt_priority': ('realtime_priority', (to_int, 1, 99)),
}

# The gratuitous ARP keywords, in an instance and (with a vrrp_ prefix) in global_defs:
# keepalived reads any non-negative number; vipd --check says what vipd takes.
GARP: Dict[str, Rule] = {
    'garp_master_repeat': (to_int, 0, 2**31 - 1),
    'garp_master_delay': (to_num, 0, 2**31 - 1),
    'garp_master_refresh': (to_num, 0, 2**31 - 1),
    'garp_master_refresh_repeat': (to_int, 0, 2**31 - 1),
    'garp_interval': (to_num, 0, 2**31 - 1),   # keepalived: IPv4 (ARP) only
    'gna_interval': (to_num, 0, 2**31 - 1),    # keepalived: IPv6 (NA) only
}
# ... of which keepalived takes these in global_defs only (vrrp_garp_interval...)
GARP_GLOBAL_ONLY = ('garp_interval', 'gna_interval')
# ... and the vipd key each becomes
GARP_KEYS: Dict[str, str] = {'garp_master_repeat': 'garp_repeat',
                             'garp_master_delay': 'garp_delay',
                             'garp_master_refresh': 'garp_refresh',
                             'garp_master_refresh_repeat': 'garp_refresh_repeat',
                             'garp_interval': 'garp_interval', 'gna_interval': 'garp_interval'}

# vrrp_instance keywords holding one value: keyword -> rule (keepalived's limits: it drops a
# value outside them, and an invalid priority is 100).
INSTANCE_VALUES: Dict[str, Rule] = {
    'interface': (text,),
    'virtual_router_id': (to_int, 1, 255),
    'priority': (to_int, 1, 255),
    'advert_int': (to_num, 0.001, 1e6),
    'version': (to_int, 2, 3),
    'preempt_delay': (to_num, 0, 1000),
    'unicast_src_ip': (parse_ip,),
    'mcast_src_ip': (parse_ip,),
}

# vrrp_instance blocks whose entries are collected: keyword -> list in the instance record.
INSTANCE_LISTS: Dict[str, str] = {
    'virtual_ipaddress': 'vips', 'virtual_routes': 'routes', 'virtual_rules': 'rules',
    'track_interface': 'tifs',
    'track_script': 'tscripts', 'unicast_peer': 'peers', 'track_process': 'tprocs',
    'track_file': 'tfiles',
    'virtual_ipaddress_excluded': 'xvips',
}

# What a vrrp_sync_group may track: keyword -> list in the group record, the same as an
# instance's (keepalived's sync_group_tracking_init adds them to each member).
GROUP_TRACKING: Dict[str, str] = {'track_interface': 'tifs', 'track_script': 'tscripts',
                                  'track_process': 'tprocs', 'track_file': 'tfiles'}

# Address options vipd carries (keepalived's name -> vipd's) and those it has no key for.
ADDR_OPTIONS: Dict[str, str] = {'dev': 'dev', 'label': 'label', 'scope': 'scope', 'brd': 'brd',
                                'broadcast': 'brd'}
ADDR_FLAGS = ('noprefixroute', 'no_track')
ADDR_DROPPED = ('peer', 'preferred_lft', 'track_group')

# vrrp_instance keywords for what vipd does anyway: read without a key or a warning.
INSTANCE_IMPLIED = ('check_unicast_src', 'unicast_fault_no_peer')

# The per-state notify scripts: each converts to the vipd key of the same name (run as written).
NOTIFY_OTHER = ('notify_master', 'notify_backup', 'notify_fault', 'notify_stop',
                'notify_master_rx_lower_pri')
# The per-state scripts a vrrp_sync_group has (converted to the group's keys).
GROUP_NOTIFY = NOTIFY_OTHER[:4]

# vrrp_script keywords: keyword -> rule (keepalived's limits). interval and timeout keep
# their default when invalid; rise and fall are at least 1, as keepalived makes them.
SCRIPT_VALUES: Dict[str, Rule] = {
    'interval': (to_num, 0.001, 1e9),
    'timeout': (to_num, 0.001, 1e9),
    'rise': (to_int, -2**31, 2**31),
    'fall': (to_int, -2**31, 2**31),
    'weight': (to_int, -253, 253),
}
# keepalived's defaults for a vrrp_script (timeout: the interval)
SCRIPT_DEFAULTS: Dict[str, Any] = {'interval': 1.0, 'timeout': None, 'weight': 0, 'rise': 1,
                                   'fall': 1}
# vrrp_script keywords named otherwise in a vipd check (the others keep their name)
SCRIPT_KEYS: Dict[str, str] = {'script': 'command'}
# keepalived's weight range for track_script / track_interface overrides
WEIGHT: Rule = (to_int, -253, 253)
# keepalived's default weight of a vrrp_track_process and of a track_file
TRACKER_WEIGHT: Dict[str, int] = {'process': 0, 'file': 1}
# vrrp_track_process keywords holding one number (keepalived's limits)
PROCESS_VALUES: Dict[str, Rule] = {'quorum': (to_int, 0, 2**32 - 1),
                                   'quorum_max': (to_int, 0, 2**32 - 1)}

# The vipd instance keys the converter leaves out when keepalived's value is this one, i.e.
# where it relies on vipd's default being keepalived's: key -> the value as `vipd
# --dump-config` prints it. With a vipd at hand the writer asks it (--dump-config) and writes
# the key wherever vipd's default differs, so this table cannot silently go stale.
VIPD_IMPLIED: Dict[str, str] = {
    'preempt': 'true',
    'preempt_delay': '0.0',
    'accept': 'true',
    'checksum': '"rfc5798"',
    'garp_repeat': '5',
    'garp_delay': '5.0',
    'garp_refresh': '0.0',
    'garp_interval': '0.0',
    'vmac': 'false',
    'vmac_xmit_base': 'false',
    'unicast_ttl_check': 'true',
    'track_link': 'true',
}


# virtual_routes: the route types vipd adds (a type word before the prefix; unicast is the
# default and written without it), and keepalived's keywords vipd carries: keyword -> vipd word.
ROUTE_TYPES = ('blackhole', 'unreachable', 'prohibit')
ROUTE_KEYS: Dict[str, str] = {'via': 'via', 'gw': 'via', 'dev': 'dev', 'src': 'src',
                              'scope': 'scope', 'metric': 'metric', 'preference': 'metric',
                              'priority': 'metric', 'table': 'table', 'protocol': 'proto',
                              'proto': 'proto'}
# The names of /etc/iproute2/rt_scopes and rt_protos (as shipped by iproute2, which keepalived
# reads) -> the number vipd takes; vipd itself knows the common ones by name.
ROUTE_SCOPES: Dict[str, str] = {'global': 'global', 'universe': 'global', 'site': 'site',
                                'link': 'link', 'host': 'host', 'nowhere': 'nowhere'}
ROUTE_PROTOS: Dict[str, str] = {
    'redirect': '1', 'kernel': 'kernel', 'boot': 'boot', 'static': 'static', 'gated': '8',
    'ra': 'ra', 'mrt': '10', 'zebra': '11', 'bird': '12', 'dnrouted': '13', 'xorp': '14',
    'ntk': '15', 'dhcp': 'dhcp', 'keepalived': 'keepalived', 'babel': '42', 'bgp': '186',
    'isis': '187', 'ospf': '188', 'rip': '189', 'eigrp': '192'}

# virtual_rules: keepalived's keywords vipd carries -> vipd word (each takes one value).
RULE_KEYS: Dict[str, str] = {'from': 'from', 'to': 'to', 'iif': 'iif', 'oif': 'oif',
                             'fwmark': 'fwmark', 'table': 'table', 'lookup': 'table',
                             'priority': 'priority', 'preference': 'priority',
                             'pref': 'priority', 'prio': 'priority'}

