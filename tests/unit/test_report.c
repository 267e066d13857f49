/* SPDX-License-Identifier: MIT */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "err.h"
#include "lint.h"
#include "report.h"
#include "util.h"

static void add(struct am_diags *d, const char *rule, enum am_severity sev,
		const char *file, int line, int col, const char *object,
		const char *msg, const char *hint, const char *reason)
{
	struct am_finding f = { 0 };

	f.rule = (char *)rule;
	f.severity = sev;
	f.file = (char *)file;
	f.line = line;
	f.col = col;
	f.object = (char *)object;
	f.message = (char *)msg;
	f.hint = (char *)hint;
	f.reason = (char *)reason;
	f.suppressed = reason != NULL;
	am_diags_add(d, &f);
}

/* Two findings and a suppressed one, as a lint run would leave them. */
static void sample(struct am_diags *d, struct am_lint_summary *s)
{
	am_diags_init(d);
	add(d, "invalid-yaml", AM_SEV_ERROR, "k8s/b.yaml", 5, 3, NULL,
	    "duplicate key 'name'", "keep each key once", NULL);
	add(d, "ignore-unknown-rule", AM_SEV_WARNING, "k8s/a.yaml", 2, 1,
	    "v1/ConfigMap/app", "suppression names unknown rule 'x'",
	    "run 'argomig rules'", NULL);
	add(d, "invalid-yaml", AM_SEV_ERROR, "k8s/a.yaml", 9, 3, NULL,
	    "duplicate key 'data'", "keep each key once", "generated");
	am_diags_sort(d);
	memset(s, 0, sizeof(*s));
	s->files = 2;
	s->objects = 1;
	s->skipped = 1;
}

static char *render(enum am_format fmt, const struct am_diags *d,
		    const struct am_lint_summary *s, bool show_source)
{
	struct am_report_opts o = { show_source };
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	cr_assert_not_null(fp);
	cr_assert_eq(am_report_write(fp, fmt, d, s, &o), 0);
	fclose(fp);
	return out;
}

Test(report, format_names)
{
	enum am_format f;

	cr_assert_eq(am_format_parse(&f, "sarif"), 0);
	cr_assert_eq(f, AM_FORMAT_SARIF);
	cr_assert_eq(am_format_parse(&f, "github"), 0);
	cr_assert_eq(f, AM_FORMAT_GITHUB);
	cr_assert_eq(am_format_parse(&f, "junit"), -1);
	cr_assert_str_eq(am_format_name(AM_FORMAT_JSON), "json");
}

Test(report, text_is_gnu_style_with_hints_and_a_summary)
{
	struct am_diags d;
	struct am_lint_summary s;
	char *out;

	sample(&d, &s);
	out = render(AM_FORMAT_TEXT, &d, &s, false);
	cr_assert_str_eq(out,
			 "k8s/a.yaml:2:1: warning: suppression names unknown rule 'x' [ignore-unknown-rule]\n"
			 "    hint: run 'argomig rules'\n"
			 "k8s/a.yaml:9:3: suppressed: duplicate key 'data' [invalid-yaml] -- generated\n"
			 "k8s/b.yaml:5:3: error: duplicate key 'name' [invalid-yaml]\n"
			 "    hint: keep each key once\n"
			 "argomig: 2 files, 1 object, 0 statements, 1 skipped: 1 error, 1 warning, 0 notes, 1 suppressed\n");
	free(out);
	am_diags_release(&d);
}

Test(report, text_escapes_control_characters)
{
	struct am_diags d = AM_DIAGS_INIT;
	struct am_lint_summary s = { 0 };
	char *out;

	add(&d, "invalid-yaml", AM_SEV_ERROR, "x\n.yaml", 1, 1, NULL,
	    "key 'a\x1b[31m\tb'", NULL, NULL);
	out = render(AM_FORMAT_TEXT, &d, &s, false);
	cr_assert_str_eq(out,
			 "x\\n.yaml:1:1: error: key 'a\\x1b[31m\\tb' [invalid-yaml]\n"
			 "argomig: 0 files, 0 objects, 0 statements, 0 skipped: 1 error, 0 warnings, 0 notes, 0 suppressed\n");
	free(out);
	am_diags_release(&d);
}

