#!/bin/sh
# tests/unit/promcheck.sh - the strict Prometheus text checker (promcheck.py) accepts every good
# sample and rejects every bad one of its self-test, so a clean check of vipd's metrics means
# something. Run by `make check`; test_metrics and the netns stats scenario use the checker.
set -u
top_srcdir=${top_srcdir:-.}
if ! command -v python3 >/dev/null 2>&1; then
	echo "python3 is missing: skipped"
	exit 77
fi
exec python3 "$top_srcdir/tests/unit/promcheck.py" --selftest
