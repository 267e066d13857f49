/* SPDX-License-Identifier: MIT */
/*
 * sqlops.c - what a parsed statement does to tables: which it creates,
 * which it locks and in which mode (PostgreSQL docs, "Explicit Locking"
 * and ALTER TABLE; reference/preflight.md §1), which it drops or renames.
 *
 * Shared by the SQL rules, argomig-preflight (tables a pending migration
 * touches) and the --base rules (contract steps). It reads trees made by
 * sqlfile.c and never reports anything itself.
 */
#include <stdlib.h>
#include <string.h>

#include "sqlfile.h"
#include "util.h"

/* Equal strings, or both NULL. */
static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

struct am_sqlcreated {
	struct am_sqlrel rel;
	size_t index;		/* the creating statement */
};

const char *am_lockmode_name(enum am_lockmode m)
{
	static const char *const names[] = {
		"", "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE",
		"SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE",
		"EXCLUSIVE", "ACCESS EXCLUSIVE",
	};

	return (size_t)m < AM_ARRAY_SIZE(names) ? names[m] : "";
}

struct am_sqlrel am_sqlrel_of(const struct am_sqlnode *rv)
{
	struct am_sqlrel r = { am_sqlnode_str(rv, "schemaname"),
			       am_sqlnode_str(rv, "relname") };

	return r;
}

bool am_sqlrel_eq(const struct am_sqlrel *a, const struct am_sqlrel *b)
{
	if (!a->name || !b->name || strcmp(a->name, b->name))
		return false;
	return !a->schema || !b->schema || !strcmp(a->schema, b->schema);
}

void am_sqlnode_walk(const struct am_sqlnode *node,
		     void (*fn)(const struct am_sqlnode *n, void *arg),
		     void *arg)
{
	const struct am_sqlnode *c;

	if (!node)
		return;
	fn(node, arg);
	for (c = node->child; c; c = c->next)
		am_sqlnode_walk(c, fn, arg);
}

/* ---- column definitions ----------------------------------------------- */

/* The last name of a String list ({"String": {"sval": ...}} items). */
static const char *last_name(const struct am_sqlnode *list)
{
	const struct am_sqlnode *c;
	const char *s = NULL;

	for (c = list ? list->child : NULL; c; c = c->next) {
		const struct am_sqlnode *str = am_sqlnode_as(c, "String");

		if (str)
			s = am_sqlnode_str(str, "sval");
	}
	return s;
}

static void find_volatile(const struct am_sqlnode *n, void *arg)
{
	static const char *const volatile_fns[] = {
		"random", "clock_timestamp", "gen_random_uuid", "nextval",
		"timeofday", "uuid_generate_v1", "uuid_generate_v1mc",
		"uuid_generate_v4", "random_normal", "setseed", "txid_current",
		NULL,
	};
	const struct am_sqlnode *call = am_sqlnode_as(n, "FuncCall");
	const char **found = arg;
	const char *name;
	size_t i;

	if (!call || *found)
		return;
	name = last_name(am_sqlnode_get(call, "funcname"));
	for (i = 0; name && volatile_fns[i]; i++)
		if (!strcmp(name, volatile_fns[i]))
			*found = volatile_fns[i];
}

bool am_sqlcoldef_is_serial(const struct am_sqlnode *coldef)
{
	static const char *const serials[] = {
		"serial", "serial2", "serial4", "serial8", "smallserial",
		"bigserial", NULL,
	};
	const char *type = last_name(am_sqlnode_get(
		am_sqlnode_get(coldef, "typeName"), "names"));
	size_t i;

	for (i = 0; type && serials[i]; i++)
		if (!strcmp(type, serials[i]))
			return true;
	return false;
}

