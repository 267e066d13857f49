/* SPDX-License-Identifier: MIT */
/*
 * util.h - allocation that cannot fail, a growable string, small helpers.
 *
 * x*alloc functions print "argomig: out of memory" and abort(): no caller
 * checks for NULL (jq, redis). struct am_buf follows git's strbuf: 'buf'
 * is never NULL and always NUL-terminated.
 */
#ifndef AM_UTIL_H
#define AM_UTIL_H

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define AM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Programmer errors only, never for anything input can trigger. */
#define AM_BUG(...) am_bug_fl(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void am_bug_fl(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* Grow *items (of *alloc elements of 'size' bytes) to hold at least 'need'. */
void am_grow(void **items, size_t *alloc, size_t need, size_t size);
#define AM_GROW(items, alloc, need) \
	am_grow((void **)&(items), &(alloc), (need), sizeof(*(items)))

struct am_buf {
	char *buf;	/* never NULL; NUL-terminated */
	size_t len;	/* bytes used, excluding the NUL */
	size_t alloc;	/* bytes allocated, 0 while 'buf' is the shared "" */
};

extern char am_buf_slopbuf[];
#define AM_BUF_INIT { am_buf_slopbuf, 0, 0 }

void am_buf_init(struct am_buf *b);
void am_buf_release(struct am_buf *b);
void am_buf_reset(struct am_buf *b);
/* Makes room for 'extra' more bytes without changing the contents. */
void am_buf_grow(struct am_buf *b, size_t extra);
void am_buf_add(struct am_buf *b, const void *data, size_t len);
void am_buf_adds(struct am_buf *b, const char *s);
void am_buf_addch(struct am_buf *b, int c);
void am_buf_addf(struct am_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void am_buf_vaddf(struct am_buf *b, const char *fmt, va_list ap);
/* Returns the string (owned by the caller) and re-initializes 'b'. */
char *am_buf_detach(struct am_buf *b);

/*
 * Reads a whole file (or stdin for "-") into a NUL-terminated buffer.
 * Refuses files larger than 'limit' bytes. Returns 0, or a negative AM_E*
 * code after am_error_set() ("cannot open 'x': reason").
 */
int am_read_file(char **out, size_t *outlen, const char *path, size_t limit);

/*
 * Reads the rest of directory 'd' and closes it. *names (owned: free with
 * am_names_free()) gets the *nr names in strcmp order, without "." and
 * ".." and, unless 'hidden', without any other name starting with '.'.
 * Returns 0, or the errno of a failed readdir(); the names read before it
 * are set either way.
 */
int am_dir_names(DIR *d, bool hidden, char ***names, size_t *nr);
void am_names_free(char **names, size_t nr);

bool am_streq(const char *a, const char *b);	/* NULL-safe */
bool am_starts_with(const char *s, const char *prefix);
bool am_ends_with(const char *s, const char *suffix);
/* The index of 's' among the 'n' strings of 'list', or -1. */
int am_str_index(const char *const *list, size_t n, const char *s);
/* True if 's' is one of the 'n' strings of 'list'. */
bool am_str_in(const char *const *list, size_t n, const char *s);
/* The value of hex digit c (either case), or -1 if c is not one. */
int am_hexval(int c);

#endif
