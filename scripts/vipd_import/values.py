"""Small value helpers shared by the conversion rules and the writer: keepalived numbers and
booleans in, libconfig literals and vipd names out."""

from __future__ import annotations

import ipaddress
import re
import shlex
from typing import Iterable, List, Optional, Tuple, Union

NAME_RE = re.compile(r'[^A-Za-z0-9_.-]')
INT_RE = re.compile(r'^[+-]?[0-9]+$')
NUM_RE = re.compile(r'^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$')

IPInterface = Union[ipaddress.IPv4Interface, ipaddress.IPv6Interface]


def to_int(s: Optional[str], lo: float, hi: float) -> Optional[int]:
    """A keepalived integer within lo..hi, else None."""
    if s is None or len(s) > 20 or not INT_RE.match(s):
        return None
    v = int(s)
    return v if lo <= v <= hi else None


def to_num(s: Optional[str], lo: float, hi: float) -> Optional[float]:
    """A keepalived decimal number (no sign, no exponent) within lo..hi, else None."""
    if s is None or not NUM_RE.match(s):
        return None
    v = float(s)
    return v if lo <= v <= hi else None


def to_bool(s: str) -> Optional[bool]:
    return {'on': True, 'true': True, 'yes': True,
            'off': False, 'false': False, 'no': False}.get(s)


def text(s: str) -> str:
    """A keepalived string value, as it is."""
    return s


def fmt_num(v: float) -> str:
    """A libconfig float: up to 6 decimals, at least one."""
    s = ('%.6f' % v).rstrip('0')
    return s + '0' if s.endswith('.') else s


def q(s: str) -> str:
    """A libconfig string literal."""
    out = []
    for c in s:
        if c in '"\\':
            out.append('\\' + c)
        elif ord(c) < 0x20 or ord(c) == 0x7f:
            out.append('\\x%02x' % ord(c))
        else:
            out.append(c)
    return '"' + ''.join(out) + '"'


def printable(s: str) -> str:
    """s with control and line-separating characters as '?' (one stderr line stays one)."""
    return re.sub('[\x00-\x1f\x7f\x85\u2028\u2029]', '?', s)


def fmt_list(items: List[str], key: str, indent: int) -> str:
    """A libconfig array [ ] (or list ( ) of groups): on one line if it fits."""
    o, c = ('(', ')') if items and items[0].startswith('{') else ('[', ']')
    one = '%s %s %s' % (o, ', '.join(items), c)
    if len(one) + len(key) + indent + 4 <= 96:
        return one
    pad = ' ' * (indent + 2)
    return '%s\n%s%s\n%s%s' % (o, pad, (',\n' + pad).join(items), ' ' * indent, c)


def sanitise(name: str, fallback: str) -> str:
    """A vipd name (A-Z a-z 0-9 _ . -, at most 63) made from a keepalived one."""
    s = NAME_RE.sub('_', name)[:63]
    return s or fallback


def parse_ip(s: str) -> Optional[IPInterface]:
    try:
        return ipaddress.ip_interface(s)
    except ValueError:
        return None


def shell_join(words: Iterable[str]) -> str:
    return ' '.join(w if w and not re.search(r"[\s'\"\\$`]", w) else
                    "'" + w.replace("'", "'\\''") + "'" for w in words)


# The body of a bash TCP probe: `</dev/tcp/HOST/PORT` (also <>, >, `exec 3<>`, `echo >`, `:`),
# which succeeds when bash connects. HOST: an address (IPv6 maybe in brackets) or localhost.
TCP_PROBE = re.compile(r'\s*(?:exec\s+\d+|echo(?:\s+-n)?|:)?\s*(?:<>|<|>)\s*/dev/tcp/'
                       r'(\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]+|localhost)/(\d+)\s*')
SHELLS = ('bash', '/bin/bash', '/usr/bin/bash', '/usr/local/bin/bash')


def tcp_probe(cmd: str) -> Optional[Tuple[str, int, Optional[float]]]:
    """(host, port, timeout or None) of a keepalived script that only connects with bash's
    /dev/tcp: `</dev/tcp/H/P`, `bash -c '</dev/tcp/H/P'`, either after `timeout [-s SIG] N`;
    None for anything else."""
    try:
        w = shlex.split(cmd)
    except ValueError:
        return None
    limit: Optional[float] = None
    if w and w[0].rsplit('/', 1)[-1] == 'timeout':
        k = 1
        while k < len(w) and w[k].startswith('-'):
            k += 2 if w[k] in ('-s', '-k', '--signal', '--kill-after') else 1
        limit = to_num(w[k].rstrip('s') if k < len(w) else None, 0.001, 1e9)
        if limit is None:
            return None
        w = w[k + 1:]
    body = w[2] if len(w) == 3 and w[0] in SHELLS and w[1] == '-c' else ' '.join(w)
    m = TCP_PROBE.fullmatch(body)
    if m is None:
        return None
    host = '127.0.0.1' if m.group(1) == 'localhost' else m.group(1).strip('[]')
    port = int(m.group(2))
    if parse_ip(host) is None or not 0 < port < 65536:
        return None
    return host, port, limit


def shell_syntax(cmd: str) -> Optional[str]:
    """The first shell operator (| && ; < > ...) of cmd outside quotes, or None: vipd runs a
    command without a shell, keepalived ran such a script with /bin/sh."""
    lex = shlex.shlex(cmd, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    try:
        for t in lex:
            if t and not t.strip('();<>|&'):
                return t
    except ValueError:
        return None
    return None
