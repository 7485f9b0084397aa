# VIPD_SONAME(PKG, VARIABLE, FALLBACK)
# Set VARIABLE (and its AC_DEFINE) to the SONAME of the PKG.so that pkg-config's PKG.pc (else the
# compiler) points at, the library the headers came with, read with readelf or objdump;
# --with-PKG-soname=NAME names another. FALLBACK (with a warning) when none can be read.
AC_DEFUN([VIPD_SONAME], [
AC_REQUIRE([PKG_PROG_PKG_CONFIG])
AC_CHECK_TOOL([READELF], [readelf])
AC_CHECK_TOOL([OBJDUMP], [objdump])
AC_ARG_WITH([$1-soname],
  [AS_HELP_STRING([--with-$1-soname=NAME],
    [dlopen $1 as NAME (default: the SONAME of the $1.so found)])],
  [], [with_$1_soname=])
AS_IF([test "x$with_$1_soname" != x && test "x$with_$1_soname" != xyes &&
       test "x$with_$1_soname" != xno],
  [$2=$with_$1_soname],
  [AC_CACHE_CHECK([for the soname of $1], [vipd_cv_$1_soname],
    [vipd_cv_$1_soname=
     vipd_libdir=`$PKG_CONFIG --variable=libdir $1 2>/dev/null`
     for vipd_so in "$vipd_libdir/$1.so" "`$CC -print-file-name=$1.so`"; do
       test -f "$vipd_so" || continue
       AS_IF([test -n "$READELF"],
         [vipd_cv_$1_soname=`$READELF -d "$vipd_so" 2>/dev/null |
            sed -n 's/.*(SONAME).*\@<:@\(.*\)\@:>@.*/\1/p'`])
       AS_IF([test -z "$vipd_cv_$1_soname" && test -n "$OBJDUMP"],
         [vipd_cv_$1_soname=`$OBJDUMP -p "$vipd_so" 2>/dev/null | sed -n 's/^ *SONAME *//p'`])
       test -z "$vipd_cv_$1_soname" || break
     done
     test -n "$vipd_cv_$1_soname" || vipd_cv_$1_soname=unknown])
   $2=$vipd_cv_$1_soname
   AS_IF([test "x$$2" = xunknown],
     [$2=$3
      AC_MSG_WARN([no $1.so whose SONAME readelf or objdump could read: vipd will dlopen
$1 as $$2; give --with-$1-soname=NAME if not])])])
AC_DEFINE_UNQUOTED([$2], ["$$2"], [the name vipd dlopens $1 by])
])