const char *am_sqlcoldef_rewrite(const struct am_sqlnode *coldef,
				 int pg_version)
{
	const struct am_sqlnode *c;

	if (am_sqlcoldef_is_serial(coldef))
		return "a serial column's default calls nextval()";
	for (c = am_sqlnode_get(coldef, "constraints");
	     c && (c = c->child); c = NULL) {
		for (; c; c = c->next) {
			const struct am_sqlnode *k = am_sqlnode_as(c, "Constraint");
			const char *vol = NULL;

			if (am_sqlnode_is(k, "contype", "CONSTR_IDENTITY"))
				return "an identity column";
			if (am_sqlnode_is(k, "contype", "CONSTR_GENERATED"))
				return "a stored generated column";
			if (!am_sqlnode_is(k, "contype", "CONSTR_DEFAULT"))
				continue;
			if (pg_version < 11)
				return "a default before PostgreSQL 11";
			am_sqlnode_walk(am_sqlnode_get(k, "raw_expr"),
					find_volatile, &vol);
			if (vol)
				return "a volatile default";
		}
	}
	return NULL;
}

/* ---- locks ------------------------------------------------------------- */

struct locks {
	struct am_sqlstmt_lock *v;
	size_t n, alloc;
};

static void lock_add(struct locks *l, struct am_sqlrel rel, const char *index,
		     enum am_lockmode mode, bool risky, bool referenced)
{
	size_t i;

	if (!rel.name && !index)
		return;
	for (i = 0; i < l->n; i++) {
		struct am_sqlstmt_lock *o = &l->v[i];

		if (!same(o->index, index))
			continue;
		if (!index && !(same(o->rel.name, rel.name) &&
				same(o->rel.schema, rel.schema)))
			continue;
		if (mode > o->mode)
			o->mode = mode;
		o->risky |= risky;
		o->referenced &= referenced;
		return;
	}
	AM_GROW(l->v, l->alloc, l->n + 1);
	l->v[l->n].rel = rel;
	l->v[l->n].index = index;
	l->v[l->n].mode = mode;
	l->v[l->n].risky = risky;
	l->v[l->n].referenced = referenced;
	l->n++;
}

/* Foreign keys of a constraint list: SHARE ROW EXCLUSIVE on the referenced table. */
static void fk_locks(struct locks *l, const struct am_sqlnode *constraints,
		     bool risky)
{
	const struct am_sqlnode *c;

	for (c = constraints ? constraints->child : NULL; c; c = c->next) {
		const struct am_sqlnode *k = am_sqlnode_as(c, "Constraint");

		if (am_sqlnode_is(k, "contype", "CONSTR_FOREIGN"))
			lock_add(l, am_sqlrel_of(am_sqlnode_get(k, "pktable")),
				 NULL, AM_LOCK_SHARE_ROW_EXCLUSIVE,
				 risky && !am_sqlnode_bool(k, "skip_validation"),
				 true);
	}
}

static bool relopts_light(const struct am_sqlnode *defs)
{
	static const char *const light[] = {
		"fillfactor", "parallel_workers", "toast_tuple_target", NULL,
	};
	const struct am_sqlnode *c;

	for (c = defs ? defs->child : NULL; c; c = c->next) {
		const char *name = am_sqlnode_str(am_sqlnode_as(c, "DefElem"),
						  "defname");
		const char *space = am_sqlnode_str(am_sqlnode_as(c, "DefElem"),
						   "defnamespace");
		size_t i;
		bool ok = false;

		if (!name)
			return false;
		if (am_starts_with(name, "autovacuum_") ||
		    am_streq(space, "toast"))
			continue;
		for (i = 0; light[i]; i++)
			ok |= !strcmp(name, light[i]);
		if (!ok)
			return false;
	}
	return true;
}

