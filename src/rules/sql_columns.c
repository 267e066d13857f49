/* SPDX-License-Identifier: MIT */
/*
 * sql_columns.c - rules about columns and tables changing shape under the
 * running version: adding required or rewriting columns, renames, drops,
 * type changes and SET NOT NULL (RULES.md "SQL migrations").
 *
 * Every check reads parse trees (sqlfile.h); none looks at SQL text.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/sql_rules.h"
#include "util.h"

static const char *column_name(const struct am_sqlnode *coldef)
{
	const char *n = am_sqlnode_str(coldef, "colname");

	return n ? n : "?";
}

static bool has_constraint(const struct am_sqlnode *coldef, const char *contype)
{
	const struct am_sqlnode *c = am_sqlnode_get(coldef, "constraints");

	for (c = c ? c->child : NULL; c; c = c->next)
		if (am_sqlnode_is(am_sqlnode_as(c, "Constraint"), "contype", contype))
			return true;
	return false;
}

static const char *type_last(const struct am_sqlnode *typename)
{
	const struct am_sqlnode *c = am_sqlnode_get(typename, "names");
	const char *s = NULL;

	for (c = c ? c->child : NULL; c; c = c->next)
		s = am_sqlnode_str(am_sqlnode_as(c, "String"), "sval");
	return s;
}

/* The ColumnDef of an ADD COLUMN subcommand; NULL for other subcommands. */
static const struct am_sqlnode *added_column(const struct am_sqlnode *cmd)
{
	if (!am_sqlnode_is(cmd, "subtype", "AT_AddColumn"))
		return NULL;
	return am_sqlnode_as(am_sqlnode_get(cmd, "def"), "ColumnDef");
}

int rule_sql_add_column_required(const struct am_rule *rule,
				 struct am_lint *lint,
				 const struct am_subject *s)
{
	const struct am_sqlnode *st = sql_alter_table(s->stmt), *c;
	struct am_sqlrel rel = am_sqlrel_of(am_sqlnode_get(st, "relation"));

	for (c = sql_cmd_first(st); c; c = c->next) {
		const struct am_sqlnode *col = added_column(sql_cmd(c));

		if (!col || !has_constraint(col, "CONSTR_NOTNULL") ||
		    has_constraint(col, "CONSTR_DEFAULT") ||
		    has_constraint(col, "CONSTR_GENERATED") ||
		    has_constraint(col, "CONSTR_IDENTITY") ||
		    am_sqlcoldef_is_serial(col))
			continue;
		am_sqlstmt_report(lint, rule, rule->severity, s->stmt,
				  "add the column nullable (or with a DEFAULT), backfill it in "
				  "batches, then enforce NOT NULL with a CHECK ... NOT VALID, "
				  "VALIDATE CONSTRAINT and SET NOT NULL in later migrations",
				  "column \"%s\" is added to \"%s\" as NOT NULL without a DEFAULT: "
				  "it fails on a table with rows and inserts of the running version fail",
				  column_name(col), rel.name ? rel.name : "?");
	}
	return 0;
}

int rule_sql_add_column_rewrite(const struct am_rule *rule,
				struct am_lint *lint,
				const struct am_subject *s)
{
	const struct am_sqlnode *st = sql_alter_table(s->stmt), *c;
	struct am_sqlrel rel = am_sqlrel_of(am_sqlnode_get(st, "relation"));

	for (c = sql_cmd_first(st); c; c = c->next) {
		const struct am_sqlnode *col = added_column(sql_cmd(c));
		const char *why;

		if (!col)
			continue;
		why = am_sqlcoldef_rewrite(col, lint->pg_version);
		if (!why)
			continue;
		am_sqlstmt_report(lint, rule, rule->severity, s->stmt,
				  "add the column without a default (or with a constant one on "
				  "PostgreSQL 11+), set the default with ALTER COLUMN ... SET "
				  "DEFAULT, then backfill existing rows in batches",
				  "adding column \"%s\" to \"%s\" rewrites the table under ACCESS "
				  "EXCLUSIVE: %s",
				  column_name(col), rel.name ? rel.name : "?", why);
	}
	return 0;
}

