# VIPD_SONAME(LIB, VARIABLE, FALLBACK, [PKG])
# Set VARIABLE (and its AC_DEFINE) to the SONAME of the LIB.so that pkg-config's PKG.pc (PKG
# defaults to LIB; else the compiler) points at, the library the headers came with, read with
# readelf or objdump; --with-LIB-soname=NAME names another. FALLBACK (with a warning) when none
# can be read. LIB may hold - and . (libnl-route-3): the shell variables use _ for them.
AC_DEFUN([VIPD_SONAME], [
AC_REQUIRE([PKG_PROG_PKG_CONFIG])
AC_CHECK_TOOL([READELF], [readelf])
AC_CHECK_TOOL([OBJDUMP], [objdump])
m4_pushdef([vipd_lib], m4_translit([$1], [-.], [__]))
AC_ARG_WITH([$1-soname],
  [AS_HELP_STRING([--with-$1-soname=NAME],
    [dlopen $1 as NAME (default: the SONAME of the $1.so found)])],
  [], [with_[]vipd_lib[]_soname=])
AS_IF([test "x$with_[]vipd_lib[]_soname" != x && test "x$with_[]vipd_lib[]_soname" != xyes &&
       test "x$with_[]vipd_lib[]_soname" != xno],
  [$2=$with_[]vipd_lib[]_soname],
  [AC_CACHE_CHECK([for the soname of $1], [vipd_cv_[]vipd_lib[]_soname],
    [vipd_cv_[]vipd_lib[]_soname=
     vipd_libdir=`$PKG_CONFIG --variable=libdir m4_default([$4], [$1]) 2>/dev/null`
     for vipd_so in "$vipd_libdir/$1.so" "`$CC -print-file-name=$1.so`"; do
       test -f "$vipd_so" || continue
       AS_IF([test -n "$READELF"],
         [vipd_cv_[]vipd_lib[]_soname=`$READELF -d "$vipd_so" 2>/dev/null |
            sed -n 's/.*(SONAME).*\@<:@\(.*\)\@:>@.*/\1/p'`])
       AS_IF([test -z "$vipd_cv_[]vipd_lib[]_soname" && test -n "$OBJDUMP"],
         [vipd_cv_[]vipd_lib[]_soname=`$OBJDUMP -p "$vipd_so" 2>/dev/null | sed -n 's/^ *SONAME *//p'`])
       test -z "$vipd_cv_[]vipd_lib[]_soname" || break
     done
     test -n "$vipd_cv_[]vipd_lib[]_soname" || vipd_cv_[]vipd_lib[]_soname=unknown])
   $2=$vipd_cv_[]vipd_lib[]_soname
   AS_IF([test "x$$2" = xunknown],
     [$2=$3
      AC_MSG_WARN([no $1.so whose SONAME readelf or objdump could read: vipd will dlopen
$1 as $$2; give --with-$1-soname=NAME if not])])])
AC_DEFINE_UNQUOTED([$2], ["$$2"], [the name vipd dlopens $1 by])
m4_popdef([vipd_lib])
])
