/* SPDX-License-Identifier: MIT */
/*
 * sql_locks.c - sql-missing-lock-timeout: a strong lock requested with no
 * lock_timeout queues every later query on the table behind it for as
 * long as it waits (reference/preflight.md §1.3).
 */
#include <stdlib.h>
#include <string.h>

#include "rules/sql_rules.h"
#include "util.h"

struct finder {
	bool found;
};

static void find_set_config(const struct am_sqlnode *n, void *arg)
{
	const struct am_sqlnode *call = am_sqlnode_as(n, "FuncCall");
	const struct am_sqlnode *names, *args, *c;
	struct finder *f = arg;
	const char *name = NULL;

	if (!call || f->found)
		return;
	names = am_sqlnode_get(call, "funcname");
	for (c = names ? names->child : NULL; c; c = c->next)
		name = am_sqlnode_str(am_sqlnode_as(c, "String"), "sval");
	if (!name || strcmp(name, "set_config"))
		return;
	args = am_sqlnode_get(call, "args");
	c = args ? args->child : NULL;
	if (am_sqlnode_is(am_sqlnode_get(am_sqlnode_as(c, "A_Const"), "sval"), "sval",
			  "lock_timeout"))
		f->found = true;
}

/* True if 's' sets a non-zero lock_timeout. */
static bool sets_lock_timeout(const struct am_sqlstmt *s)
{
	const struct am_sqlnode *st, *arg;
	struct finder f = { false };

	if (s->lead == AM_LEAD_SET) {
		st = sql_body(s, "VariableSetStmt");
		if (!am_sqlnode_is(st, "name", "lock_timeout") ||
		    !am_sqlnode_is(st, "kind", "VAR_SET_VALUE"))
			return false;
		arg = am_sqlnode_get(st, "args");
		arg = am_sqlnode_as(arg ? arg->child : NULL, "A_Const");
		/* 0 (printed as {"ival": {}}) turns the timeout off. */
		return !(am_sqlnode_get(arg, "ival") &&
			 !am_sqlnode_int(am_sqlnode_get(arg, "ival"), "ival"));
	}
	if (s->lead == AM_LEAD_SELECT) {
		am_sqlnode_walk(am_sqlstmt_tree(s), find_set_config, &f);
		return f.found;
	}
	return false;
}

int rule_sql_missing_lock_timeout(const struct am_rule *rule,
				  struct am_lint *lint,
				  const struct am_subject *s)
{
	const struct am_sqlfile *f = s->file;
	size_t i, k;

	for (i = 0; i < f->nstmts; i++) {
		const struct am_sqlstmt *st = &f->stmts[i];
		struct am_sqlstmt_lock *locks;
		size_t n;

		/* CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE. */
		if (st->bad || st->lead == AM_LEAD_INERT || st->lead == AM_LEAD_TXN ||
		    st->lead == AM_LEAD_CREATE_INDEX_CONCURRENTLY)
			continue;
		if (sets_lock_timeout(st))
			return 0;
		if (st->lead == AM_LEAD_SET || st->lead == AM_LEAD_SELECT)
			continue;
		am_sqlstmt_locks(st, &locks, &n);
		for (k = 0; k < n; k++) {
			const struct am_sqlstmt_lock *l = &locks[k];
			char *what;

			if (l->mode != AM_LOCK_ACCESS_EXCLUSIVE &&
			    l->mode != AM_LOCK_SHARE_ROW_EXCLUSIVE &&
			    l->mode != AM_LOCK_SHARE)
				continue;
			if (!l->index && !sql_existing(st, &l->rel))
				continue;
			what = l->index ? xasprintf("the table of index \"%s\"", l->index)
					: xasprintf("existing table \"%s\"", l->rel.name);
			am_sqlstmt_report(lint, rule, rule->severity, st,
					  "start the file with SET lock_timeout = '2s' (SET LOCAL "
					  "inside a transaction) and retry the migration when it "
					  "times out",
					  "statement takes %s %s lock on %s with no lock_timeout set "
					  "earlier in the file: while it waits, every query on the "
					  "table queues behind it",
					  l->mode == AM_LOCK_ACCESS_EXCLUSIVE ? "an" : "a",
					  am_lockmode_name(l->mode), what);
			free(what);
			free(locks);
			return 0;
		}
		free(locks);
	}
	return 0;
}
