"""Small value helpers shared by the conversion rules and the writer: keepalived numbers and
booleans in, libconfig literals and vipd names out."""

from __future__ import annotations

import ipaddress
import re
from typing import Iterable, List, Optional, Union

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
