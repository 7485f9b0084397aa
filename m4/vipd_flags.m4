# vipd_flags.m4 — try compiler and linker flags before using them.

# The body of the test programs: a local array (for the stack protector) and a
# libc call glibc can fortify.
m4_define([_VIPD_FLAGS_BODY], [[char buf[32];
  snprintf(buf, sizeof(buf), "%d", 42);
  return buf[0] == '4' ? 0 : 1;]])

# VIPD_CHECK_FLAGS(COMPILE-FLAGS, LINK-FLAGS, [ACTION-IF-OK], [ACTION-IF-NOT])
# -----------------------------------------------------------------------------
# Whether the test program compiles with COMPILE-FLAGS and links with
# LINK-FLAGS on top of the user's CFLAGS/CPPFLAGS/LDFLAGS. The test adds
# -Werror, as clang only warns about a flag it does not use. Cached
# (vipd_cv_flags_*).
AC_DEFUN([VIPD_CHECK_FLAGS],
[AS_VAR_PUSHDEF([vipd_cache], [vipd_cv_flags_$1_$2])dnl
AC_CACHE_CHECK([whether $CC compiles and links with m4_normalize([$1 $2])], [vipd_cache],
  [vipd_save_CFLAGS=$CFLAGS
   vipd_save_LDFLAGS=$LDFLAGS
   CFLAGS="$CFLAGS $1 -Werror"
   LDFLAGS="$LDFLAGS $2"
   AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <stdio.h>]], [_VIPD_FLAGS_BODY])],
     [AS_VAR_SET([vipd_cache], [yes])],
     [AS_VAR_SET([vipd_cache], [no])])
   CFLAGS=$vipd_save_CFLAGS
   LDFLAGS=$vipd_save_LDFLAGS])
AS_VAR_IF([vipd_cache], [yes], [$3], [$4])
AS_VAR_POPDEF([vipd_cache])dnl
])

# VIPD_CHECK_FORTIFY
# ------------------
# The highest _FORTIFY_SOURCE level, 3 then 2, that applies with the user's
# flags: in vipd_cv_fortify, "no" if none. glibc ignores the macro silently
# without optimisation (-O) and gives level 3 only to gcc >= 12 and clang >= 9,
# so the program asks glibc's own __USE_FORTIFY_LEVEL. -U first: a compiler may
# define the macro itself (Ubuntu's gcc does).
AC_DEFUN([VIPD_CHECK_FORTIFY],
[AC_CACHE_CHECK([for the _FORTIFY_SOURCE level $CC applies], [vipd_cv_fortify],
  [vipd_cv_fortify=no
   vipd_save_CFLAGS=$CFLAGS
   for vipd_level in 3 2; do
     CFLAGS="$vipd_save_CFLAGS -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=$vipd_level -Werror"
     AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <stdio.h>
#if !defined __USE_FORTIFY_LEVEL || __USE_FORTIFY_LEVEL < $vipd_level
#error _FORTIFY_SOURCE=$vipd_level does not apply
#endif]], [_VIPD_FLAGS_BODY])],
       [vipd_cv_fortify=$vipd_level])
     test "$vipd_cv_fortify" = no || break
   done
   CFLAGS=$vipd_save_CFLAGS])
])