/* The lock one ALTER TABLE subcommand takes on its table (docs table). */
static enum am_lockmode alter_cmd(struct locks *l, const struct am_sqlnode *cmd,
				  bool *risky)
{
	const char *sub = am_sqlnode_str(cmd, "subtype");
	const struct am_sqlnode *def = am_sqlnode_get(cmd, "def");

	if (!sub)
		return AM_LOCK_ACCESS_EXCLUSIVE;
	if (!strcmp(sub, "AT_AddColumn")) {
		const struct am_sqlnode *col = am_sqlnode_as(def, "ColumnDef");
		const struct am_sqlnode *c;

		*risky |= am_sqlcoldef_rewrite(col, 15) != NULL;
		for (c = am_sqlnode_get(col, "constraints");
		     c && (c = c->child); c = NULL)
			for (; c; c = c->next) {
				const struct am_sqlnode *k =
					am_sqlnode_as(c, "Constraint");

				*risky |= am_sqlnode_is(k, "contype", "CONSTR_UNIQUE") ||
					  am_sqlnode_is(k, "contype", "CONSTR_PRIMARY");
			}
		fk_locks(l, am_sqlnode_get(col, "constraints"), false);
		return AM_LOCK_ACCESS_EXCLUSIVE;
	}
	if (!strcmp(sub, "AT_SetNotNull") || !strcmp(sub, "AT_AlterColumnType") ||
	    !strcmp(sub, "AT_SetTableSpace") || !strcmp(sub, "AT_SetLogged") ||
	    !strcmp(sub, "AT_SetUnLogged") || !strcmp(sub, "AT_SetAccessMethod")) {
		*risky = true;
		return AM_LOCK_ACCESS_EXCLUSIVE;
	}
	if (!strcmp(sub, "AT_AddConstraint")) {
		const struct am_sqlnode *k = am_sqlnode_as(def, "Constraint");
		bool valid = !am_sqlnode_bool(k, "skip_validation");

		if (am_sqlnode_is(k, "contype", "CONSTR_FOREIGN")) {
			*risky |= valid;
			lock_add(l, am_sqlrel_of(am_sqlnode_get(k, "pktable")),
				 NULL, AM_LOCK_SHARE_ROW_EXCLUSIVE, valid, true);
			return AM_LOCK_SHARE_ROW_EXCLUSIVE;
		}
		if (am_sqlnode_is(k, "contype", "CONSTR_CHECK"))
			*risky |= valid;
		else if (am_sqlnode_is(k, "contype", "CONSTR_UNIQUE") ||
			 am_sqlnode_is(k, "contype", "CONSTR_PRIMARY"))
			*risky |= !am_sqlnode_get(k, "indexname");
		else if (am_sqlnode_is(k, "contype", "CONSTR_EXCLUSION"))
			*risky = true;
		return AM_LOCK_ACCESS_EXCLUSIVE;
	}
	if (!strcmp(sub, "AT_ValidateConstraint")) {
		*risky = true;
		return AM_LOCK_SHARE_UPDATE_EXCLUSIVE;
	}
	if (!strcmp(sub, "AT_SetStatistics") || !strcmp(sub, "AT_SetOptions") ||
	    !strcmp(sub, "AT_ResetOptions") || !strcmp(sub, "AT_ClusterOn") ||
	    !strcmp(sub, "AT_DropCluster") ||
	    !strcmp(sub, "AT_DetachPartitionFinalize"))
		return AM_LOCK_SHARE_UPDATE_EXCLUSIVE;
	if (!strcmp(sub, "AT_SetRelOptions") || !strcmp(sub, "AT_ResetRelOptions"))
		return relopts_light(def) ? AM_LOCK_SHARE_UPDATE_EXCLUSIVE
					  : AM_LOCK_ACCESS_EXCLUSIVE;
	if (am_starts_with(sub, "AT_EnableTrig") ||
	    am_starts_with(sub, "AT_DisableTrig") ||
	    am_starts_with(sub, "AT_EnableAlwaysTrig") ||
	    am_starts_with(sub, "AT_EnableReplicaTrig"))
		return AM_LOCK_SHARE_ROW_EXCLUSIVE;
	if (!strcmp(sub, "AT_AttachPartition")) {
		lock_add(l, am_sqlrel_of(am_sqlnode_get(
				    am_sqlnode_as(def, "PartitionCmd"), "name")),
			 NULL, AM_LOCK_ACCESS_EXCLUSIVE, true, false);
		return AM_LOCK_SHARE_UPDATE_EXCLUSIVE;
	}
	if (!strcmp(sub, "AT_DetachPartition")) {
		const struct am_sqlnode *pc = am_sqlnode_as(def, "PartitionCmd");
		bool conc = am_sqlnode_bool(pc, "concurrent");

		lock_add(l, am_sqlrel_of(am_sqlnode_get(pc, "name")), NULL,
			 AM_LOCK_ACCESS_EXCLUSIVE, false, false);
		return conc ? AM_LOCK_SHARE_UPDATE_EXCLUSIVE
			    : AM_LOCK_ACCESS_EXCLUSIVE;
	}
	return AM_LOCK_ACCESS_EXCLUSIVE;
}

