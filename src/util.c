/* SPDX-License-Identifier: MIT */
/*
 * util.c - allocation that aborts on failure, struct am_buf, reading files
 * and directories.
 *
 * Nothing here knows about YAML, SQL or Kubernetes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"

char am_buf_slopbuf[1];

void am_bug_fl(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "argomig: BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static _Noreturn void oom(void)
{
	fputs("argomig: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	struct am_buf b = AM_BUF_INIT;

	am_buf_vaddf(&b, fmt, ap);
	return am_buf_detach(&b);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void am_grow(void **items, size_t *alloc, size_t need, size_t size)
{
	size_t n = *alloc;

	if (need <= n)
		return;
	while (n < need)
		n = n ? n * 2 : 8;
	if (n > (size_t)-1 / size)
		oom();
	*items = xrealloc(*items, n * size);
	*alloc = n;
}

void am_buf_init(struct am_buf *b)
{
	b->buf = am_buf_slopbuf;
	b->len = 0;
	b->alloc = 0;
}

void am_buf_release(struct am_buf *b)
{
	if (b->alloc)
		free(b->buf);
	am_buf_init(b);
}

void am_buf_reset(struct am_buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->buf[0] = '\0';
}

void am_buf_grow(struct am_buf *b, size_t extra)
{
	size_t need;

	if (extra > (size_t)-1 - b->len - 1)
		oom();
	need = b->len + extra + 1;
	if (need <= b->alloc)
		return;
	if (!b->alloc) {	/* leave the shared "" alone */
		b->buf = NULL;
		am_grow((void **)&b->buf, &b->alloc, need, 1);
		b->buf[0] = '\0';
		return;
	}
	am_grow((void **)&b->buf, &b->alloc, need, 1);
}

void am_buf_add(struct am_buf *b, const void *data, size_t len)
{
	am_buf_grow(b, len);
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
}

void am_buf_adds(struct am_buf *b, const char *s)
{
	am_buf_add(b, s, strlen(s));
}

void am_buf_addch(struct am_buf *b, int c)
{
	char ch = (char)c;

	am_buf_add(b, &ch, 1);
}

void am_buf_vaddf(struct am_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		AM_BUG("vsnprintf failed for format '%s'", fmt);
	am_buf_grow(b, (size_t)n);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void am_buf_addf(struct am_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	am_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *am_buf_detach(struct am_buf *b)
{
	char *s = b->alloc ? b->buf : xstrdup("");

	am_buf_init(b);
	return s;
}

int am_read_file(char **out, size_t *outlen, const char *path, size_t limit)
{
	struct am_buf b = AM_BUF_INIT;
	FILE *fp = NULL;
	char chunk[65536];
	size_t n;
	int ret = 0;

	if (!strcmp(path, "-")) {
		fp = stdin;
	} else {
		fp = fopen(path, "rb");
		if (!fp)
			return am_error_set(AM_ENOTFOUND, "cannot open '%s': %s",
					    path, strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b.len + n > limit) {
			ret = am_error_set(AM_ETOOBIG,
					   "'%s' is larger than %zu bytes",
					   path, limit);
			goto out;
		}
		am_buf_add(&b, chunk, n);
	}
	if (ferror(fp)) {
		ret = am_error_set(AM_ERROR, "cannot read '%s': %s", path,
				   strerror(errno));
		goto out;
	}
out:
	if (fp && fp != stdin)
		fclose(fp);
	if (ret < 0) {
		am_buf_release(&b);
		return ret;
	}
	*outlen = b.len;
	*out = am_buf_detach(&b);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int am_dir_names(DIR *d, bool hidden, char ***names, size_t *nr)
{
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, alloc = 0;
	int err;

	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    (!hidden && de->d_name[0] == '.'))
			continue;
		AM_GROW(v, alloc, n + 1);
		v[n++] = xstrdup(de->d_name);
	}
	err = errno;
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_names);
	*names = v;
	*nr = n;
	return err;
}

void am_names_free(char **names, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(names[i]);
	free(names);
}

bool am_streq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

bool am_starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

bool am_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

int am_str_index(const char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return (int)i;
	return -1;
}

bool am_str_in(const char *const *list, size_t n, const char *s)
{
	return am_str_index(list, n, s) >= 0;
}

int am_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
