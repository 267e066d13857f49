/* SPDX-License-Identifier: MIT */
/*
 * report.c - from check results to a verdict and its three renderings:
 * the human report (one line per check: id, status, message with its
 * evidence, and what to do), the JSON document, and the short
 * termination message Kubernetes shows for the pod.
 *
 * Verdict: a configuration error is exit 4, anything that needs a person
 * exit 3, a condition that may clear by itself exit 75, otherwise go
 * (warnings allowed). Builds strings and JSON; never prints.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "preflight/preflight.h"
#include "util.h"

static const char *const status_names[] = {
	[AM_PF_NOTRUN] = "not-run",
	[AM_PF_PASS] = "pass",
	[AM_PF_SKIP] = "skip",
	[AM_PF_WARN] = "warn",
	[AM_PF_RETRY] = "retry",
	[AM_PF_FAIL] = "fail",
	[AM_PF_CONFIG] = "error",
};

static const char *const class_names[] = {
	[AM_PF_CLASS_CONFIG] = "config",
	[AM_PF_CLASS_FATAL] = "fatal",
	[AM_PF_CLASS_RETRY] = "retryable",
	[AM_PF_CLASS_WARN] = "warning",
};

const char *am_pf_status_name(enum am_pf_status st)
{
	return status_names[st];
}

const char *am_pf_tool_name(enum am_pf_tool t)
{
	switch (t) {
	case AM_PF_TOOL_FLYWAY:
		return "flyway";
	case AM_PF_TOOL_MIGRATE:
		return "golang-migrate";
	case AM_PF_TOOL_LIQUIBASE:
		return "liquibase";
	case AM_PF_TOOL_NONE:
		break;
	}
	return "none";
}

void am_pf_verdict(const struct am_pf *pf, struct am_pf_verdict *v)
{
	bool config = false, fail = false, retry = false;
	size_t i;

	for (i = 0; i < am_pf_nchecks; i++) {
		switch (pf->res[i].status) {
		case AM_PF_CONFIG:
			config = true;
			break;
		case AM_PF_FAIL:
			fail = true;
			break;
		case AM_PF_RETRY:
			retry = true;
			break;
		default:
			break;
		}
	}
	if (config) {
		v->word = "no-go";
		v->exit_code = AM_PF_EXIT_CONFIG;
	} else if (fail) {
		v->word = "no-go";
		v->exit_code = AM_PF_EXIT_NOGO;
	} else if (retry) {
		v->word = "retry";
		v->exit_code = AM_PF_EXIT_RETRY;
	} else {
		v->word = "go";
		v->exit_code = AM_PF_EXIT_GO;
	}
}

static bool shows_action(enum am_pf_status st)
{
	return st == AM_PF_WARN || st == AM_PF_RETRY || st == AM_PF_FAIL ||
	       st == AM_PF_CONFIG;
}

char *am_pf_report_line(const struct am_pf *pf, size_t i)
{
	const struct am_pf_result *r = &pf->res[i];

	if (r->action && shows_action(r->status))
		return xasprintf("%s %-5s %s -- %s", am_pf_checks[i].id,
				 am_pf_status_name(r->status), r->message,
				 r->action);
	return xasprintf("%s %-5s %s", am_pf_checks[i].id,
			 am_pf_status_name(r->status), r->message);
}

static size_t npending(const struct am_pf *pf)
{
	size_t i, n = 0;

	for (i = 0; i < pf->nmigs; i++)
		n += pf->migs[i].pending;
	return n;
}

static void add_tables(struct am_buf *b, const struct am_pf *pf,
		       const struct am_pf_migration *m)
{
	size_t i, j;
	const char *name;

	if (!m->ntables) {
		am_buf_adds(b, m->parse_error ? "tables unknown" : "no existing table");
	}
	for (i = 0; i < m->ntables; i++) {
		name = NULL;
		/* the resolved "schema.table" when the table exists */
		for (j = 0; j < pf->ntargets; j++)
			if (!strcmp(pf->targets[j].name, m->tables[i].name) &&
			    (pf->targets[j].schema == m->tables[i].schema ||
			     am_streq(pf->targets[j].schema, m->tables[i].schema)))
				name = pf->targets[j].display;
		am_buf_addf(b, "%s%s %s", i ? ", " : "",
			    name ? name : m->tables[i].name,
			    am_pf_lock_name(m->tables[i].lock));
	}
	if (m->parse_error)
		am_buf_addf(b, " (%s)", m->parse_error);
}

static void add_counts(struct am_buf *b, const struct am_pf *pf)
{
	size_t i, warn = 0;

	for (i = 0; i < am_pf_nchecks; i++)
		warn += pf->res[i].status == AM_PF_WARN;
	am_buf_addf(b, "%zu pending migration(s), %zu warning(s)", npending(pf),
		    warn);
}

