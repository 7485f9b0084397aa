#!/bin/sh
# tests/dlopen.sh - the libraries vipd loads only when a feature needs them (libcurl for HTTP
# checks, libnftables for accept = false, libnl-route-3 and libnl-3 for VMACs, nettle for
# auth_type = "ah") are not among the vipd binary's NEEDED entries: each would be mapped, and
# resident, in every vipd (issue 13: RSS). Reads the dynamic section of the built binary. Run
# by `make check`.
set -u
bin=${1:-vipd}
if ! command -v readelf >/dev/null 2>&1; then
	echo "readelf is missing: skipped"
	exit 77
fi
if [ ! -f "$bin" ]; then
	echo "FAIL: $bin is not built"
	exit 1
fi
needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\].*/\1/p')
bad=$(echo "$needed" | grep -E '^lib(curl|nftables|nl-3|nl-route-3|nettle)\.so')
if [ -n "$bad" ]; then
	echo "FAIL: $bin links what it should dlopen:"
	echo "$bad"
	exit 1
fi
echo "ok: $bin needs $(echo "$needed" | tr '\n' ' ')"
