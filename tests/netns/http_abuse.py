#!/usr/bin/env python3
"""http_abuse.py HOST PORT SECONDS — exercise vipd's GET /metrics responder (metrics_listen)
and print key=value lines for tests/netns/49-metrics-http.sh:

  phase 1: 16 connections that send nothing fill every slot; a 17th is closed at once without
           an answer; the 16 are closed by vipd after its time limit (5 s), and a scrape then
           succeeds;
  phase 2, for SECONDS: a client that sends one byte every 0.3 s (dropped at the time limit),
           one that sends a request and never reads, one that floods garbage, one that sends a
           20 KB header, each repeated, while a well-behaved scraper asks every 50 ms;
  plus one answer each for 404, 405 and 400.
"""
import socket
import sys
import threading
import time

HOST, PORT, DUR = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
GET = b"GET /metrics HTTP/1.1\r\nHost: vipd\r\n\r\n"
out = {}


def conn(timeout=3.0):
    s = socket.create_connection((HOST, PORT), timeout=timeout)
    s.settimeout(timeout)
    return s


def exchange(req, timeout=3.0):
    """Send req, read to EOF; (status line, headers+body bytes)."""
    s = conn(timeout)
    try:
        s.sendall(req)
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    finally:
        s.close()
    return data.split(b"\r\n", 1)[0].decode("latin-1"), data


def wait_eof(s, limit):
    """The time (monotonic) the peer closes s (reading and discarding), or None after limit."""
    t0 = time.monotonic()
    s.settimeout(0.2)
    while time.monotonic() - t0 < limit:
        try:
            b = s.recv(65536)
            if not b:
                return time.monotonic()
        except socket.timeout:
            continue
        except OSError:
            return time.monotonic()
    return None


# ---- single answers
for key, req in (("notfound", b"GET / HTTP/1.1\r\n\r\n"),
                 ("method", b"POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
                 ("bad", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n")):
    try:
        out[key] = exchange(req)[0]
    except OSError as e:
        out[key] = "error " + str(e)

# ---- phase 1: the client limit
t_held = time.monotonic()
held = [conn() for _ in range(16)]
time.sleep(0.3)  # accepted by now
extra = conn()
gone = wait_eof(extra, 2.0)
out["extra_closed"] = "yes" if gone is not None else "no"
extra.close()
ends = [wait_eof(s, 8.0) for s in held]
for s in held:
    s.close()
dropped = [e for e in ends if e is not None]
out["idle_dropped"] = len(dropped)
out["idle_dropped_after_max"] = "%.2f" % (max(dropped) - t_held if dropped else -1)
try:
    out["after_limit"] = exchange(GET)[0]
except OSError as e:
    out["after_limit"] = "error " + str(e)

# ---- phase 2: abuse while a polite scraper scrapes
stop = time.monotonic() + DUR
counts = {"dribble_dropped": 0, "stall": 0, "garbage_400": 0, "big_431": 0}
lock = threading.Lock()


def bump(k):
    with lock:
        counts[k] += 1


def dribbler():
    while time.monotonic() < stop:
        try:
            s = conn(8.0)
            t0 = time.monotonic()
            for c in GET:
                s.send(bytes([c]))
                time.sleep(0.3)
                if time.monotonic() - t0 > 7:
                    break
            s.settimeout(1.0)
            if s.recv(100) == b"":
                bump("dribble_dropped")
        except OSError:
            bump("dribble_dropped")  # reset by the peer that gave up on us
        finally:
            s.close()


def staller():
    while time.monotonic() < stop:
        try:
            s = conn()
            s.sendall(GET)
            time.sleep(1.0)  # never reads
            s.close()
            bump("stall")
        except OSError:
            pass


def garbage():
    while time.monotonic() < stop:
        try:
            if exchange(b"\x00\xff garbage \x01\x02\r\n" * 10)[0].startswith("HTTP/1.1 400"):
                bump("garbage_400")
        except OSError:
            pass
        time.sleep(0.01)


def big():
    while time.monotonic() < stop:
        try:
            if exchange(b"GET /metrics HTTP/1.1\r\nX-Big: " + b"a" * 20000 +
                        b"\r\n\r\n")[0].startswith("HTTP/1.1 431"):
                bump("big_431")
        except OSError:
            pass
        time.sleep(0.05)


threads = [threading.Thread(target=f) for f in (dribbler, staller, garbage, big)]
for t in threads:
    t.start()
ok = failed = 0
worst = 0.0
while time.monotonic() < stop:
    t0 = time.monotonic()
    try:
        status, data = exchange(GET)
        if status == "HTTP/1.1 200 OK" and b"\nvipd_instance_state{" in data:
            ok += 1
        else:
            failed += 1
    except OSError:
        failed += 1
    worst = max(worst, time.monotonic() - t0)
    time.sleep(0.05)
for t in threads:
    t.join()
out.update(counts)
out["polite_ok"] = ok
out["polite_failed"] = failed
out["polite_worst_ms"] = "%.0f" % (worst * 1000)
for k, v in out.items():
    print("%s=%s" % (k, v))