/* "S07, S02" for results in 'st'. */
static void add_ids(struct am_buf *b, const struct am_pf *pf,
		    enum am_pf_status st)
{
	size_t i;
	bool first = true;

	for (i = 0; i < am_pf_nchecks; i++) {
		if (pf->res[i].status != st)
			continue;
		am_buf_addf(b, "%s%s", first ? "" : ", ", am_pf_checks[i].id);
		first = false;
	}
}

char *am_pf_report_text(const struct am_pf *pf)
{
	struct am_buf b = AM_BUF_INIT;
	struct am_pf_verdict v;
	char *line;
	size_t i;

	am_pf_verdict(pf, &v);
	am_buf_addf(&b, "argomig-preflight: %s", am_pf_tool_name(pf->o->tool));
	if (pf->o->migrations && !pf->migs_error)
		am_buf_addf(&b, ", %zu migration file(s) in %s", pf->nmigs,
			    pf->o->migrations);
	if (pf->identified)
		am_buf_addf(&b, "; database \"%s\" as \"%s\"", pf->database,
			    pf->user);
	am_buf_addch(&b, '\n');
	for (i = 0; i < am_pf_nchecks; i++) {
		if (pf->res[i].status == AM_PF_NOTRUN)
			continue;
		line = am_pf_report_line(pf, i);
		am_buf_addf(&b, "%s\n", line);
		free(line);
	}
	if (pf->hist.loaded && pf->nmigs) {
		am_buf_addf(&b, "pending: %zu of %zu migration(s)", npending(pf),
			    pf->nmigs);
		if (pf->hist.current && *pf->hist.current)
			am_buf_addf(&b, " after version %s", pf->hist.current);
		am_buf_addch(&b, '\n');
		for (i = 0; i < pf->nmigs; i++) {
			const struct am_pf_migration *m = &pf->migs[i];

			if (!m->pending)
				continue;
			am_buf_addf(&b, "  %s %s: ", m->version ? m->version : "R",
				    m->script);
			add_tables(&b, pf, m);
			am_buf_addch(&b, '\n');
		}
	}
	am_buf_addf(&b, "argomig-preflight: verdict %s (exit %d): ", v.word,
		    v.exit_code);
	switch (v.exit_code) {
	case AM_PF_EXIT_GO:
		add_counts(&b, pf);
		break;
	case AM_PF_EXIT_CONFIG:
		am_buf_adds(&b, "configuration error in ");
		add_ids(&b, pf, AM_PF_CONFIG);
		break;
	case AM_PF_EXIT_NOGO:
		am_buf_adds(&b, "needs a person: ");
		add_ids(&b, pf, AM_PF_FAIL);
		break;
	default:
		am_buf_addf(&b, "still not safe after %lds (%d connection attempt(s), %d pass(es)): ",
			    (pf->elapsed_ms + 500) / 1000, pf->attempts,
			    pf->passes);
		add_ids(&b, pf, AM_PF_RETRY);
		break;
	}
	am_buf_addch(&b, '\n');
	return am_buf_detach(&b);
}

/* Copies 'v' with every string scrubbed. */
static json_t *scrub_json(json_t *v, const struct am_scrub *secrets)
{
	json_t *out, *x;
	const char *key;
	char *s;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_STRING:
		s = am_scrub(secrets, json_string_value(v));
		out = json_string(s);
		free(s);
		return out ? out : json_string("");
	case JSON_OBJECT:
		out = json_object();
		json_object_foreach(v, key, x)
			json_object_set_new(out, key, scrub_json(x, secrets));
		return out;
	case JSON_ARRAY:
		out = json_array();
		json_array_foreach(v, i, x)
			json_array_append_new(out, scrub_json(x, secrets));
		return out;
	default:
		return json_incref(v);
	}
}

static json_t *pending_json(const struct am_pf *pf)
{
	json_t *arr = json_array(), *m, *tables;
	size_t i, j;

	for (i = 0; i < pf->nmigs; i++) {
		const struct am_pf_migration *p = &pf->migs[i];

		if (!p->pending)
			continue;
		tables = json_array();
		for (j = 0; j < p->ntables; j++)
			json_array_append_new(tables,
				json_pack("{s:s?, s:s, s:s, s:b}", "schema",
					  p->tables[j].schema, "table",
					  p->tables[j].name, "lock",
					  am_pf_lock_name(p->tables[j].lock),
					  "risky", p->tables[j].risky));
		m = json_pack("{s:s?, s:s, s:s, s:o}", "version", p->version,
			      "description", p->description, "script", p->script,
			      "tables", tables);
		if (pf->o->tool == AM_PF_TOOL_FLYWAY)
			json_object_set_new(m, "checksum",
					    json_integer(p->checksum));
		if (p->parse_error)
			json_object_set_new(m, "error", json_string(p->parse_error));
		json_array_append_new(arr, m);
	}
	return arr;
}

