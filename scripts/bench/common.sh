# scripts/bench/common.sh — what every benchmark does first (sourced, not run):
# be root, install and build (scripts/lab build), load the netns test library,
# and turn its TAP verbs into a benchmark's: a failure ends the run with a
# reason. Sets $repo.
# BENCH_NO_BUILD=1 installs and builds nothing: the run takes the vipd and vipctl that
# tests/netns/lib.sh finds (top_builddir, VIPD_BIN, VIPCTL_BIN), as the test suite does
# (tests/netns/97-bench-smoke.sh, which may run against a sanitized build).
# shellcheck shell=bash
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[[ $(id -u) -eq 0 ]] || { echo "run me as root: sudo $0" >&2; exit 1; }
if [[ -z ${BENCH_NO_BUILD:-} ]]; then
	"$repo/scripts/lab" build || exit 1
fi
# vipd runs as nobody only when told: without a vipd user the configs say so
id -u vipd >/dev/null 2>&1 || export VT_CONF_USER=nobody
# shellcheck source=tests/netns/lib.sh
. "$repo/tests/netns/lib.sh"
die() { echo "bench: $*" >&2; exit 1; }
skip_all() { die "$*"; }
bail_out() { die "$*"; }
say() { printf '%s\n' "$*"; }
[[ -x "$VIPD_BIN" && -x "$VIPCTL_BIN" ]] || die "no $VIPD_BIN / $VIPCTL_BIN"

# row_header, then row LABEL KEY per figure: R[vipd.KEY] and R[keepalived.KEY] side by side,
# with the ratio keepalived / vipd when both are numbers
row_header() { printf '%-44s %12s %12s %16s\n' "" vipd keepalived "keepalived/vipd"; }
row() {
	local label=$1 key=$2 a b
	a=${R[vipd.$key]:--} b=${R[keepalived.$key]:--}
	printf '%-44s %12s %12s %16s\n' "$label" "$a" "$b" \
		"$(awk -v a="$a" -v b="$b" 'BEGIN { if (a + 0 > 0 && b ~ /^[0-9.]+$/) printf "%.2f", b / a; else print "-" }')"
}
