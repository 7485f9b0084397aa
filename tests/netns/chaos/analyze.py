#!/usr/bin/env python3
"""tests/netns/chaos/analyze.py — the chaos suite's verdicts from the samples.

Reads the monitor's output (sampler.c: "S T MASK", "G T GAP", "L T SEQ",
"X ...") and the driver's marks ("T F N KIND DESC", "T R N", "T E N"), all
CLOCK_MONOTONIC microseconds. Per fault N, in its window [F, E]:
  - no holder: the longest stretch with nobody holding the VIP must be at
    most Master_Down_Interval(priority of the node that ends it) + 50 ms;
    zero for the faults after which nobody may let go (reload, clockjump, flap,
    second, overrun, torn, demote: make before break);
  - two holders: the longest stretch with two or more holders after the
    recovery mark R (the heal, the wake, the replug, the restarted node
    answering...) must be at most one advert interval + SLACK; for the faults
    that must not move the VIP (addrdel, reload, clockjump, flap, second,
    overrun, torn) the whole window counts, and no node but the master may hold it at all;
  - once the nodes settled (mark C), the client reaches the VIP: no ping sent
    from 20 ms after C to E is lost;
  - lost pings (sent in the window) and the monitor's worst sample gap: figures.
Prints one line per verdict: "ok<TAB>text", "notok<TAB>text" or "diag<TAB>text".
"""
import argparse
import collections

# the VIP must not move
STEADY = {"addrdel", "reload", "clockjump", "flap", "second", "overrun", "torn"}
# no instant without a holder
NO_GAP = {"reload", "clockjump", "flap", "second", "overrun", "torn", "demote"}


