/* SPDX-License-Identifier: MIT */
/*
 * err.h - operational errors: a negative code plus a message (libgit2 style).
 *
 * Module functions return 0 or a negative AM_E* code after am_error_set();
 * they never print and never exit. Only main.c and cmd_*.c turn an error
 * into "argomig: <message>" and an exit status.
 */
#ifndef AM_ERR_H
#define AM_ERR_H

#include <stdarg.h>

enum {
	AM_OK = 0,
	AM_ERROR = -1,		/* generic; see am_error_last() */
	AM_ENOTFOUND = -2,	/* a file, rule or object does not exist */
	AM_EPARSE = -3,		/* input could not be parsed */
	AM_EUSAGE = -4,		/* bad option or argument */
	AM_ETOOBIG = -5,	/* input over a size limit */
	AM_EGIT = -6,		/* libgit2 failure */
	AM_EDB = -7,		/* libpq failure */
	AM_EINVALID = -8,	/* input parsed but is not valid (spec errors) */
};

/*
 * Records a message and returns 'code', so callers can write
 * `return am_error_set(AM_EPARSE, "cannot parse '%s'", path);`.
 */
int am_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * An AM_EINVALID error in the compiler style of spec and manifest errors:
 * "file:line:col: error: message", or "file: error: message" when 'line'
 * is 0 (no position). Returns AM_EINVALID.
 */
int am_error_at(const char *file, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int am_error_vat(const char *file, int line, int col, const char *fmt,
		 va_list ap) __attribute__((format(printf, 4, 0)));
/*
 * The calling thread's last message; "" when none. Borrowed: valid until
 * the next am_error_set() or am_error_clear() of this thread.
 */
const char *am_error_last(void);
int am_error_code(void);
void am_error_clear(void);

#endif