static void alter_table(struct locks *l, const struct am_sqlnode *st)
{
	struct am_sqlrel rel = am_sqlrel_of(am_sqlnode_get(st, "relation"));
	enum am_lockmode mode = AM_LOCK_NONE;
	const struct am_sqlnode *c;
	bool risky = false;
	struct locks mine = { NULL, 0, 0 };
	size_t i;

	for (c = am_sqlnode_get(st, "cmds"); c && (c = c->child); c = NULL)
		for (; c; c = c->next) {
			enum am_lockmode m = alter_cmd(
				&mine, am_sqlnode_as(c, "AlterTableCmd"), &risky);

			if (m > mode)
				mode = m;
		}
	if (am_sqlnode_is(st, "objtype", "OBJECT_INDEX"))
		lock_add(l, (struct am_sqlrel){ NULL, NULL }, rel.name, mode,
			 risky, false);
	else
		lock_add(l, rel, NULL, mode, risky, false);
	for (i = 0; i < mine.n; i++)
		lock_add(l, mine.v[i].rel, mine.v[i].index, mine.v[i].mode,
			 mine.v[i].risky, mine.v[i].referenced);
	free(mine.v);
}

/* The names of a DROP object: a List of Strings, or a String. */
static struct am_sqlrel drop_name(const struct am_sqlnode *obj, bool trigger)
{
	const struct am_sqlnode *list = am_sqlnode_as(obj, "List");
	const struct am_sqlnode *items = am_sqlnode_get(list, "items");
	const char *parts[4] = { NULL, NULL, NULL, NULL };
	const struct am_sqlnode *c;
	size_t n = 0;
	struct am_sqlrel r = { NULL, NULL };

	if (!list) {
		r.name = am_sqlnode_str(am_sqlnode_as(obj, "String"), "sval");
		return r;
	}
	for (c = items ? items->child : NULL; c && n < 4; c = c->next)
		parts[n++] = am_sqlnode_str(am_sqlnode_as(c, "String"), "sval");
	if (trigger && n)
		n--;	/* the last part is the trigger's name */
	if (n >= 1)
		r.name = parts[n - 1];
	if (n >= 2)
		r.schema = parts[n - 2];
	return r;
}

static void drop(struct locks *l, const struct am_sqlnode *st)
{
	const char *type = am_sqlnode_str(st, "removeType");
	bool conc = am_sqlnode_bool(st, "concurrent");
	const struct am_sqlnode *c;

	if (!type)
		return;
	for (c = am_sqlnode_get(st, "objects"); c && (c = c->child); c = NULL)
		for (; c; c = c->next) {
			if (!strcmp(type, "OBJECT_INDEX")) {
				struct am_sqlrel r = drop_name(c, false);

				lock_add(l, (struct am_sqlrel){ NULL, NULL },
					 r.name,
					 conc ? AM_LOCK_SHARE_UPDATE_EXCLUSIVE
					      : AM_LOCK_ACCESS_EXCLUSIVE,
					 false, false);
			} else if (!strcmp(type, "OBJECT_TABLE") ||
				   !strcmp(type, "OBJECT_MATVIEW") ||
				   !strcmp(type, "OBJECT_VIEW") ||
				   !strcmp(type, "OBJECT_FOREIGN_TABLE")) {
				lock_add(l, drop_name(c, false), NULL,
					 AM_LOCK_ACCESS_EXCLUSIVE, false, false);
			} else if (!strcmp(type, "OBJECT_TRIGGER") ||
				   !strcmp(type, "OBJECT_RULE") ||
				   !strcmp(type, "OBJECT_POLICY")) {
				lock_add(l, drop_name(c, true), NULL,
					 AM_LOCK_ACCESS_EXCLUSIVE, false, false);
			}
		}
}