json_t *am_pf_report_json(const struct am_pf *pf,
			  const struct am_scrub *secrets)
{
	struct am_pf_verdict v;
	json_t *doc, *checks, *c, *out, *db = json_null(), *hist = json_null();
	size_t i;

	am_pf_verdict(pf, &v);
	checks = json_array();
	for (i = 0; i < am_pf_nchecks; i++) {
		const struct am_pf_result *r = &pf->res[i];

		if (r->status == AM_PF_NOTRUN)
			continue;
		c = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id",
			      am_pf_checks[i].id, "title", am_pf_checks[i].title,
			      "class", class_names[am_pf_checks[i].cls],
			      "status", am_pf_status_name(r->status),
			      "message", r->message);
		json_object_set_new(c, "evidence",
				    r->evidence ? json_incref(r->evidence)
						: json_object());
		json_object_set_new(c, "action",
				    r->action && shows_action(r->status)
					    ? json_string(r->action)
					    : json_null());
		json_array_append_new(checks, c);
	}
	if (pf->identified)
		db = json_pack("{s:s, s:s, s:s?, s:i, s:b}", "database",
			       pf->database, "user", pf->user, "server_version",
			       pf->server_version, "server_version_num",
			       pf->server_version_num, "in_recovery",
			       pf->in_recovery);
	if (pf->hist.loaded && pf->o->tool != AM_PF_TOOL_NONE)
		hist = json_pack("{s:s, s:s, s:b, s:s?}", "schema",
				 pf->hist.schema, "table", pf->hist.table,
				 "exists", pf->hist.exists, "current_version",
				 pf->hist.current && *pf->hist.current
					 ? pf->hist.current : NULL);
	doc = json_pack("{s:i, s:s, s:i, s:s, s:o, s:o, s:o, s:o, s:i, s:i, s:I}",
			"version", 1, "verdict", v.word, "exit_code",
			v.exit_code, "tool", am_pf_tool_name(pf->o->tool),
			"server", db, "history", hist, "checks", checks,
			"pending", pending_json(pf), "attempts", pf->attempts,
			"passes", pf->passes, "duration_ms",
			(json_int_t)pf->elapsed_ms);
	out = scrub_json(doc, secrets);
	json_decref(doc);
	return out;
}

void am_pf_truncate(char *s, size_t max)
{
	size_t len = strlen(s), cut;

	if (len <= max)
		return;
	cut = max > 3 ? max - 3 : 0;
	while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	if (max >= 3)
		memcpy(s + cut, "...", 4);
	else
		s[cut] = '\0';
}

char *am_pf_report_summary(const struct am_pf *pf)
{
	struct am_buf b = AM_BUF_INIT;
	struct am_pf_verdict v;
	enum am_pf_status order[] = { AM_PF_CONFIG, AM_PF_FAIL, AM_PF_RETRY };
	size_t i, k;
	bool first = true;

	am_pf_verdict(pf, &v);
	if (v.exit_code == AM_PF_EXIT_GO) {
		am_buf_addf(&b, "GO: %s, ", am_pf_tool_name(pf->o->tool));
		add_counts(&b, pf);
		if (pf->hist.current && *pf->hist.current)
			am_buf_addf(&b, ", database at version %s",
				    pf->hist.current);
		for (i = 0; i < am_pf_nchecks; i++)
			if (pf->res[i].status == AM_PF_WARN)
				am_buf_addf(&b, "; %s %s", am_pf_checks[i].id,
					    pf->res[i].message);
	} else {
		am_buf_addf(&b, "%s (exit %d)",
			    v.exit_code == AM_PF_EXIT_RETRY ? "RETRY" : "NO-GO",
			    v.exit_code);
		if (v.exit_code == AM_PF_EXIT_RETRY)
			am_buf_addf(&b, " after %lds",
				    (pf->elapsed_ms + 500) / 1000);
		am_buf_adds(&b, ": ");
		for (k = 0; k < AM_ARRAY_SIZE(order); k++) {
			for (i = 0; i < am_pf_nchecks; i++) {
				if (pf->res[i].status != order[k])
					continue;
				am_buf_addf(&b, "%s%s %s", first ? "" : "; ",
					    am_pf_checks[i].id,
					    pf->res[i].message);
				first = false;
			}
		}
	}
	return am_buf_detach(&b);
}
