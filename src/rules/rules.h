/* SPDX-License-Identifier: MIT */
/*
 * rules.h - the rule registry: one row per rule in k8s.def and sql.def.
 *
 * The .def files are X-macro lists that generate the check prototypes,
 * the registry table and `argomig rules`, so they cannot drift. Each list
 * is sorted by id (a unit test checks it) and ids are never reused.
 *
 *   AM_RULE(id, TARGET, SEVERITY, check_fn, summary)
 *	a rule with a check function, called once per subject of TARGET;
 *   AM_RULE_BUILTIN(id, SEVERITY, summary)
 *	a rule whose findings a module produces itself (the YAML loader for
 *	invalid-yaml, the SQL parser for sql-syntax-error, the git module
 *	for the --base rules).
 *
 * Adding a rule: a row in the right .def file (sorted), the check in
 * src/rules/<family>.c, docs/rules/<id>.md (why, bad, good), and
 * tests/rules/<id>/ with bad.*, good.* and expected.txt.
 */
#ifndef AM_RULES_H
#define AM_RULES_H

#include <stddef.h>

#include "diag.h"

enum am_target {
	AM_TARGET_BUILTIN,	/* findings made by a module, no check function */
	AM_TARGET_OBJECT,	/* one Kubernetes object (struct am_object) */
	AM_TARGET_OBJSET,	/* all objects of one input (struct am_objset) */
	AM_TARGET_SQLSTMT,	/* one SQL statement, with its file's state */
	AM_TARGET_SQLFILE,	/* one SQL migration file */
	AM_TARGET_MIGDIR,	/* one migration directory */
};

struct am_lint;
struct am_object;
struct am_objset;
struct am_sqlfile;
struct am_sqlstmt;
struct am_migdir;

/* What a check looks at; only the members its target names are set. */
struct am_subject {
	const struct am_object *obj;
	const struct am_objset *set;
	const struct am_sqlfile *file;
	const struct am_sqlstmt *stmt;
	const struct am_migdir *dir;
	size_t index;	/* SQLFILE, SQLSTMT: 'file' is dir->files[index] */
};

struct am_rule;

/*
 * A check reports zero or more findings through am_lint_report() and
 * returns 0. It returns a negative AM_E* code only if it could not run
 * at all: "the input violates the rule" is a finding, never an error.
 */
typedef int am_check_fn(const struct am_rule *rule, struct am_lint *lint,
			const struct am_subject *s);

struct am_rule {
	const char *id;			/* stable kebab-case id */
	enum am_target target;
	enum am_severity severity;	/* default; variants are in the rule */
	am_check_fn *check;		/* NULL for AM_TARGET_BUILTIN */
	const char *summary;		/* one line, lower case, no period */
};

size_t am_rules_count(void);
/* Borrowed; the registry is static. */
const struct am_rule *am_rule_at(size_t i);
/* The rule with this id, or NULL. */
const struct am_rule *am_rule_find(const char *id);
/* The rule's documentation (docs/rules/<id>.md, built in), or NULL. */
const char *am_rule_doc(const char *id);

#endif