/* The body of an ALTER ... RENAME of an 'objtype', or NULL. */
static const struct am_sqlnode *rename_of(const struct am_sqlstmt *s,
					  const char *objtype)
{
	const struct am_sqlnode *st;

	if (s->lead != AM_LEAD_ALTER)
		return NULL;
	st = sql_body(s, "RenameStmt");
	return am_sqlnode_is(st, "renameType", objtype) ? st : NULL;
}

int rule_sql_rename_column(const struct am_rule *rule, struct am_lint *lint,
			   const struct am_subject *s)
{
	const struct am_sqlnode *st = rename_of(s->stmt, "OBJECT_COLUMN");

	if (!am_sqlnode_is(st, "relationType", "OBJECT_TABLE"))
		return 0;
	am_sqlstmt_report(lint, rule, rule->severity, s->stmt,
			  "add the new column, write both, backfill in batches, switch reads, "
			  "then drop the old column in a later release",
			  "column \"%s\" of \"%s\" is renamed to \"%s\": pods of the running "
			  "version still use the old name",
			  am_sqlnode_str(st, "subname"),
			  am_sqlnode_str(am_sqlnode_get(st, "relation"), "relname"),
			  am_sqlnode_str(st, "newname"));
	return 0;
}

int rule_sql_rename_table(const struct am_rule *rule, struct am_lint *lint,
			  const struct am_subject *s)
{
	const struct am_sqlnode *st = rename_of(s->stmt, "OBJECT_TABLE");

	if (!st)
		return 0;
	am_sqlstmt_report(lint, rule, rule->severity, s->stmt,
			  "create the new table (or a view with the new name), write both, "
			  "backfill, switch reads, then drop the old table in a later release",
			  "table \"%s\" is renamed to \"%s\": pods of the running version still "
			  "use the old name",
			  am_sqlnode_str(am_sqlnode_get(st, "relation"), "relname"),
			  am_sqlnode_str(st, "newname"));
	return 0;
}

int rule_sql_drop_column(const struct am_rule *rule, struct am_lint *lint,
			 const struct am_subject *s)
{
	const struct am_sqlnode *st, *c;

	if (s->file->contract)
		return 0;
	st = sql_alter_table(s->stmt);
	for (c = sql_cmd_first(st); c; c = c->next) {
		const struct am_sqlnode *cmd = sql_cmd(c);

		if (!am_sqlnode_is(cmd, "subtype", "AT_DropColumn"))
			continue;
		am_sqlstmt_report(lint, rule, rule->severity, s->stmt,
				  "stop reading and writing the column in one release, then drop it "
				  "in a later migration marked '-- argomig:contract'",
				  "column \"%s\" of \"%s\" is dropped: pods of the running version may "
				  "still use it",
				  am_sqlnode_str(cmd, "name"),
				  am_sqlnode_str(am_sqlnode_get(st, "relation"), "relname"));
	}
	return 0;
}

int rule_sql_drop_table(const struct am_rule *rule, struct am_lint *lint,
			const struct am_subject *s)
{
	const struct am_sqlnode *st, *c;
	struct am_buf names = AM_BUF_INIT;
	size_t count = 0;

	if (s->file->contract || s->stmt->lead != AM_LEAD_DROP)
		return 0;
	st = sql_body(s->stmt, "DropStmt");
	if (!am_sqlnode_is(st, "removeType", "OBJECT_TABLE"))
		return 0;
	for (c = am_sqlnode_get(st, "objects"); c && (c = c->child); c = NULL)
		for (; c; c = c->next) {
			const struct am_sqlnode *items =
				am_sqlnode_get(am_sqlnode_as(c, "List"), "items");
			const struct am_sqlnode *i;

			am_buf_adds(&names, count++ ? "\", \"" : "");
			for (i = items ? items->child : NULL; i; i = i->next) {
				am_buf_adds(&names, am_sqlnode_str(
						am_sqlnode_as(i, "String"), "sval"));
				if (i->next)
					am_buf_addch(&names, '.');
			}
		}
	am_sqlstmt_report(lint, rule, rule->severity, s->stmt,
			  "stop using the table in one release, then drop it in a later "
			  "migration marked '-- argomig:contract'",
			  "%s \"%s\" %s dropped: pods of the running version may still use %s",
			  count > 1 ? "tables" : "table", names.buf,
			  count > 1 ? "are" : "is", count > 1 ? "them" : "it");
	am_buf_release(&names);
	return 0;
}

/* ---- sql-column-type-change --------------------------------------------- */

