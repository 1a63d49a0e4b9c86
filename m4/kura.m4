# KURA_CHECK_CFLAG(FLAG, [ACTION-IF-OK], [ACTION-IF-NOT], [EXTRA-FLAGS])
# Compiles an empty program with FLAG (and EXTRA-FLAGS, e.g. -Werror so that
# unknown warning options are caught) and runs the matching action.
AC_DEFUN([KURA_CHECK_CFLAG], [
	AS_VAR_PUSHDEF([kura_cv], [kura_cv_cflag_$1])
	AC_CACHE_CHECK([whether $CC accepts $1], [kura_cv], [
		kura_save_CFLAGS="$CFLAGS"
		CFLAGS="$CFLAGS $4 $1"
		AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])],
		    [AS_VAR_SET([kura_cv], [yes])], [AS_VAR_SET([kura_cv], [no])])
		CFLAGS="$kura_save_CFLAGS"
	])
	AS_VAR_IF([kura_cv], [yes], [$2], [$3])
	AS_VAR_POPDEF([kura_cv])
])