static void rel_list(struct locks *l, const struct am_sqlnode *list,
		     const char *wrapper, enum am_lockmode mode, bool risky)
{
	const struct am_sqlnode *c;

	for (c = list ? list->child : NULL; c; c = c->next) {
		const struct am_sqlnode *rv = am_sqlnode_as(c, wrapper);

		if (!strcmp(wrapper, "VacuumRelation"))
			rv = am_sqlnode_get(rv, "relation");
		lock_add(l, am_sqlrel_of(rv), NULL, mode, risky, false);
	}
}

static bool has_option(const struct am_sqlnode *params, const char *name)
{
	const struct am_sqlnode *c;

	for (c = params ? params->child : NULL; c; c = c->next)
		if (am_sqlnode_is(am_sqlnode_as(c, "DefElem"), "defname", name))
			return true;
	return false;
}

static void create_table(struct locks *l, const struct am_sqlnode *st)
{
	const struct am_sqlnode *c;

	for (c = am_sqlnode_get(st, "tableElts"); c && (c = c->child); c = NULL)
		for (; c; c = c->next) {
			const struct am_sqlnode *col = am_sqlnode_as(c, "ColumnDef");
			const struct am_sqlnode *k = am_sqlnode_as(c, "Constraint");

			if (col)
				fk_locks(l, am_sqlnode_get(col, "constraints"), false);
			else if (am_sqlnode_is(k, "contype", "CONSTR_FOREIGN"))
				lock_add(l, am_sqlrel_of(am_sqlnode_get(k, "pktable")),
					 NULL, AM_LOCK_SHARE_ROW_EXCLUSIVE, false, true);
		}
	fk_locks(l, am_sqlnode_get(st, "constraints"), false);
}

