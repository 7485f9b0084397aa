#!/usr/bin/env python3
"""tests/netns/ctl_abuse.py SOCKET SECONDS [PIPELINERS] — abuse vipd's control
socket and measure how the other clients fare. Used by 48-ctl-abuse.sh.

At the same time, for SECONDS:
  - a hog connects, sends status requests until they no longer go in (vipd
    stopped reading it) and never reads an answer;
  - a flooder sends garbage lines as fast as it can, never reading;
  - a client sends a 10 MB line (no newline until the end);
  - single bad requests on their own connections: malformed JSON, a non-object,
    an unknown command, no command;
  - PIPELINERS clients (default 1) each send 500 status requests in one write
    and read the answers (until SECONDS are over), timing the longest wait for
    an answer (the first one, or the next one);
  - a well-behaved client asks for status again and again, timing each answer.
Prints key=value lines (one per figure) for the scenario to check.
"""
import json
import socket
import sys
import threading
import time

path = sys.argv[1]
duration = float(sys.argv[2])
npipe = int(sys.argv[3]) if len(sys.argv) > 3 else 1
results = {}
pending = {}  # fd -> bytes received past the last line read
lock = threading.Lock()
stop = threading.Event()


def put(key, value):
    with lock:
        results[key] = value


def connect(timeout=5.0):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    return s


def read_line(s):
    """The next answer line, or None when vipd closed (or reset) the connection."""
    buf = pending.setdefault(s.fileno(), bytearray())
    try:
        while b"\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                return None
            buf += chunk
    except (ConnectionResetError, BrokenPipeError):
        return None
    line, _, rest = bytes(buf).partition(b"\n")
    pending[s.fileno()] = bytearray(rest)
    return line.decode()


def close(s):
    with lock:
        pending.pop(s.fileno(), None)
    s.close()


def single(key, line):
    """A bad request on its own connection: the answer's error text."""
    try:
        s = connect()
        s.sendall(line)
        ans = read_line(s)
        close(s)
        put(key, json.loads(ans).get("error", "ok") if ans else "dropped")
    except Exception as e:  # noqa: BLE001 - reported, the scenario fails on it
        put(key, "exception:" + type(e).__name__)


def hog():
    s = connect()
    s.setblocking(False)
    req = b'{"command":"status"}\n'
    sent = 0
    idle_since = time.monotonic()
    while not stop.is_set():
        try:
            sent += s.send(req)
            idle_since = time.monotonic()
        except BlockingIOError:
            if time.monotonic() - idle_since > 0.5:
                break  # vipd no longer reads it: back-pressure
            time.sleep(0.01)
        except OSError:
            put("hog_dropped_while_sending", 1)
            break
    put("hog_request_bytes", sent)
    stop.wait()
    close(s)


def flooder():
    s = connect()
    s.setblocking(False)
    line = b"this is not json at all\n" * 1000
    sent = 0
    while not stop.is_set():
        try:
            sent += s.send(line)
        except BlockingIOError:
            time.sleep(0.005)
        except OSError:
            break
    put("flood_bytes", sent)
    close(s)


def huge():
    s = connect()
    block = b"{" * 65536
    sent = 0
    try:
        while sent < 10 * 1024 * 1024 - 1:
            sent += s.send(block)
        s.sendall(b"\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    except socket.timeout:
        put("huge_stalled", 1)
    ans = read_line(s)
    put("huge_bytes_taken", sent)
    put("huge_answer", json.loads(ans).get("error", "ok") if ans else "dropped")
    close(s)


answered = []
gaps = []


def pipeliner():
    n = 0
    worst = 0.0
    try:
        s = connect()
        s.sendall(b'{"command":"status"}\n' * 500)
        last = time.monotonic()
        while n < 500 and not stop.is_set():
            ans = read_line(s)
            if ans is None or not json.loads(ans).get("ok"):
                break
            now = time.monotonic()
            worst = max(worst, now - last)
            last = now
            n += 1
        if n < 500:  # still waiting when the abuse ended: that wait counts too
            worst = max(worst, time.monotonic() - last)
        close(s)
    except Exception as e:  # noqa: BLE001
        put("pipeliner_error", type(e).__name__)
    with lock:
        answered.append(n)
        gaps.append(worst)


def polite():
    worst = 0.0
    n = failed = 0
    while not stop.is_set():
        t0 = time.monotonic()
        try:
            s = connect()
            s.sendall(b'{"command":"status"}\n')
            ans = read_line(s)
            close(s)
            ok = ans is not None and json.loads(ans).get("ok") is True
        except Exception:  # noqa: BLE001
            ok = False
        dt = time.monotonic() - t0
        worst = max(worst, dt)
        n += 1
        failed += 0 if ok else 1
        time.sleep(0.02)
    put("polite_queries", n)
    put("polite_failed", failed)
    put("polite_worst_ms", round(worst * 1000, 1))


threads = [threading.Thread(target=f) for f in (hog, flooder, huge, polite)]
threads += [threading.Thread(target=pipeliner) for _ in range(npipe)]
threads += [
    threading.Thread(target=single, args=(k, v))
    for k, v in (
        ("malformed", b'{"command": "status"\n'),
        ("nonobject", b'["status"]\n'),
        ("unknown", b'{"command":"format-disk"}\n'),
        ("nocommand", b'{"name":"web"}\n'),
    )
]
for t in threads:
    t.start()
time.sleep(duration)
stop.set()
for t in threads:
    t.join(30)
put("pipelined_answered", sum(answered))
put("pipelined_least", min(answered) if answered else 0)
put("pipelined_worst_gap_ms", round(max(gaps) * 1000, 1) if gaps else "")
for k in sorted(results):
    print("%s=%s" % (k, results[k]))
