/* SPDX-License-Identifier: MIT */
/*
 * sql_index.c - index builds and drops that block the table, and
 * CONCURRENTLY statements that cannot work because a transaction wraps
 * them (explicit BEGIN, Flyway's per-file transaction, golang-migrate's
 * implicit multi-statement transaction).
 */
#include <string.h>

#include "rules/sql_rules.h"
#include "util.h"

int rule_sql_index_not_concurrent(const struct am_rule *rule,
				  struct am_lint *lint,
				  const struct am_subject *s)
{
	const struct am_sqlnode *st;
	struct am_sqlrel rel;
	const char *name;

	if (s->stmt->lead != AM_LEAD_CREATE_INDEX)
		return 0;
	st = sql_body(s->stmt, "IndexStmt");
	if (!st || am_sqlnode_bool(st, "concurrent"))
		return 0;
	rel = am_sqlrel_of(am_sqlnode_get(st, "relation"));
	if (!sql_existing(s->stmt, &rel))
		return 0;
	name = am_sqlnode_str(st, "idxname");
	am_sqlstmt_report(lint, rule, rule->severity, s->stmt,
			  "use CREATE INDEX CONCURRENTLY, alone in its own migration "
			  "(Flyway: with <file>.sql.conf saying executeInTransaction=false)",
			  "index %s%s%son existing table \"%s\" is built without CONCURRENTLY: "
			  "writes to the table block until the build ends",
			  name ? "\"" : "", name ? name : "", name ? "\" " : "", rel.name);
	return 0;
}

int rule_sql_drop_index_not_concurrent(const struct am_rule *rule,
				       struct am_lint *lint,
				       const struct am_subject *s)
{
	const struct am_sqlnode *st, *c;

	if (s->stmt->lead != AM_LEAD_DROP)
		return 0;
	st = sql_body(s->stmt, "DropStmt");
	if (!am_sqlnode_is(st, "removeType", "OBJECT_INDEX") ||
	    am_sqlnode_bool(st, "concurrent"))
		return 0;
	c = am_sqlnode_get(st, "objects");
	c = c ? c->child : NULL;
	{
		const struct am_sqlnode *items =
			am_sqlnode_get(am_sqlnode_as(c, "List"), "items"), *i;
		const char *name = NULL;

		for (i = items ? items->child : NULL; i; i = i->next)
			name = am_sqlnode_str(am_sqlnode_as(i, "String"), "sval");
		am_sqlstmt_report(lint, rule, rule->severity, s->stmt,
				  "use DROP INDEX CONCURRENTLY, alone in its own migration",
				  "index \"%s\" is dropped without CONCURRENTLY: its table is "
				  "locked ACCESS EXCLUSIVE, blocking reads and writes",
				  name ? name : "?");
	}
	return 0;
}

/* The statement as a CONCURRENTLY operation ("CREATE INDEX CONCURRENTLY"), or NULL. */
static const char *concurrent_what(const struct am_sqlstmt *s)
{
	const struct am_sqlnode *tree, *st, *c;

	if (s->lead == AM_LEAD_CREATE_INDEX_CONCURRENTLY)
		return "CREATE INDEX CONCURRENTLY";
	if (s->lead != AM_LEAD_CREATE_INDEX && s->lead != AM_LEAD_DROP &&
	    s->lead != AM_LEAD_ALTER && s->lead != AM_LEAD_OTHER)
		return NULL;
	tree = am_sqlstmt_tree(s);
	if ((st = am_sqlnode_as(tree, "IndexStmt")))
		return am_sqlnode_bool(st, "concurrent") ? "CREATE INDEX CONCURRENTLY"
							 : NULL;
	if ((st = am_sqlnode_as(tree, "DropStmt")))
		return am_sqlnode_is(st, "removeType", "OBJECT_INDEX") &&
				       am_sqlnode_bool(st, "concurrent")
			       ? "DROP INDEX CONCURRENTLY"
			       : NULL;
	if ((st = am_sqlnode_as(tree, "ReindexStmt"))) {
		for (c = am_sqlnode_get(st, "params"); c && (c = c->child); c = NULL)
			for (; c; c = c->next)
				if (am_sqlnode_is(am_sqlnode_as(c, "DefElem"),
						  "defname", "concurrently"))
					return "REINDEX CONCURRENTLY";
		return NULL;
	}
	if ((st = am_sqlnode_as(tree, "AlterTableStmt"))) {
		for (c = sql_cmd_first(st); c; c = c->next) {
			const struct am_sqlnode *cmd = sql_cmd(c);

			if (am_sqlnode_is(cmd, "subtype", "AT_DetachPartition") &&
			    am_sqlnode_bool(am_sqlnode_as(am_sqlnode_get(cmd, "def"),
							  "PartitionCmd"),
					    "concurrent"))
				return "DETACH PARTITION CONCURRENTLY";
		}
	}
	return NULL;
}

int rule_sql_concurrently_in_transaction(const struct am_rule *rule,
					 struct am_lint *lint,
					 const struct am_subject *s)
{
	const struct am_migdir *d = s->dir;
	const struct am_migfile *mf = am_migdir_current(s);
	const struct am_sqlfile *f = s->file;
	int file_txn = -1;	/* unknown until needed */
	size_t i;

	for (i = 0; i < f->nstmts; i++) {
		const struct am_sqlstmt *st = &f->stmts[i];
		const char *what = st->bad ? NULL : concurrent_what(st);

		if (!what)
			continue;
		if (mf->in_txn[i]) {
			am_sqlstmt_report(lint, rule, rule->severity, st,
					  "remove BEGIN/COMMIT around it and put it alone in its "
					  "own migration",
					  "\"%s\" runs inside BEGIN ... COMMIT: PostgreSQL refuses "
					  "it in a transaction block",
					  what);
			continue;
		}
		if (file_txn < 0)
			file_txn = am_migfile_in_transaction(mf, lint->pg_version);
		if (!file_txn)
			continue;
		if (d->runner == AM_RUNNER_FLYWAY)
			am_sqlstmt_report(lint, rule, rule->severity, st,
					  "put it alone in its own migration, with "
					  "<file>.sql.conf saying executeInTransaction=false",
					  "\"%s\" cannot run in a transaction, and Flyway runs this "
					  "file in one%s",
					  what,
					  mf->conf.has_execute_in_transaction
						  ? " (executeInTransaction=true)"
						  : " (it has statements Flyway runs in a transaction)");
		else
			am_sqlstmt_report(lint, rule, rule->severity, st,
					  "put it alone in a migration file of its own",
					  "\"%s\" cannot run in a transaction, and %s runs a "
					  "multi-statement file as one transaction",
					  what,
					  d->runner == AM_RUNNER_GOLANG_MIGRATE ? "golang-migrate"
										: "a migration tool");
	}
	return 0;
}