static void stmt_locks(struct locks *l, const struct am_sqlnode *tree)
{
	const char *type = am_sqlnode_type(tree);
	const struct am_sqlnode *st = tree ? tree->child : NULL;

	if (!type)
		return;
	if (!strcmp(type, "AlterTableStmt")) {
		alter_table(l, st);
	} else if (!strcmp(type, "IndexStmt")) {
		lock_add(l, am_sqlrel_of(am_sqlnode_get(st, "relation")), NULL,
			 am_sqlnode_bool(st, "concurrent")
				 ? AM_LOCK_SHARE_UPDATE_EXCLUSIVE
				 : AM_LOCK_SHARE,
			 true, false);
	} else if (!strcmp(type, "DropStmt")) {
		drop(l, st);
	} else if (!strcmp(type, "RenameStmt")) {
		struct am_sqlrel r = am_sqlrel_of(am_sqlnode_get(st, "relation"));

		if (am_sqlnode_is(st, "renameType", "OBJECT_INDEX"))
			lock_add(l, (struct am_sqlrel){ NULL, NULL }, r.name,
				 AM_LOCK_ACCESS_EXCLUSIVE, false, false);
		else
			lock_add(l, r, NULL, AM_LOCK_ACCESS_EXCLUSIVE, false, false);
	} else if (!strcmp(type, "CreateStmt")) {
		create_table(l, st);
	} else if (!strcmp(type, "CreateTrigStmt")) {
		lock_add(l, am_sqlrel_of(am_sqlnode_get(st, "relation")), NULL,
			 AM_LOCK_SHARE_ROW_EXCLUSIVE, false, false);
	} else if (!strcmp(type, "RuleStmt") ||
		   !strcmp(type, "CreatePolicyStmt") ||
		   !strcmp(type, "AlterPolicyStmt")) {
		lock_add(l, am_sqlrel_of(am_sqlnode_get(st, "relation")) , NULL,
			 AM_LOCK_ACCESS_EXCLUSIVE, false, false);
		lock_add(l, am_sqlrel_of(am_sqlnode_get(st, "table")), NULL,
			 AM_LOCK_ACCESS_EXCLUSIVE, false, false);
	} else if (!strcmp(type, "TruncateStmt")) {
		rel_list(l, am_sqlnode_get(st, "relations"), "RangeVar",
			 AM_LOCK_ACCESS_EXCLUSIVE, false);
	} else if (!strcmp(type, "LockStmt")) {
		long long mode = am_sqlnode_int(st, "mode");

		if (mode < AM_LOCK_ACCESS_SHARE || mode > AM_LOCK_ACCESS_EXCLUSIVE)
			mode = AM_LOCK_ACCESS_EXCLUSIVE;
		rel_list(l, am_sqlnode_get(st, "relations"), "RangeVar",
			 (enum am_lockmode)mode, false);
	} else if (!strcmp(type, "ClusterStmt")) {
		lock_add(l, am_sqlrel_of(am_sqlnode_get(st, "relation")), NULL,
			 AM_LOCK_ACCESS_EXCLUSIVE, true, false);
	} else if (!strcmp(type, "VacuumStmt")) {
		bool full = has_option(am_sqlnode_get(st, "options"), "full");

		rel_list(l, am_sqlnode_get(st, "rels"), "VacuumRelation",
			 full ? AM_LOCK_ACCESS_EXCLUSIVE
			      : AM_LOCK_SHARE_UPDATE_EXCLUSIVE,
			 full);
	} else if (!strcmp(type, "ReindexStmt")) {
		bool conc = has_option(am_sqlnode_get(st, "params"), "concurrently");
		struct am_sqlrel r = am_sqlrel_of(am_sqlnode_get(st, "relation"));
		enum am_lockmode m = conc ? AM_LOCK_SHARE_UPDATE_EXCLUSIVE
					  : AM_LOCK_ACCESS_EXCLUSIVE;

		if (am_sqlnode_is(st, "kind", "REINDEX_OBJECT_INDEX"))
			lock_add(l, (struct am_sqlrel){ NULL, NULL }, r.name, m,
				 true, false);
		else if (am_sqlnode_is(st, "kind", "REINDEX_OBJECT_TABLE"))
			lock_add(l, r, NULL, m, true, false);
	} else if (!strcmp(type, "RefreshMatViewStmt")) {
		lock_add(l, am_sqlrel_of(am_sqlnode_get(st, "relation")), NULL,
			 am_sqlnode_bool(st, "concurrent") ? AM_LOCK_EXCLUSIVE
							    : AM_LOCK_ACCESS_EXCLUSIVE,
			 true, false);
	} else if (!strcmp(type, "UpdateStmt") || !strcmp(type, "DeleteStmt")) {
		lock_add(l, am_sqlrel_of(am_sqlnode_get(st, "relation")), NULL,
			 AM_LOCK_ROW_EXCLUSIVE,
			 !am_sqlnode_get(st, "whereClause"), false);
	} else if (!strcmp(type, "InsertStmt") || !strcmp(type, "MergeStmt")) {
		lock_add(l, am_sqlrel_of(am_sqlnode_get(st, "relation")), NULL,
			 AM_LOCK_ROW_EXCLUSIVE, false, false);
	}
}

void am_sqlstmt_locks(const struct am_sqlstmt *s, struct am_sqlstmt_lock **out,
		      size_t *n)
{
	struct locks l = { NULL, 0, 0 };

	stmt_locks(&l, am_sqlstmt_tree(s));
	*out = l.v;
	*n = l.n;
}