struct coltype {
	const char *name;	/* last part: varchar, numeric, int4, text, ... */
	int nmods;
	long long mods[2];
	bool array;
};

static struct coltype coltype_of(const struct am_sqlnode *tn)
{
	struct coltype t = { type_last(tn), 0, { 0, 0 },
			     am_sqlnode_get(tn, "arrayBounds") != NULL };
	const struct am_sqlnode *c = am_sqlnode_get(tn, "typmods");

	for (c = c ? c->child : NULL; c && t.nmods < 2; c = c->next) {
		const struct am_sqlnode *k = am_sqlnode_as(c, "A_Const");

		t.mods[t.nmods++] = am_sqlnode_int(am_sqlnode_get(k, "ival"), "ival");
	}
	return t;
}

static bool is_varchar(const struct coltype *t)
{
	return t->name && !strcmp(t->name, "varchar") && !t->array;
}

static bool is_numeric(const struct coltype *t)
{
	return t->name && !strcmp(t->name, "numeric") && !t->array;
}

/* True for a change PostgreSQL makes without rewriting the table. */
static bool no_rewrite(const struct coltype *from, const struct coltype *to)
{
	if (is_varchar(from) && from->nmods == 1) {
		if (to->name && !strcmp(to->name, "text") && !to->array)
			return true;
		if (is_varchar(to))
			return to->nmods == 0 || to->mods[0] >= from->mods[0];
	}
	if (is_numeric(from) && from->nmods >= 1 && is_numeric(to) &&
	    to->nmods >= 1) {
		long long fs = from->nmods == 2 ? from->mods[1] : 0;
		long long ts = to->nmods == 2 ? to->mods[1] : 0;

		return to->mods[0] >= from->mods[0] && fs == ts;
	}
	return false;
}

/*
 * The type column 'col' of 'rel' had in statement 'st' (CREATE TABLE,
 * ADD COLUMN, ALTER COLUMN TYPE), or NULL. *stop is set when 'st'
 * defines the table or drops the column: nothing earlier matters.
 */
static const struct am_sqlnode *type_in(const struct am_sqlstmt *st,
					const struct am_sqlrel *rel,
					const char *col, bool *stop)
{
	const struct am_sqlnode *body, *c, *found = NULL;

	if (st->lead == AM_LEAD_CREATE_TABLE) {
		struct am_sqlrel r;

		body = sql_body(st, "CreateStmt");
		r = am_sqlrel_of(am_sqlnode_get(body, "relation"));
		if (!body || !am_sqlrel_eq(&r, rel))
			return NULL;
		*stop = true;
		for (c = am_sqlnode_get(body, "tableElts"); c && (c = c->child); c = NULL)
			for (; c; c = c->next) {
				const struct am_sqlnode *cd = am_sqlnode_as(c, "ColumnDef");

				if (am_sqlnode_is(cd, "colname", col))
					found = am_sqlnode_get(cd, "typeName");
			}
		return found;
	}
	body = sql_alter_table(st);
	if (!body)
		return NULL;
	{
		struct am_sqlrel r = am_sqlrel_of(am_sqlnode_get(body, "relation"));

		if (!am_sqlrel_eq(&r, rel))
			return NULL;
	}
	for (c = sql_cmd_first(body); c; c = c->next) {
		const struct am_sqlnode *cmd = sql_cmd(c);
		const struct am_sqlnode *cd = am_sqlnode_as(am_sqlnode_get(cmd, "def"),
							    "ColumnDef");

		if (am_sqlnode_is(cmd, "subtype", "AT_AddColumn") &&
		    am_sqlnode_is(cd, "colname", col))
			found = am_sqlnode_get(cd, "typeName"), *stop = true;
		else if (am_sqlnode_is(cmd, "subtype", "AT_AlterColumnType") &&
			 am_sqlnode_is(cmd, "name", col))
			found = am_sqlnode_get(cd, "typeName"), *stop = true;
		else if (am_sqlnode_is(cmd, "subtype", "AT_DropColumn") &&
			 am_sqlnode_is(cmd, "name", col))
			found = NULL, *stop = true;
	}
	return found;
}