def mdi_ms(prio, interval):
    skew = (256 - prio) * interval / 256
    return (3 * interval + skew) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", required=True)
    ap.add_argument("--marks", required=True)
    ap.add_argument("--notes")
    ap.add_argument("--neigh")
    ap.add_argument("--interval", type=float, required=True)
    ap.add_argument("--prio", required=True)
    ap.add_argument("--slack", type=float, default=10)
    ap.add_argument("--sample-ms", type=float, default=5)
    ap.add_argument("--seed", default="?")
    a = ap.parse_args()
    prios = [int(p) for p in a.prio.split(",")]

    changes, gaps, lost, end = [], [], [], None
    with open(a.samples) as fh:
        for line in fh:
            w = line.split()
            if not w:
                continue
            if w[0] == "S":
                changes.append((int(w[1]), int(w[2])))
            elif w[0] == "G":
                gaps.append((int(w[1]), int(w[2])))
            elif w[0] == "L":
                lost.append(int(w[1]))
            elif w[0] == "X":
                end = w
    faults = collections.OrderedDict()
    with open(a.marks) as fh:
        for line in fh:
            w = line.rstrip("\n").split(" ", 4)
            t, kind, n = int(w[0]), w[1], int(w[2])
            f = faults.setdefault(n, {"n": n})
            if kind == "F":
                f["F"], f["kind"], f["desc"] = t, w[3], w[4] if len(w) > 4 else w[3]
            elif kind == "R":
                f["R"] = t
            elif kind == "C":
                f["C"] = t
            elif kind == "E":
                f["E"] = t
                f["skipped"] = len(w) > 3 and w[3] == "skipped"
    neigh = {}
    if a.neigh:
        try:
            with open(a.neigh) as fh:
                for line in fh:
                    n, _, text = line.rstrip("\n").partition(" ")
                    neigh[int(n)] = text
        except OSError:
            pass
    notes = {}
    if a.notes:
        with open(a.notes) as fh:
            for line in fh:
                n, _, text = line.rstrip("\n").partition(" ")
                notes[int(n)] = text

    def mask_at(t):
        m = None
        for tc, mc in changes:
            if tc > t:
                break
            m = mc
        return m

    def segments(lo, hi):
        """(start, end, mask) pieces of [lo, hi] with a constant holder set."""
        out, cur, start = [], mask_at(lo), lo
        for tc, mc in changes:
            if tc <= lo:
                continue
            if tc >= hi:
                break
            out.append((start, tc, cur))
            start, cur = tc, mc
        out.append((start, hi, cur))
        return out

    def holders(m):
        return [i + 1 for i in range(len(prios)) if m is not None and m >> i & 1]

    def longest(segs, pred):
        """Longest run of consecutive pieces matching pred: (ms, end index)."""
        best, run_start, best_end = 0.0, None, None
        for k, (s, e, m) in enumerate(segs):
            if pred(m):
                if run_start is None:
                    run_start = s
                if (e - run_start) / 1000 > best:
                    best, best_end = (e - run_start) / 1000, k
            else:
                run_start = None
        return best, best_end

    worst_dual = worst_gap = 0.0
    total_lost = 0
    for n, f in faults.items():
        if "E" not in f or f.get("skipped") or "F" not in f:
            continue
        kind, desc = f["kind"], f["desc"]
        F, E = f["F"], f["E"]
        R = F if kind in STEADY else f.get("R", F)
        segs = segments(F, E)
        before = holders(mask_at(F))
        # no holder
        gap, k = longest(segs, lambda m: m == 0)
        if kind in NO_GAP:
            bound, who = 0.0, "none allowed"
        else:
            nxt = holders(segs[k + 1][2]) if k is not None and k + 1 < len(segs) else []
            if k is not None and not nxt:
                bound, who = -1.0, "nobody took the VIP before the window ended"
            else:
                taker = nxt[0] if nxt else 1
                bound = mdi_ms(prios[taker - 1], a.interval) + 50
                who = "node %d took it; MDI(%d) + 50" % (taker, prios[taker - 1])
        worst_gap = max(worst_gap, gap)
        text = "fault %d (%s): no holder for %.1f ms at most (%s, bound %.1f)" % (
            n, desc, gap, who, max(bound, 0))
        print(("ok" if gap <= bound else "notok") + "\t" + text)
        # two holders after the recovery
        dual, _ = longest(segments(R, E), lambda m: m is not None and bin(m).count("1") >= 2)
        dbound = a.interval * 1000 + a.slack
        worst_dual = max(worst_dual, dual)
        after = "in the whole window" if kind in STEADY else "after the recovery"
        text = "fault %d (%s): two holders for %.1f ms at most %s (bound %.1f = interval + %g ms slack)" % (
            n, desc, dual, after, dbound, a.slack)
        print(("ok" if dual <= dbound else "notok") + "\t" + text)
        if kind in STEADY:
            others = sorted({h for s, e, m in segs for h in holders(m)} - set(before))
            text = "fault %d (%s): the VIP stays with node %s (others holding it: %s)" % (
                n, desc, ",".join(map(str, before)) or "-", ",".join(map(str, others)) or "none")
            print(("ok" if not others and len(before) == 1 else "notok") + "\t" + text)
        if "C" in f:
            # settled: the client must reach the VIP (its ARP entry on the holder)
            c0 = f["C"] + 20000
            nc = sum(1 for t in lost if c0 <= t <= E)
            text = "fault %d (%s): the client reaches the VIP once settled (%d pings lost in the %.0f ms after)" % (
                n, desc, nc, (E - c0) / 1000)
            if kind == "loss":
                # under 30% loss any announcement can be lost (the loser's last advert,
                # the winner's ARPs): a figure, not a verdict
                print("diag\t" + text + " (not asserted under loss)")
            else:
                print(("ok" if nc == 0 else "notok") + "\t" + text)
            if nc:
                print("diag\t  the client's neighbour entry then: %s" % neigh.get(n, "?"))
        nl = sum(1 for t in lost if F <= t <= E)
        total_lost += nl
        mg = max([g for t, g in gaps if F <= t <= E] or [0]) / 1000
        line = "fault %d: %s; window %.0f ms, %d pings lost (%.0f ms of pinging)" % (
            n, kind, (E - F) / 1000, nl, nl * 5)
        if mg:
            line += ", monitor gap up to %.1f ms" % mg
        if "R" in f and kind not in STEADY:
            line += "; recovery %.0f ms after the fault began" % ((f["R"] - F) / 1000)
        if n in notes:
            line += "; " + notes[n]
        print("diag\t" + line)
    done = sum(1 for f in faults.values() if "E" in f and not f.get("skipped"))
    print("diag\t==== chaos figures (seed %s)" % a.seed)
    print("diag\tfaults injected: %d" % done)
    print("diag\tworst dual-master time after a recovery: %.1f ms (bound %.1f)" % (
        worst_dual, a.interval * 1000 + a.slack))
    print("diag\tworst no-master time: %.1f ms" % worst_gap)
    if end:
        # X T SAMPLES SENT RECEIVED LOST MAXGAP
        print("diag\tlost pings: %s of %s sent (every 5 ms), %d of them in fault windows" % (
            end[5], end[3], total_lost))
        print("diag\tmonitor: %s samples, longest gap between two %.1f ms" % (
            end[2], int(end[6]) / 1000))
    else:
        print("notok\tthe monitor ended cleanly (no X line)")


if __name__ == "__main__":
    main()