/* ---- creations --------------------------------------------------------- */

bool am_sqlstmt_creates(const struct am_sqlstmt *s, struct am_sqlrel *rel)
{
	const struct am_sqlnode *tree, *st, *into;

	if (s->lead != AM_LEAD_CREATE_TABLE && s->lead != AM_LEAD_OTHER &&
	    s->lead != AM_LEAD_SELECT)
		return false;
	tree = s->lead == AM_LEAD_CREATE_TABLE ? am_sqlstmt_head(s)
					       : am_sqlstmt_tree(s);
	if ((st = am_sqlnode_as(tree, "CreateStmt"))) {
		*rel = am_sqlrel_of(am_sqlnode_get(st, "relation"));
		return rel->name != NULL;
	}
	if ((st = am_sqlnode_as(tree, "CreateTableAsStmt")))
		into = am_sqlnode_get(st, "into");
	else if ((st = am_sqlnode_as(tree, "SelectStmt")))
		into = am_sqlnode_get(st, "intoClause");
	else
		return false;
	*rel = am_sqlrel_of(am_sqlnode_get(into, "rel"));
	return rel->name != NULL;
}

bool am_sqlfile_created_before(const struct am_sqlfile *cf, size_t index,
			       const struct am_sqlrel *rel)
{
	/* A cache: the file is logically unchanged. */
	struct am_sqlfile *f = (struct am_sqlfile *)cf;
	size_t i;

	while (f->created_upto < index && f->created_upto < f->nstmts) {
		struct am_sqlrel r;

		if (am_sqlstmt_creates(&f->stmts[f->created_upto], &r)) {
			AM_GROW(f->created, f->created_alloc, f->ncreated + 1);
			f->created[f->ncreated].rel = r;
			f->created[f->ncreated].index = f->created_upto;
			f->ncreated++;
		}
		f->created_upto++;
	}
	for (i = 0; i < f->ncreated && f->created[i].index < index; i++)
		if (am_sqlrel_eq(&f->created[i].rel, rel))
			return true;
	return false;
}

/* ---- drops and renames (contract steps) ---------------------------------- */

static void change_add(struct am_sqlchange **v, size_t *n, size_t *alloc,
		       enum am_sqlchange_kind kind, const struct am_sqlrel *rel,
		       const char *column, const char *new_name,
		       const struct am_sqlstmt *s)
{
	struct am_sqlchange *c;

	if (!rel->name)
		return;
	AM_GROW(*v, *alloc, *n + 1);
	c = &(*v)[(*n)++];
	c->kind = kind;
	c->schema = rel->schema ? xstrdup(rel->schema) : NULL;
	c->table = xstrdup(rel->name);
	c->column = column ? xstrdup(column) : NULL;
	c->new_name = new_name ? xstrdup(new_name) : NULL;
	c->line = s->line;
	c->col = s->col;
}

