/* SPDX-License-Identifier: MIT */
/*
 * err.c - the last operational error message, one per thread.
 *
 * Thread-local so that the SQL linter's worker threads can call module
 * functions (am_read_file, the parsers) like the main thread does; a
 * worker that swallows an error clears it before the thread ends.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "err.h"
#include "util.h"

static _Thread_local char *last_msg;
static _Thread_local int last_code;

int am_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	/* formatted first: an argument may be am_error_last() */
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	free(last_msg);
	last_msg = msg;
	last_code = code;
	return code;
}

int am_error_vat(const char *file, int line, int col, const char *fmt,
		 va_list ap)
{
	char *msg = xvasprintf(fmt, ap);
	int ret;

	if (line > 0)
		ret = am_error_set(AM_EINVALID, "%s:%d:%d: error: %s", file,
				   line, col, msg);
	else
		ret = am_error_set(AM_EINVALID, "%s: error: %s", file, msg);
	free(msg);
	return ret;
}

int am_error_at(const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = am_error_vat(file, line, col, fmt, ap);
	va_end(ap);
	return ret;
}

const char *am_error_last(void)
{
	return last_msg ? last_msg : "";
}

int am_error_code(void)
{
	return last_code;
}

void am_error_clear(void)
{
	free(last_msg);
	last_msg = NULL;
	last_code = 0;
}