Test(report, show_source_prints_the_line_and_a_caret)
{
	char path[] = "/tmp/argomig-report-XXXXXX";
	int fd = mkstemp(path);
	struct am_diags d = AM_DIAGS_INIT;
	struct am_lint_summary s = { 0 };
	const char *text = "a: 1\n\tb: caf\xc3\xa9 x\r\nc: 3\n";
	char *out, *want;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	/* column 10 is the x: after a tab, "b: caf", a two-byte e-acute and a space */
	add(&d, "invalid-yaml", AM_SEV_ERROR, path, 2, 10, NULL, "m", NULL, NULL);
	add(&d, "invalid-yaml", AM_SEV_ERROR, path, 3, 1, NULL, "n", NULL, NULL);
	add(&d, "invalid-yaml", AM_SEV_ERROR, path, 7, 1, NULL, "past the end",
	    NULL, NULL);
	add(&d, "invalid-yaml", AM_SEV_ERROR, "-", 1, 1, NULL, "stdin", NULL,
	    NULL);
	am_diags_sort(&d);
	out = render(AM_FORMAT_TEXT, &d, &s, true);
	want = xasprintf("-:1:1: error: stdin [invalid-yaml]\n"
			 "%s:2:10: error: m [invalid-yaml]\n"
			 "     2 | \tb: caf\xc3\xa9 x\n"
			 "       | \t        ^\n"
			 "%s:3:1: error: n [invalid-yaml]\n"
			 "     3 | c: 3\n"
			 "       | ^\n"
			 "%s:7:1: error: past the end [invalid-yaml]\n"
			 "argomig: 0 files, 0 objects, 0 statements, 0 skipped: 4 errors, 0 warnings, 0 notes, 0 suppressed\n",
			 path, path, path);
	cr_assert_str_eq(out, want);
	free(want);
	free(out);
	am_diags_release(&d);
	unlink(path);
}

Test(report, json_is_the_design_object)
{
	struct am_diags d;
	struct am_lint_summary s;
	json_error_t err;
	json_t *root, *f, *sum;
	char *out;

	sample(&d, &s);
	out = render(AM_FORMAT_JSON, &d, &s, false);
	root = json_loads(out, 0, &err);
	cr_assert_not_null(root, "%s", err.text);
	cr_assert_eq(json_integer_value(json_object_get(root, "version")), 1);
	cr_assert_eq(json_array_size(json_object_get(root, "findings")), 3);
	f = json_array_get(json_object_get(root, "findings"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(f, "rule")),
			 "ignore-unknown-rule");
	cr_assert_str_eq(json_string_value(json_object_get(f, "severity")),
			 "warning");
	cr_assert_str_eq(json_string_value(json_object_get(f, "file")),
			 "k8s/a.yaml");
	cr_assert_eq(json_integer_value(json_object_get(f, "line")), 2);
	cr_assert_eq(json_integer_value(json_object_get(f, "column")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(f, "object")),
			 "v1/ConfigMap/app");
	cr_assert(json_is_false(json_object_get(f, "suppressed")));
	cr_assert_null(json_object_get(f, "reason"));
	cr_assert_null(json_object_get(f, "source"));
	cr_assert_eq(json_object_size(f), 9);
	f = json_array_get(json_object_get(root, "findings"), 1);
	cr_assert(json_is_null(json_object_get(f, "object")));
	cr_assert(json_is_true(json_object_get(f, "suppressed")));
	cr_assert_str_eq(json_string_value(json_object_get(f, "reason")),
			 "generated");
	sum = json_object_get(root, "summary");
	cr_assert_eq(json_object_size(sum), 8);
	cr_assert_eq(json_integer_value(json_object_get(sum, "files")), 2);
	cr_assert_eq(json_integer_value(json_object_get(sum, "objects")), 1);
	cr_assert_eq(json_integer_value(json_object_get(sum, "skipped")), 1);
	cr_assert_eq(json_integer_value(json_object_get(sum, "errors")), 1);
	cr_assert_eq(json_integer_value(json_object_get(sum, "warnings")), 1);
	cr_assert_eq(json_integer_value(json_object_get(sum, "notes")), 0);
	cr_assert_eq(json_integer_value(json_object_get(sum, "suppressed")), 1);
	/* exactly one object, then a newline */
	cr_assert_eq(out[strlen(out) - 1], '\n');
	cr_assert_eq(out[strlen(out) - 2], '}');
	json_decref(root);
	free(out);
	am_diags_release(&d);
}

