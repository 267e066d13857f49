/* SPDX-License-Identifier: MIT */
/*
 * sql_constraints.c - constraints that scan or index an existing table
 * while holding a lock that blocks it: FOREIGN KEY and CHECK without
 * NOT VALID (or validated in the same transaction), UNIQUE and PRIMARY
 * KEY without USING INDEX.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/sql_rules.h"
#include "util.h"

struct not_valid {
	struct am_sqlrel rel;
	const char *name;
	size_t index;
};

/* True if statements i..j all run inside one explicit BEGIN ... COMMIT. */
static bool same_block(const struct am_migfile *mf, size_t i, size_t j)
{
	size_t k;

	for (k = i; k <= j; k++)
		if (!mf->in_txn[k])
			return false;
	return true;
}

/* What rule_sql_constraint_not_valid has seen so far in one file. */
struct validations {
	const struct am_rule *rule;
	struct am_lint *lint;
	const struct am_migfile *mf;
	struct not_valid *nv;	/* constraints added NOT VALID, in order */
	size_t nnv;
	int file_txn;		/* the file runs in one transaction; -1 unknown */
};

/*
 * Statement i validates constraint 'name' of 'rel': a warning when it was
 * added NOT VALID in the same transaction (the same BEGIN ... COMMIT, or
 * a file the runner wraps in one).
 */
static void check_validate(struct validations *vs, const struct am_sqlstmt *st,
			   size_t i, const struct am_sqlrel *rel,
			   const char *name)
{
	size_t k;

	for (k = 0; name && k < vs->nnv; k++) {
		if (strcmp(vs->nv[k].name, name) ||
		    !am_sqlrel_eq(&vs->nv[k].rel, rel))
			continue;
		if (!same_block(vs->mf, vs->nv[k].index, i)) {
			if (vs->file_txn < 0)
				vs->file_txn = am_migfile_in_transaction(
					vs->mf, vs->lint->pg_version);
			if (!vs->file_txn)
				continue;
		}
		am_sqlstmt_report(
			vs->lint, vs->rule, AM_SEV_WARNING, st,
			"run VALIDATE CONSTRAINT in a later migration of its own "
			"(or a Flyway file with executeInTransaction=false)",
			"constraint \"%s\" is validated in the transaction that "
			"added it NOT VALID: the ADD CONSTRAINT lock is held during "
			"the whole scan",
			name);
	}
}

int rule_sql_constraint_not_valid(const struct am_rule *rule,
				  struct am_lint *lint,
				  const struct am_subject *s)
{
	const struct am_sqlfile *f = s->file;
	struct validations vs = { rule, lint, am_migdir_current(s), NULL, 0, -1 };
	size_t anv = 0, i;

	for (i = 0; i < f->nstmts; i++) {
		const struct am_sqlstmt *st = &f->stmts[i];
		const struct am_sqlnode *body = st->bad ? NULL : sql_alter_table(st), *c;
		struct am_sqlrel rel = am_sqlrel_of(am_sqlnode_get(body, "relation"));

		for (c = sql_cmd_first(body); c; c = c->next) {
			const struct am_sqlnode *cmd = sql_cmd(c);
			const struct am_sqlnode *con = am_sqlnode_as(
				am_sqlnode_get(cmd, "def"), "Constraint");
			const char *name;

			if (am_sqlnode_is(cmd, "subtype", "AT_ValidateConstraint")) {
				check_validate(&vs, st, i, &rel,
					       am_sqlnode_str(cmd, "name"));
				continue;
			}
			if (!am_sqlnode_is(cmd, "subtype", "AT_AddConstraint") ||
			    !(am_sqlnode_is(con, "contype", "CONSTR_FOREIGN") ||
			      am_sqlnode_is(con, "contype", "CONSTR_CHECK")) ||
			    !sql_existing(st, &rel))
				continue;
			name = am_sqlnode_str(con, "conname");
			if (am_sqlnode_bool(con, "skip_validation")) {
				if (!name)
					continue;
				AM_GROW(vs.nv, anv, vs.nnv + 1);
				vs.nv[vs.nnv].rel = rel;
				vs.nv[vs.nnv].name = name;
				vs.nv[vs.nnv].index = i;
				vs.nnv++;
				continue;
			}
			am_sqlstmt_report(lint, rule, rule->severity, st,
					  "add it with NOT VALID, then run VALIDATE CONSTRAINT in a "
					  "later migration (it only takes SHARE UPDATE EXCLUSIVE)",
					  "%s constraint %s%s%son existing table \"%s\" is added without "
					  "NOT VALID: the table is scanned while writes are blocked",
					  am_sqlnode_is(con, "contype", "CONSTR_FOREIGN") ? "foreign key"
											  : "check",
					  name ? "\"" : "", name ? name : "", name ? "\" " : "",
					  rel.name);
		}
	}
	free(vs.nv);
	return 0;
}

int rule_sql_unique_constraint(const struct am_rule *rule, struct am_lint *lint,
			       const struct am_subject *s)
{
	const struct am_sqlnode *st = sql_alter_table(s->stmt), *c;
	struct am_sqlrel rel = am_sqlrel_of(am_sqlnode_get(st, "relation"));

	for (c = sql_cmd_first(st); c; c = c->next) {
		const struct am_sqlnode *cmd = sql_cmd(c);
		const struct am_sqlnode *con = am_sqlnode_as(am_sqlnode_get(cmd, "def"),
							     "Constraint");
		const char *name = am_sqlnode_str(con, "conname");
		bool pk = am_sqlnode_is(con, "contype", "CONSTR_PRIMARY");

		if (!am_sqlnode_is(cmd, "subtype", "AT_AddConstraint") ||
		    !(pk || am_sqlnode_is(con, "contype", "CONSTR_UNIQUE")) ||
		    am_sqlnode_get(con, "indexname") || !sql_existing(s->stmt, &rel))
			continue;
		am_sqlstmt_report(lint, rule, rule->severity, s->stmt,
				  "build the index first with CREATE UNIQUE INDEX CONCURRENTLY "
				  "(its own migration), then ADD CONSTRAINT ... UNIQUE USING INDEX "
				  "(or PRIMARY KEY USING INDEX)",
				  "%s %s%s%son existing table \"%s\" builds its index under ACCESS "
				  "EXCLUSIVE, blocking reads and writes",
				  pk ? "primary key" : "unique constraint",
				  name ? "\"" : "", name ? name : "", name ? "\" " : "", rel.name);
	}
	return 0;
}