/* The column's type before statement 's': this file, then earlier migrations. */
static const struct am_sqlnode *old_type(const struct am_subject *s,
					 const struct am_sqlrel *rel,
					 const char *col)
{
	const struct am_migdir *d = s->dir;
	size_t k = s->index + 1, i;
	bool stop = false;

	while (k-- > 0) {
		const struct am_migfile *mf = &d->files[k];
		const struct am_sqlfile *f = mf->sql;

		if (!f || !mf->forward)
			continue;
		i = k == s->index ? s->stmt->index : f->nstmts;
		while (i-- > 0) {
			const struct am_sqlnode *t = type_in(&f->stmts[i], rel, col, &stop);

			if (stop)
				return t;
		}
	}
	return NULL;
}

static char *coltype_str(const struct coltype *t)
{
	static const char *const names[][2] = {
		{ "int2", "smallint" }, { "int4", "integer" }, { "int8", "bigint" },
		{ "float4", "real" }, { "float8", "double precision" },
		{ "bool", "boolean" }, { "bpchar", "char" },
		{ "timestamp", "timestamp" }, { "varchar", "varchar" },
	};
	const char *name = t->name ? t->name : "?";
	struct am_buf b = AM_BUF_INIT;
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i][0]))
			name = names[i][1];
	am_buf_adds(&b, name);
	if (t->nmods == 1)
		am_buf_addf(&b, "(%lld)", t->mods[0]);
	else if (t->nmods == 2)
		am_buf_addf(&b, "(%lld,%lld)", t->mods[0], t->mods[1]);
	if (t->array)
		am_buf_adds(&b, "[]");
	return am_buf_detach(&b);
}

int rule_sql_column_type_change(const struct am_rule *rule,
				struct am_lint *lint,
				const struct am_subject *s)
{
	const struct am_sqlnode *st = sql_alter_table(s->stmt), *c;
	struct am_sqlrel rel = am_sqlrel_of(am_sqlnode_get(st, "relation"));

	for (c = sql_cmd_first(st); c; c = c->next) {
		const struct am_sqlnode *cmd = sql_cmd(c);
		const struct am_sqlnode *cd, *old;
		const char *col;
		struct coltype to, from;
		char *ts, *fs = NULL;

		if (!am_sqlnode_is(cmd, "subtype", "AT_AlterColumnType"))
			continue;
		col = am_sqlnode_str(cmd, "name");
		cd = am_sqlnode_as(am_sqlnode_get(cmd, "def"), "ColumnDef");
		to = coltype_of(am_sqlnode_get(cd, "typeName"));
		old = col ? old_type(s, &rel, col) : NULL;
		if (old) {
			from = coltype_of(old);
			if (!am_sqlnode_get(cd, "raw_default") && no_rewrite(&from, &to))
				continue;
			fs = coltype_str(&from);
		}
		ts = coltype_str(&to);
		am_sqlstmt_report(lint, rule, rule->severity, s->stmt,
				  "add a new column of the new type, write both, backfill in "
				  "batches, switch reads, then drop the old column in a later release",
				  "type of column \"%s\" of \"%s\" changes %s%s%sto %s: the table is "
				  "rewritten under ACCESS EXCLUSIVE and readers of the running version "
				  "may break",
				  col ? col : "?", rel.name ? rel.name : "?",
				  fs ? "from " : "", fs ? fs : "", fs ? " " : "", ts);
		free(ts);
		free(fs);
	}
	return 0;
}

/* ---- sql-set-not-null --------------------------------------------------- */

/* True if CHECK expression 'expr' is "<col> IS NOT NULL". */
static bool is_not_null_check(const struct am_sqlnode *expr, const char *col)
{
	const struct am_sqlnode *nt = am_sqlnode_as(expr, "NullTest");
	const struct am_sqlnode *ref, *f;
	const char *last = NULL;

	if (!am_sqlnode_is(nt, "nulltesttype", "IS_NOT_NULL"))
		return false;
	ref = am_sqlnode_as(am_sqlnode_get(nt, "arg"), "ColumnRef");
	for (f = am_sqlnode_get(ref, "fields"); f && (f = f->child); f = NULL)
		for (; f; f = f->next)
			last = am_sqlnode_str(am_sqlnode_as(f, "String"), "sval");
	return last && !strcmp(last, col);
}

