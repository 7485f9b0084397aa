#!/usr/bin/env python3
"""Read the router's `ip -ts monitor route` output and say what its route to the VIP did
after an event: tests/netns/88-bgp.sh, 89-bgp-ipv6.sh (bgp_measure in bgp.sh).

bgp_paths.py FILE PREFIX T_EVENT T_END OLD NEW T_FAULT
  T_* are epoch seconds (EPOCHREALTIME); OLD and NEW are next hops; T_FAULT is when the old
  node was seen in FAULT plus the update allowance (0: not asked). The route is taken to be via OLD at T_EVENT.
Prints: left_ms (event -> first state not via OLD), new_ms (event -> first via NEW),
nopath_ms (longest time without a route within [T_EVENT, T_END]), to_fault (the route via OLD
at T_FAULT or set to OLD after it), as `key=value` words on one line.
"""
import datetime
import re
import sys

LINE = re.compile(r'^\[([0-9T:.-]+)\]\s+(Deleted\s+)?(\S+)(.*)$')


def main() -> None:
    path, prefix, t_event, t_end, old, new, t_fault = sys.argv[1:8]
    t0, t1, tf = float(t_event), float(t_end), float(t_fault)
    events = []
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            m = LINE.match(line.strip())
            if not m or m.group(3) not in (prefix, prefix.split('/')[0]):
                continue
            t = datetime.datetime.fromisoformat(m.group(1)).timestamp()
            via = re.findall(r'via (\S+)', m.group(4))
            events.append((t, None if m.group(2) else ' '.join(via)))
    cur, since = old, t0
    left = new_at = None
    nopath, to_fault = 0.0, 0
    for t, via in events:
        if t < t0:
            cur = via
            continue
        if t > t1:
            break
        if cur is None:
            nopath = max(nopath, t - since)
        if via != old and left is None:
            left = t
        if via == new and new_at is None:
            new_at = t
        if via == old and tf and t > tf:
            to_fault += 1
        if via is None and cur is not None:
            since = t
        cur = via
    if cur is None:
        nopath = max(nopath, t1 - since)
    if tf:
        # still via OLD at T_FAULT: the path outlived the fault
        at = old
        for t, via in events:
            if t > tf:
                break
            at = via
        to_fault += at == old

    def ms(t):
        return 'none' if t is None else '%.1f' % ((t - t0) * 1000)
    print('left_ms=%s new_ms=%s nopath_ms=%.1f to_fault=%d'
          % (ms(left), ms(new_at), nopath * 1000, to_fault))


main()
