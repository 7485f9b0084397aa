# scripts/bench/common.sh — what every benchmark does first (sourced, not run):
# be root, install and build (scripts/lab build), load the netns test library,
# and turn its TAP verbs into a benchmark's: a failure ends the run with a
# reason. Sets $repo.
# shellcheck shell=bash
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[[ $(id -u) -eq 0 ]] || { echo "run me as root: sudo $0" >&2; exit 1; }
"$repo/scripts/lab" build || exit 1
# vipd runs as nobody only when told: without a vipd user the configs say so
id -u vipd >/dev/null 2>&1 || export VT_CONF_USER=nobody
# shellcheck source=tests/netns/lib.sh
. "$repo/tests/netns/lib.sh"
die() { echo "bench: $*" >&2; exit 1; }
skip_all() { die "$*"; }
bail_out() { die "$*"; }
say() { printf '%s\n' "$*"; }

# row_header, then row LABEL KEY per figure: R[vipd.KEY] and R[keepalived.KEY] side by side,
# with the ratio keepalived / vipd when both are numbers
row_header() { printf '%-44s %12s %12s %16s\n' "" vipd keepalived "keepalived/vipd"; }
row() {
	local label=$1 key=$2 a b
	a=${R[vipd.$key]:--} b=${R[keepalived.$key]:--}
	printf '%-44s %12s %12s %16s\n' "$label" "$a" "$b" \
		"$(awk -v a="$a" -v b="$b" 'BEGIN { if (a + 0 > 0 && b ~ /^[0-9.]+$/) printf "%.2f", b / a; else print "-" }')"
}
