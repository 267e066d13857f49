/* SPDX-License-Identifier: MIT */
/*
 * contract.c - the expand/contract check of --base, minus git: which
 * tables and columns new migrations remove (through sqlfile.c), and
 * whether a source file's text still names them. It reads no files and
 * reports nothing: gitbase.c walks the tree and reports.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "contract.h"
#include "util.h"

void am_contract_init(struct am_contract *c)
{
	memset(c, 0, sizeof(*c));
}

void am_contract_release(struct am_contract *c)
{
	size_t i;

	for (i = 0; i < c->nr; i++) {
		struct am_contract_target *t = &c->items[i];

		free(t->change.schema);
		free(t->change.table);
		free(t->change.column);
		free(t->change.new_name);
		free(t->file);
		free(t->hit_path);
	}
	free(c->items);
	memset(c, 0, sizeof(*c));
}

void am_contract_add_migration(struct am_contract *c, const char *file,
			       const char *data, size_t len)
{
	struct am_sqlfile *f = NULL;
	struct am_sqlchange *ch = NULL;
	size_t n = 0, i;

	am_sqlfile_parse(&f, file, data, len);
	am_sqlfile_changes(f, &ch, &n);
	for (i = 0; i < n; i++) {
		struct am_contract_target *t;

		AM_GROW(c->items, c->alloc, c->nr + 1);
		t = &c->items[c->nr++];
		memset(t, 0, sizeof(*t));
		t->change = ch[i]; /* steals the strings */
		t->file = xstrdup(file);
	}
	free(ch);
	am_sqlfile_free(f);
}

bool am_contract_dir_searched(const char *name)
{
	static const char *const skip[] = {"vendor", "node_modules",
					   "third_party"};
	return name[0] != '.' && !am_str_in(skip, AM_ARRAY_SIZE(skip), name);
}

bool am_contract_file_searched(const char *name)
{
	static const char *const prose[] = {".md", ".markdown", ".rst", ".adoc",
					    ".txt"};
	static const char *const dumps[] = {"structure.sql", "schema.sql",
					    "schema.rb"};
	size_t i, n = strlen(name);

	for (i = 0; i < AM_ARRAY_SIZE(prose); i++) {
		size_t k = strlen(prose[i]);

		if (n > k && !strcasecmp(name + n - k, prose[i]))
			return false;
	}
	return !am_str_in(dumps, AM_ARRAY_SIZE(dumps), name);
}

static bool ident_char(unsigned char ch)
{
	return isalnum(ch) || ch == '_';
}

int am_word_line(const char *data, size_t len, const char *word)
{
	size_t wl = strlen(word), i;
	int line = 1;

	if (!wl || wl > len)
		return 0;
	for (i = 0; i + wl <= len; i++) {
		if (data[i] == '\n') {
			line++;
			continue;
		}
		if (tolower((unsigned char)data[i]) !=
			    tolower((unsigned char)word[0]) ||
		    (i && ident_char((unsigned char)data[i - 1])))
			continue;
		if (!strncasecmp(data + i, word, wl) &&
		    (i + wl == len || !ident_char((unsigned char)data[i + wl])))
			return line;
	}
	return 0;
}

void am_contract_scan(struct am_contract *c, const char *path, const char *data,
		      size_t len)
{
	size_t i;

	for (i = 0; i < c->nr; i++) {
		struct am_contract_target *t = &c->items[i];
		const char *word =
			t->change.column ? t->change.column : t->change.table;
		int line = am_word_line(data, len, word);

		if (!line)
			continue;
		if (t->change.column &&
		    !am_word_line(data, len, t->change.table))
			continue;
		if (!t->hit_files++) {
			t->hit_path = xstrdup(path);
			t->hit_line = line;
		}
	}
}

static const char *const change_verb[] = {
	[AM_SQLCHANGE_DROP_TABLE] = "drops table",
	[AM_SQLCHANGE_RENAME_TABLE] = "renames table",
	[AM_SQLCHANGE_DROP_COLUMN] = "drops column",
	[AM_SQLCHANGE_RENAME_COLUMN] = "renames column",
};

static const char *old_name(const struct am_sqlchange *c)
{
	return c->column ? c->column : c->table;
}

char *am_contract_message(const struct am_contract_target *t, const char *ref)
{
	const struct am_sqlchange *c = &t->change;
	struct am_buf b = AM_BUF_INIT;

	am_buf_addf(&b, "migration %s '", change_verb[c->kind]);
	if (c->schema)
		am_buf_addf(&b, "%s.", c->schema);
	am_buf_adds(&b, c->table);
	if (c->column)
		am_buf_addf(&b, ".%s", c->column);
	am_buf_addch(&b, '\'');
	if (c->new_name)
		am_buf_addf(&b, " to '%s'", c->new_name);
	am_buf_addf(&b, " while code at '%s' still uses '%s': '%s' line %d",
		    ref, old_name(c), t->hit_path, t->hit_line);
	if (t->hit_files > 1)
		am_buf_addf(&b, ", and %zu more file%s", t->hit_files - 1,
			    t->hit_files > 2 ? "s" : "");
	return am_buf_detach(&b);
}

char *am_contract_hint(const struct am_contract_target *t)
{
	const char *old = old_name(&t->change);

	if (t->change.new_name)
		return xasprintf(
			"keep '%s' until no pod runs the old code: add "
			"'%s', write both, backfill, move the reads, "
			"and remove '%s' in a later release "
			"(expand/contract)",
			old, t->change.new_name, old);
	return xasprintf("first deploy code that no longer uses '%s', then "
			 "drop it in a later release, once no pod runs the "
			 "old code (expand/contract)",
			 old);
}