Test(report, json_replaces_invalid_utf8_and_keeps_source)
{
	struct am_diags d = AM_DIAGS_INIT;
	struct am_lint_summary s = { 0 };
	struct am_finding f = { 0 };
	json_t *root, *item;
	char *out;

	f.rule = "invalid-yaml";
	f.severity = AM_SEV_ERROR;
	f.file = "bad\xff.yaml";
	f.line = f.col = 1;
	f.message = "m\xc3";
	f.source = "chart/templates/job.yaml";
	am_diags_add(&d, &f);
	out = render(AM_FORMAT_JSON, &d, &s, false);
	root = json_loads(out, 0, NULL);
	cr_assert_not_null(root);
	item = json_array_get(json_object_get(root, "findings"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(item, "file")),
			 "bad\xef\xbf\xbd.yaml");
	cr_assert_str_eq(json_string_value(json_object_get(item, "message")),
			 "m\xef\xbf\xbd");
	cr_assert_str_eq(json_string_value(json_object_get(item, "source")),
			 "chart/templates/job.yaml");
	cr_assert(json_is_null(json_object_get(item, "hint")));
	json_decref(root);
	free(out);
	am_diags_release(&d);
}

/* The exact bytes: two-space indent, jansson's escapes (\u00XX upper case). */
Test(report, json_text_is_exact)
{
	struct am_diags d = AM_DIAGS_INIT;
	struct am_lint_summary s = { 2, 0, 3, 1 };
	struct am_finding f = { 0 };
	char *out;

	out = render(AM_FORMAT_JSON, &d, &s, false);
	cr_assert_str_eq(out,
			 "{\n  \"version\": 1,\n  \"findings\": [],\n  \"summary\": {\n"
			 "    \"files\": 2,\n    \"objects\": 0,\n    \"statements\": 3,\n"
			 "    \"skipped\": 1,\n    \"errors\": 0,\n    \"warnings\": 0,\n"
			 "    \"notes\": 0,\n    \"suppressed\": 0\n  }\n}\n");
	free(out);
	f.rule = "sql-drop-table";
	f.severity = AM_SEV_WARNING;
	f.file = "V1__a.sql";
	f.line = 12;
	f.col = 3;
	f.message = "\"t\\\x01\x1f\b\t\n/\x7f\xc3\xa9";
	f.suppressed = true;
	am_diags_add(&d, &f);
	out = render(AM_FORMAT_JSON, &d, &s, false);
	cr_assert_str_eq(out,
			 "{\n  \"version\": 1,\n  \"findings\": [\n    {\n"
			 "      \"rule\": \"sql-drop-table\",\n"
			 "      \"severity\": \"warning\",\n"
			 "      \"file\": \"V1__a.sql\",\n      \"line\": 12,\n"
			 "      \"column\": 3,\n      \"object\": null,\n"
			 "      \"message\": \"\\\"t\\\\\\u0001\\u001F\\b\\t\\n/\x7f\xc3\xa9\",\n"
			 "      \"hint\": null,\n      \"suppressed\": true,\n"
			 "      \"reason\": \"\"\n    }\n  ],\n  \"summary\": {\n"
			 "    \"files\": 2,\n    \"objects\": 0,\n    \"statements\": 3,\n"
			 "    \"skipped\": 1,\n    \"errors\": 0,\n    \"warnings\": 0,\n"
			 "    \"notes\": 0,\n    \"suppressed\": 1\n  }\n}\n");
	free(out);
	am_diags_release(&d);
}