int am_sqlfile_changes(const struct am_sqlfile *f, struct am_sqlchange **out,
		       size_t *n)
{
	struct am_sqlchange *v = NULL;
	size_t nr = 0, alloc = 0, i;

	for (i = 0; i < f->nstmts; i++) {
		const struct am_sqlstmt *s = &f->stmts[i];
		const struct am_sqlnode *tree, *st, *c;

		if (s->lead != AM_LEAD_ALTER && s->lead != AM_LEAD_DROP &&
		    s->lead != AM_LEAD_OTHER)
			continue;
		tree = am_sqlstmt_tree(s);
		if ((st = am_sqlnode_as(tree, "DropStmt")) &&
		    am_sqlnode_is(st, "removeType", "OBJECT_TABLE")) {
			for (c = am_sqlnode_get(st, "objects");
			     c && (c = c->child); c = NULL)
				for (; c; c = c->next) {
					struct am_sqlrel r = drop_name(c, false);

					change_add(&v, &nr, &alloc,
						   AM_SQLCHANGE_DROP_TABLE, &r,
						   NULL, NULL, s);
				}
		} else if ((st = am_sqlnode_as(tree, "RenameStmt"))) {
			struct am_sqlrel r =
				am_sqlrel_of(am_sqlnode_get(st, "relation"));
			const char *nn = am_sqlnode_str(st, "newname");

			if (am_sqlnode_is(st, "renameType", "OBJECT_TABLE"))
				change_add(&v, &nr, &alloc,
					   AM_SQLCHANGE_RENAME_TABLE, &r, NULL,
					   nn, s);
			else if (am_sqlnode_is(st, "renameType", "OBJECT_COLUMN") &&
				 am_sqlnode_is(st, "relationType", "OBJECT_TABLE"))
				change_add(&v, &nr, &alloc,
					   AM_SQLCHANGE_RENAME_COLUMN, &r,
					   am_sqlnode_str(st, "subname"), nn, s);
		} else if ((st = am_sqlnode_as(tree, "AlterTableStmt")) &&
			   am_sqlnode_is(st, "objtype", "OBJECT_TABLE")) {
			struct am_sqlrel r =
				am_sqlrel_of(am_sqlnode_get(st, "relation"));

			for (c = am_sqlnode_get(st, "cmds");
			     c && (c = c->child); c = NULL)
				for (; c; c = c->next) {
					const struct am_sqlnode *cmd =
						am_sqlnode_as(c, "AlterTableCmd");

					if (am_sqlnode_is(cmd, "subtype",
							  "AT_DropColumn"))
						change_add(&v, &nr, &alloc,
							   AM_SQLCHANGE_DROP_COLUMN,
							   &r,
							   am_sqlnode_str(cmd, "name"),
							   NULL, s);
				}
		}
	}
	*out = v;
	*n = nr;
	return 0;
}

void am_sqlchanges_free(struct am_sqlchange *c, size_t n)
{
	size_t i;

	for (i = 0; c && i < n; i++) {
		free(c[i].schema);
		free(c[i].table);
		free(c[i].column);
		free(c[i].new_name);
	}
	free(c);
}

/* ---- tables a migration touches (preflight) ----------------------------- */

int am_sqlfile_table_locks(const struct am_sqlfile *f,
			   struct am_sqltable_lock **out, size_t *n)
{
	struct am_sqltable_lock *v = NULL;
	size_t nr = 0, alloc = 0, i, j, k;

	for (i = 0; i < f->nstmts; i++) {
		const struct am_sqlstmt *s = &f->stmts[i];
		struct am_sqlstmt_lock *locks;
		size_t nl;

		am_sqlstmt_locks(s, &locks, &nl);
		for (j = 0; j < nl; j++) {
			struct am_sqlstmt_lock *l = &locks[j];
			struct am_sqltable_lock *t = NULL;

			if (!l->rel.name)
				continue;	/* an index: its table is unknown */
			for (k = 0; k < nr && !t; k++)
				if (!strcmp(v[k].table, l->rel.name) &&
				    same(v[k].schema, l->rel.schema))
					t = &v[k];
			if (!t) {
				AM_GROW(v, alloc, nr + 1);
				t = &v[nr++];
				memset(t, 0, sizeof(*t));
				t->schema = l->rel.schema ? xstrdup(l->rel.schema)
							  : NULL;
				t->table = xstrdup(l->rel.name);
				t->created = am_sqlfile_created_before(f, i, &l->rel);
			}
			if (l->mode > t->mode) {
				t->mode = l->mode;
				t->line = s->line;
				t->col = s->col;
			}
			t->risky |= l->risky;
		}
		free(locks);
	}
	*out = v;
	*n = nr;
	return 0;
}

void am_sqltable_locks_free(struct am_sqltable_lock *t, size_t n)
{
	size_t i;

	for (i = 0; t && i < n; i++) {
		free(t[i].schema);
		free(t[i].table);
	}
	free(t);
}
