# tests/netns/peers.sh — reading `vipctl --json peers web` in the scenarios of `vipctl peers`
# (84, 85); sourced after lib.sh.
# shellcheck shell=bash

ctl() { "$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" "${@:2}"; }

# peers_get I EXPR — a Python expression on node I's `vipctl --json peers web`
# (p: its instance; r(N): the router 198.18.0.N or {}); "error" when it fails
peers_get() {
	ctl "$1" --json peers web 2>/dev/null | python3 -c '
import json, sys
try:
    p = json.loads(sys.stdin.readline())["instances"][0]
    def r(n):
        return next((x for x in p["routers"] if x["address"] == "198.18.0.%d" % n), {})
    v = eval(sys.argv[1])
    print(("true" if v else "false") if isinstance(v, bool) else v)
except Exception as e:
    print("error: %s" % e)' "$2"
}
# peers_is I EXPR VALUE — peers_get prints VALUE
peers_is() { [[ "$(peers_get "$1" "$2")" == "$3" ]]; }
