/* SPDX-License-Identifier: MIT */
/*
 * sql_data.c - data changes inside schema migrations: backfills that
 * share a migration (and so a transaction and its locks) with DDL, and
 * UPDATE or DELETE of a whole existing table in one statement.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/sql_rules.h"
#include "util.h"

/* The UPDATE or DELETE body of 's', with *verb set, or NULL. */
static const struct am_sqlnode *dml(const struct am_sqlstmt *s, const char **verb)
{
	const struct am_sqlnode *st;

	if (s->lead != AM_LEAD_DML || s->bad)
		return NULL;
	if ((st = sql_body(s, "UpdateStmt"))) {
		*verb = "UPDATE";
		return st;
	}
	if ((st = sql_body(s, "DeleteStmt"))) {
		*verb = "DELETE";
		return st;
	}
	return NULL;
}

/* A table (or index) an existing-table DDL statement 's' changes, or NULL. */
static const char *ddl_target(const struct am_sqlstmt *s)
{
	struct am_sqlstmt_lock *locks;
	const char *type, *target = NULL;
	size_t n, i;

	/* CREATE TABLE only locks tables its foreign keys reference. */
	if (s->bad || s->lead == AM_LEAD_INERT || s->lead == AM_LEAD_DML ||
	    s->lead == AM_LEAD_CREATE_TABLE ||
	    s->lead == AM_LEAD_SET || s->lead == AM_LEAD_TXN ||
	    s->lead == AM_LEAD_SELECT)
		return NULL;
	type = am_sqlnode_type(am_sqlstmt_tree(s));
	if (!type || !strcmp(type, "InsertStmt") || !strcmp(type, "MergeStmt"))
		return NULL;
	am_sqlstmt_locks(s, &locks, &n);
	for (i = 0; i < n && !target; i++) {
		if (locks[i].referenced)
			continue;
		if (locks[i].index)
			target = locks[i].index;
		else if (sql_existing(s, &locks[i].rel))
			target = locks[i].rel.name;
	}
	free(locks);
	return target;
}

int rule_sql_backfill_with_ddl(const struct am_rule *rule, struct am_lint *lint,
			       const struct am_subject *s)
{
	const struct am_sqlfile *f = s->file;
	const struct am_sqlstmt *first = NULL;
	const char *verb = NULL, *target = NULL;
	size_t i;
	int line = 0;

	for (i = 0; i < f->nstmts && !first; i++)
		if (dml(&f->stmts[i], &verb))
			first = &f->stmts[i];
	if (!first)
		return 0;
	for (i = 0; i < f->nstmts && !target; i++) {
		target = ddl_target(&f->stmts[i]);
		line = f->stmts[i].line;
	}
	if (!target)
		return 0;
	am_sqlstmt_report(lint, rule, rule->severity, first,
			  "move the backfill to a migration of its own, after the schema change, "
			  "and run it in batches",
			  "%s backfill is in the same migration as DDL on existing table \"%s\" "
			  "(line %d): the DDL's locks are held while the rows change",
			  verb, target, line);
	return 0;
}

int rule_sql_unbatched_backfill(const struct am_rule *rule, struct am_lint *lint,
				const struct am_subject *s)
{
	const char *verb = NULL;
	const struct am_sqlnode *st = dml(s->stmt, &verb);
	struct am_sqlrel rel;

	if (!st || am_sqlnode_get(st, "whereClause"))
		return 0;
	rel = am_sqlrel_of(am_sqlnode_get(st, "relation"));
	if (!sql_existing(s->stmt, &rel))
		return 0;
	am_sqlstmt_report(lint, rule, rule->severity, s->stmt,
			  "change rows in batches (WHERE id > last_id ORDER BY id LIMIT "
			  "1000, or id ranges), each batch in its own transaction",
			  "%s without WHERE changes every row of existing table \"%s\" in one "
			  "transaction: row locks and WAL grow with the table",
			  verb, rel.name);
	return 0;
}