Test(report, sarif_has_rules_results_and_suppressions)
{
	struct am_diags d;
	struct am_lint_summary s;
	json_t *root, *run, *driver, *rules, *r, *loc;
	const struct am_rule *iy = am_rule_find("invalid-yaml");
	char *out;

	sample(&d, &s);
	out = render(AM_FORMAT_SARIF, &d, &s, false);
	root = json_loads(out, 0, NULL);
	cr_assert_not_null(root);
	cr_assert_str_eq(json_string_value(json_object_get(root, "version")),
			 "2.1.0");
	cr_assert_not_null(json_object_get(root, "$schema"));
	run = json_array_get(json_object_get(root, "runs"), 0);
	driver = json_object_get(json_object_get(run, "tool"), "driver");
	cr_assert_str_eq(json_string_value(json_object_get(driver, "name")),
			 "argomig");
	cr_assert_str_eq(json_string_value(json_object_get(driver, "informationUri")),
			 AM_HOMEPAGE);
	rules = json_object_get(driver, "rules");
	cr_assert_eq(json_array_size(rules), am_rules_count());
	r = json_array_get(rules, (size_t)(iy - am_rule_at(0)));
	cr_assert_str_eq(json_string_value(json_object_get(r, "id")),
			 "invalid-yaml");
	cr_assert_str_eq(json_string_value(json_object_get(
				 json_object_get(r, "defaultConfiguration"), "level")),
			 "error");
	cr_assert_str_eq(json_string_value(json_object_get(
				 json_object_get(r, "help"), "text")),
			 am_rule_doc("invalid-yaml"));
	cr_assert(am_starts_with(json_string_value(json_object_get(
					 json_object_get(r, "fullDescription"), "text")),
				 "Argo CD and kubectl reject"));

	cr_assert_eq(json_array_size(json_object_get(run, "results")), 3);
	r = json_array_get(json_object_get(run, "results"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(r, "ruleId")),
			 "ignore-unknown-rule");
	cr_assert_eq(json_integer_value(json_object_get(r, "ruleIndex")),
		     am_rule_find("ignore-unknown-rule") - am_rule_at(0));
	cr_assert_str_eq(json_string_value(json_object_get(r, "level")),
			 "warning");
	cr_assert_str_eq(json_string_value(json_object_get(
				 json_object_get(r, "message"), "text")),
			 "suppression names unknown rule 'x'. Hint: run 'argomig rules'.");
	loc = json_array_get(json_object_get(r, "locations"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(
				 json_object_get(json_object_get(loc, "physicalLocation"),
						 "artifactLocation"),
				 "uri")),
			 "k8s/a.yaml");
	cr_assert_eq(json_integer_value(json_object_get(
			     json_object_get(json_object_get(loc, "physicalLocation"),
					     "region"),
			     "startLine")),
		     2);
	cr_assert_str_eq(json_string_value(json_object_get(
				 json_array_get(json_object_get(loc, "logicalLocations"), 0),
				 "fullyQualifiedName")),
			 "v1/ConfigMap/app");
	cr_assert_null(json_object_get(r, "suppressions"));
	r = json_array_get(json_object_get(run, "results"), 1);
	cr_assert_str_eq(json_string_value(json_object_get(
				 json_array_get(json_object_get(r, "suppressions"), 0),
				 "justification")),
			 "generated");
	json_decref(root);
	free(out);
	am_diags_release(&d);
}

