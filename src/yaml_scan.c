/* SPDX-License-Identifier: MIT */
/*
 * yaml_scan.c - line scanning alongside libyaml: directive and Helm
 * "# Source:" comments, tabs in indentation, line starts.
 *
 * Looks only at the start of each line byte by byte; the rest of a text
 * line is skipped with memchr. It does not parse YAML.
 */
#include <stdlib.h>
#include <string.h>

#include "yaml_scan.h"

#define COMMENT_MAX 4096	/* longest directive comment kept */
#define RING 4096		/* remembered line starts and leading tabs */

struct am_yaml_scan_line {
	size_t off;		/* byte offset of the first byte of the line */
	int line;
};

struct am_yaml_scan_source {
	int line;
	char *path;
};

void am_yaml_scan_init(struct am_yaml_scan *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->line = 1;
	sc->col = 1;
	sc->state = AM_SCAN_INDENT;
	am_buf_init(&sc->comment);
	/* a reader per spec and per self-check: no need to clear 96 KiB */
	sc->starts = xmalloc(RING * sizeof(*sc->starts));
	sc->tabs = xmalloc(RING * sizeof(*sc->tabs));
	sc->starts[0].off = 0;
	sc->starts[0].line = 1;
	sc->nstarts = 1;
}

void am_yaml_scan_release(struct am_yaml_scan *sc)
{
	size_t i;

	for (i = 0; i < sc->ncomments; i++)
		free(sc->comments[i].text);
	free(sc->comments);
	for (i = 0; i < sc->nsources; i++)
		free(sc->sources[i].path);
	free(sc->sources);
	am_buf_release(&sc->comment);
	free(sc->starts);
	free(sc->tabs);
	memset(sc, 0, sizeof(*sc));
}

static void end_comment(struct am_yaml_scan *sc)
{
	const char *t = sc->comment.buf;

	if (am_starts_with(t, "argomig:")) {
		struct am_comment *c;

		AM_GROW(sc->comments, sc->acomments, sc->ncomments + 1);
		c = &sc->comments[sc->ncomments++];
		c->line = sc->line;
		c->col = sc->comment_col;
		c->text = xstrdup(t);
	} else if (am_starts_with(t, "Source:")) {
		struct am_yaml_scan_source *s;

		t += strlen("Source:");
		while (*t == ' ' || *t == '\t')
			t++;
		if (*t) {
			AM_GROW(sc->sources, sc->asources, sc->nsources + 1);
			s = &sc->sources[sc->nsources++];
			s->line = sc->line;
			s->path = xstrdup(t);
		}
	}
	am_buf_reset(&sc->comment);
}

static void new_line(struct am_yaml_scan *sc, size_t next_off)
{
	if (sc->state == AM_SCAN_COMMENT)
		end_comment(sc);
	sc->line++;
	sc->col = 1;
	sc->state = AM_SCAN_INDENT;
	sc->starts[sc->nstarts % RING].off = next_off;
	sc->starts[sc->nstarts % RING].line = sc->line;
	sc->nstarts++;
}

/*
 * Follows lines through the bytes fed to libyaml. Only the start of a
 * line is looked at byte by byte (indentation, '#'); the rest of a text
 * line is skipped with memchr.
 */
void am_yaml_scan_feed(struct am_yaml_scan *sc, const unsigned char *p,
		       size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t off = sc->total + i;

		if (c == '\n') {
			if (sc->prev_cr) {	/* the \n of \r\n */
				sc->prev_cr = false;
				sc->starts[(sc->nstarts - 1) % RING].off = off + 1;
			} else {
				new_line(sc, off + 1);
			}
			i++;
			continue;
		}
		if (c == '\r') {
			new_line(sc, off + 1);
			sc->prev_cr = true;
			i++;
			continue;
		}
		sc->prev_cr = false;
		if (sc->state == AM_SCAN_TEXT) {	/* nothing to see until the line ends */
			const unsigned char *nl = memchr(p + i, '\n', n - i);
			const unsigned char *cr = memchr(p + i, '\r', nl ? (size_t)(nl - p) - i : n - i);
			size_t stop = cr ? (size_t)(cr - p) : nl ? (size_t)(nl - p) : n;

			sc->col += (int)(stop - i);
			i = stop;
			continue;
		}
		if (sc->state == AM_SCAN_INDENT) {
			if (c == '\t') {
				sc->tabs[sc->ntabs % RING].line = sc->line;
				sc->tabs[sc->ntabs % RING].col = sc->col;
				sc->ntabs++;
			} else if (c == '#') {
				sc->state = AM_SCAN_COMMENT;
				sc->comment_col = sc->col;
			} else if (c != ' ') {
				sc->state = AM_SCAN_TEXT;
			}
		} else if (sc->comment.len || (c != ' ' && c != '\t')) {
			if (sc->comment.len < COMMENT_MAX)
				am_buf_addch(&sc->comment, c);
		}
		sc->col++;
		i++;
	}
	sc->total += n;
}

struct am_loc am_yaml_scan_offset_loc(const struct am_yaml_scan *sc,
				      size_t off)
{
	struct am_loc l = { 1, (int)off + 1 };
	size_t i, first = sc->nstarts > RING ? sc->nstarts - RING : 0;

	for (i = sc->nstarts; i > first; i--) {
		const struct am_yaml_scan_line *s = &sc->starts[(i - 1) % RING];

		if (s->off <= off) {
			l.line = s->line;
			l.col = (int)(off - s->off) + 1;
			return l;
		}
	}
	if (first) {	/* older than we remember: the best we know */
		l.line = sc->starts[first % RING].line;
		l.col = 1;
	}
	return l;
}

bool am_yaml_scan_is_indent_tab(const struct am_yaml_scan *sc,
				struct am_loc at)
{
	size_t i, first = sc->ntabs > RING ? sc->ntabs - RING : 0;

	for (i = first; i < sc->ntabs; i++)
		if (sc->tabs[i % RING].line == at.line &&
		    sc->tabs[i % RING].col <= at.col)
			return true;
	return false;
}

char *am_yaml_scan_take_source(struct am_yaml_scan *sc, int after,
			       int before)
{
	char *found = NULL;
	size_t i, keep = 0;

	for (i = 0; i < sc->nsources; i++) {
		struct am_yaml_scan_source *s = &sc->sources[i];

		if (s->line < before) {
			if (s->line > after) {
				free(found);
				found = s->path;
			} else {
				free(s->path);
			}
		} else {
			sc->sources[keep++] = *s;
		}
	}
	sc->nsources = keep;
	return found;
}

