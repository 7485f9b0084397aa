#!/bin/sh
# tests/man.sh - every manual page renders with man-db/groff without a warning, and passes
# `mandoc -T lint` (warnings and worse) when mandoc is installed. Run by `make check`.
set -u
top_srcdir=${top_srcdir:-.}
pages="src/vipd.8 src/vipctl.8 src/vipd.conf.5"

if ! command -v man >/dev/null 2>&1 || ! command -v groff >/dev/null 2>&1; then
	echo "man or groff is missing: skipped"
	exit 77
fi
fail=0
for p in $pages; do
	f=$top_srcdir/$p
	out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' man --warnings -E UTF-8 -l -Tutf8 -Z "$f" 2>&1 >/dev/null)
	if [ $? -ne 0 ] || [ -n "$out" ]; then
		echo "FAIL $p: man -l reports:"
		echo "$out"
		fail=1
	else
		echo "ok   $p: man -l renders without warnings"
	fi
	if command -v mandoc >/dev/null 2>&1; then
		# "referenced manual not found" is a style message: not reported at -W warning.
		out=$(mandoc -T lint -W warning "$f" 2>&1 | grep -v 'mandoc.db')
		if [ -n "$out" ]; then
			echo "FAIL $p: mandoc -T lint reports:"
			echo "$out"
			fail=1
		else
			echo "ok   $p: mandoc -T lint is clean"
		fi
	fi
done
exit $fail