/* The ALTER TABLE body of statement i of 'f' if it alters 'rel', else NULL. */
static const struct am_sqlnode *alter_of(const struct am_sqlfile *f, size_t i,
					 const struct am_sqlrel *rel)
{
	const struct am_sqlnode *st = sql_alter_table(&f->stmts[i]);
	struct am_sqlrel r = am_sqlrel_of(am_sqlnode_get(st, "relation"));

	return st && am_sqlrel_eq(&r, rel) ? st : NULL;
}

/* The constraint a subcommand adds (ADD CONSTRAINT) or names (VALIDATE). */
static const char *cmd_conname(const struct am_sqlnode *cmd)
{
	const struct am_sqlnode *k =
		am_sqlnode_as(am_sqlnode_get(cmd, "def"), "Constraint");

	return k ? am_sqlnode_str(k, "conname") : am_sqlnode_str(cmd, "name");
}

/*
 * True if a statement from 'from' up to (not including) 'upto' runs
 * subcommand 'subtype' on constraint 'name' of 'rel'.
 */
static bool constraint_cmd_in(const struct am_sqlfile *f, size_t from,
			      size_t upto, const struct am_sqlrel *rel,
			      const char *subtype, const char *name)
{
	const struct am_sqlnode *c;
	size_t i;

	for (i = from; i < upto; i++)
		for (c = sql_cmd_first(alter_of(f, i, rel)); c; c = c->next)
			if (am_sqlnode_is(sql_cmd(c), "subtype", subtype) &&
			    am_streq(cmd_conname(sql_cmd(c)), name))
				return true;
	return false;
}

/* PostgreSQL 12+ skips the scan: a validated CHECK (col IS NOT NULL) exists. */
static bool proven_not_null(const struct am_sqlfile *f, size_t upto,
			    const struct am_sqlrel *rel, const char *col)
{
	size_t i;

	for (i = 0; i < upto; i++) {
		const struct am_sqlnode *c;

		for (c = sql_cmd_first(alter_of(f, i, rel)); c; c = c->next) {
			const struct am_sqlnode *cmd = sql_cmd(c);
			const struct am_sqlnode *k = am_sqlnode_as(
				am_sqlnode_get(cmd, "def"), "Constraint");
			const char *name = am_sqlnode_str(cmd, "name");

			/* validated here, added by an earlier migration */
			if (am_sqlnode_is(cmd, "subtype", "AT_ValidateConstraint") &&
			    name && !constraint_cmd_in(f, 0, i, rel,
						       "AT_AddConstraint", name))
				return true;
			if (!am_sqlnode_is(cmd, "subtype", "AT_AddConstraint") ||
			    !am_sqlnode_is(k, "contype", "CONSTR_CHECK") ||
			    !is_not_null_check(am_sqlnode_get(k, "raw_expr"), col))
				continue;
			if (!am_sqlnode_bool(k, "skip_validation"))
				return true;
			/* added NOT VALID here, validated later in the file */
			name = am_sqlnode_str(k, "conname");
			if (name && constraint_cmd_in(f, i + 1, upto, rel,
						      "AT_ValidateConstraint",
						      name))
				return true;
		}
	}
	return false;
}

int rule_sql_set_not_null(const struct am_rule *rule, struct am_lint *lint,
			  const struct am_subject *s)
{
	const struct am_sqlfile *f = s->file;
	size_t i;

	for (i = 0; i < f->nstmts; i++) {
		const struct am_sqlstmt *st = &f->stmts[i];
		const struct am_sqlnode *body = st->bad ? NULL : sql_alter_table(st), *c;
		struct am_sqlrel rel = am_sqlrel_of(am_sqlnode_get(body, "relation"));

		for (c = sql_cmd_first(body); c; c = c->next) {
			const struct am_sqlnode *cmd = sql_cmd(c);
			const char *col = am_sqlnode_str(cmd, "name");

			if (!am_sqlnode_is(cmd, "subtype", "AT_SetNotNull") || !col)
				continue;
			if (lint->pg_version >= 12 && proven_not_null(f, i, &rel, col))
				continue;
			am_sqlstmt_report(lint, rule, rule->severity, st,
					  "add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT "
					  "in a later migration, then SET NOT NULL (PostgreSQL 12+ "
					  "then skips the scan) and drop the CHECK",
					  "column \"%s\" of \"%s\" is set NOT NULL: the whole table is "
					  "scanned under ACCESS EXCLUSIVE",
					  col, rel.name ? rel.name : "?");
		}
	}
	return 0;
}
