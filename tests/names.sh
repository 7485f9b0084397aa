#!/bin/sh
# tests/names.sh - every name libvipd.a exports carries its own file's prefix: a function of
# src/foo_bar.c is foo_bar or foo_bar_*, so a name says which file to open (HACKING.md,
# "Conventions"). Reads the symbol table of the built library. Run by `make check`.
set -u
lib=${1:-libvipd.a}
if ! command -v nm >/dev/null 2>&1; then
	echo "nm is missing: skipped"
	exit 77
fi
if [ ! -f "$lib" ]; then
	echo "FAIL: $lib is not built"
	exit 1
fi
# "libvipd.a:addr.o:0000000000000000 T addr_parse" -> "addr addr_parse". Names starting with
# "__" belong to the compiler (ASan's __odr_asan.NAME beside each exported variable): skipped.
out=$(nm -A -g --defined-only "$lib" | awk '
	{ n = split($1, p, ":"); obj = p[n - 1]; sub(/\.o$/, "", obj); sym = $NF
	  if (index(sym, "__") == 1) next
	  if (sym != obj && index(sym, obj "_") != 1) print "src/" obj ".c exports " sym }')
count=$(nm -A -g --defined-only "$lib" | wc -l)
if [ -n "$out" ]; then
	echo "FAIL: names without their file's prefix:"
	echo "$out"
	exit 1
fi
echo "ok: the $count names libvipd.a exports carry their file's prefix"
