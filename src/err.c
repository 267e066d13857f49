/* SPDX-License-Identifier: MIT */
/*
 * err.c - the last operational error message, one per process.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "err.h"
#include "util.h"

static char *last_msg;
static int last_code;

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