Test(report, sarif_uris_are_percent_encoded)
{
	struct am_diags d = AM_DIAGS_INIT;
	struct am_lint_summary s = { 0 };
	char *out;

	add(&d, "invalid-yaml", AM_SEV_ERROR, "./a b/100%:x#.yaml", 1, 1, NULL,
	    "m", NULL, NULL);
	add(&d, "invalid-yaml", AM_SEV_ERROR, "/abs/caf\xc3\xa9.yaml", 1, 1,
	    NULL, "m", NULL, NULL);
	out = render(AM_FORMAT_SARIF, &d, &s, false);
	cr_assert_not_null(strstr(out, "\"uri\": \"a%20b/100%25%3Ax%23.yaml\""));
	cr_assert_not_null(strstr(out, "\"uri\": \"file:///abs/caf%C3%A9.yaml\""));
	free(out);
	am_diags_release(&d);
}

Test(report, github_escapes_data_and_properties)
{
	struct am_diags d = AM_DIAGS_INIT;
	struct am_lint_summary s = { 0 };
	char *out;

	add(&d, "invalid-yaml", AM_SEV_ERROR, "a,b:c%.yaml", 3, 4, NULL,
	    "100% bad\r\nline", "fix: it", NULL);
	add(&d, "ignore-unknown-rule", AM_SEV_WARNING, "w.yaml", 1, 2, NULL,
	    "w", NULL, NULL);
	add(&d, "ignore-unknown-rule", AM_SEV_NOTE, "x.yaml", 1, 2, NULL, "n",
	    NULL, NULL);
	add(&d, "invalid-yaml", AM_SEV_ERROR, "y.yaml", 1, 2, NULL, "s", NULL,
	    "ok, really");
	out = render(AM_FORMAT_GITHUB, &d, &s, false);
	cr_assert_str_eq(out,
			 "::error file=a%2Cb%3Ac%25.yaml,line=3,col=4,title=invalid-yaml::100%25 bad%0D%0Aline%0Ahint: fix: it\n"
			 "::warning file=w.yaml,line=1,col=2,title=ignore-unknown-rule::w\n"
			 "::notice file=x.yaml,line=1,col=2,title=ignore-unknown-rule::n\n"
			 "::notice file=y.yaml,line=1,col=2,title=invalid-yaml (suppressed)::suppressed: s -- ok, really\n");
	free(out);
	am_diags_release(&d);
}

Test(report, summary_counts_and_plurals)
{
	struct am_diags d = AM_DIAGS_INIT;
	struct am_lint_summary s = { 1, 1, 1, 0 };
	char *out;

	add(&d, "invalid-yaml", AM_SEV_NOTE, "x", 1, 1, NULL, "m", NULL, NULL);
	out = am_report_summary(&d, &s);
	cr_assert_str_eq(out,
			 "1 file, 1 object, 1 statement, 0 skipped: 0 errors, 0 warnings, 1 note, 0 suppressed");
	free(out);
	am_diags_release(&d);
}

Test(report, write_file_is_atomic)
{
	char dir[] = "/tmp/argomig-report-XXXXXX";
	struct am_diags d;
	struct am_lint_summary s;
	char *path, *bad, *data = NULL, *cmd;
	size_t len;

	cr_assert_not_null(mkdtemp(dir));
	sample(&d, &s);
	path = xasprintf("%s/r.json", dir);
	cr_assert_eq(am_report_write_file(path, AM_FORMAT_JSON, &d, &s, NULL), 0);
	cr_assert_eq(am_read_file(&data, &len, path, 1 << 20), 0);
	cr_assert(am_starts_with(data, "{\n  \"version\": 1,"));
	free(data);
	/* a failed write leaves neither the file nor a temporary file */
	bad = xasprintf("%s/missing/r.json", dir);
	cr_assert_lt(am_report_write_file(bad, AM_FORMAT_JSON, &d, &s, NULL), 0);
	cr_assert(am_starts_with(am_error_last(), "cannot write '"));
	cmd = xasprintf("test $(ls -A '%s' | wc -l) -eq 1", dir);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
	cmd = xasprintf("rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
	free(bad);
	free(path);
	am_diags_release(&d);
	am_error_clear();
}
