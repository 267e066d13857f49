/* SPDX-License-Identifier: MIT */
/*
 * sql_rules.h - small helpers shared by the SQL rule files
 * (src/rules/sql_*.c): statement bodies by type, ALTER TABLE
 * subcommands, "existing table" (RULES.md: not created earlier in the
 * same file) and names for messages.
 */
#ifndef AM_SQL_RULES_H
#define AM_SQL_RULES_H

#include <stdbool.h>

#include "lint.h"
#include "sqlfile.h"
#include "sqllint.h"

/* Prototypes of the SQL checks, from the rule list. */
#define AM_RULE(id, tgt, sev, fn, summary) am_check_fn fn;
#define AM_RULE_BUILTIN(id, sev, summary)
#include "rules/sql.def"
#undef AM_RULE
#undef AM_RULE_BUILTIN

/* The body of statement 's' if it is a 'type' node (parses it). */
static inline const struct am_sqlnode *sql_body(const struct am_sqlstmt *s,
						const char *type)
{
	if (s->lead == AM_LEAD_INERT)
		return NULL;
	return am_sqlnode_as(am_sqlstmt_tree(s), type);
}

/* ALTER TABLE statement body (objtype OBJECT_TABLE), or NULL. */
static inline const struct am_sqlnode *sql_alter_table(const struct am_sqlstmt *s)
{
	const struct am_sqlnode *st;

	if (s->lead != AM_LEAD_ALTER)
		return NULL;
	st = sql_body(s, "AlterTableStmt");
	return am_sqlnode_is(st, "objtype", "OBJECT_TABLE") ? st : NULL;
}

/* First subcommand of an ALTER TABLE body; walk with sql_cmd_next(). */
static inline const struct am_sqlnode *sql_cmd_first(const struct am_sqlnode *st)
{
	const struct am_sqlnode *cmds = am_sqlnode_get(st, "cmds");

	return cmds ? cmds->child : NULL;
}

/* The AlterTableCmd body of a cmds element. */
static inline const struct am_sqlnode *sql_cmd(const struct am_sqlnode *c)
{
	return am_sqlnode_as(c, "AlterTableCmd");
}

/* True if 'rel' exists before statement 's' (was not created in its file). */
static inline bool sql_existing(const struct am_sqlstmt *s,
				const struct am_sqlrel *rel)
{
	return rel->name && !am_sqlfile_created_before(s->file, s->index, rel);
}

#endif
