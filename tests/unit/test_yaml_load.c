/* SPDX-License-Identifier: MIT */
/*
 * The YAML loader: trees, positions, comments, and hostile input.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "util.h"
#include "yaml_load.h"

struct loaded {
	struct am_yaml_reader *r;
	struct am_yaml_doc docs[8];
	size_t ndocs;
	int ret;	/* last am_yaml_reader_next() result */
};

static void load(struct loaded *l, const char *text, size_t len,
		 const struct am_yaml_limits *lim)
{
	memset(l, 0, sizeof(*l));
	cr_assert_eq(am_yaml_reader_new_buf(&l->r, "t.yaml", text, len, lim), 0);
	while (l->ndocs < 8 &&
	       (l->ret = am_yaml_reader_next(l->r, &l->docs[l->ndocs])) == 1)
		l->ndocs++;
}

static void unload(struct loaded *l)
{
	size_t i;

	for (i = 0; i < l->ndocs; i++)
		am_yaml_doc_release(&l->docs[i]);
	am_yaml_reader_free(l->r);
}

static const struct am_yaml_problem *only_problem(const struct loaded *l)
{
	size_t n;
	const struct am_yaml_problem *p = am_yaml_reader_problems(l->r, &n);

	cr_assert_eq(n, 1, "expected one problem, got %zu", n);
	return p;
}

static void assert_json(json_t *v, const char *want)
{
	char *got = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

	cr_assert_str_eq(got, want);
	free(got);
}

static void assert_loc(const struct am_locmap *m, const char *ptr, int kl,
		       int kc, int vl, int vc)
{
	struct am_loc k, v;

	cr_assert_eq(am_locmap_get(m, ptr, &k, &v), 0, "no node at '%s'", ptr);
	cr_assert(k.line == kl && k.col == kc && v.line == vl && v.col == vc,
		  "'%s': key %d:%d value %d:%d, want %d:%d %d:%d", ptr, k.line,
		  k.col, v.line, v.col, kl, kc, vl, vc);
}

Test(yaml_load, builds_json_with_kubernetes_scalar_types)
{
	static const char text[] =
		"a: 1\nb: \"1\"\nc: yes\nd: off\ne: ~\nf: 1.5\ng: 0x10\n"
		"h: '-1'\ni: 010\nj: text\nk: !!str 3\nl: .inf\n";
	struct loaded l;

	load(&l, text, strlen(text), NULL);
	cr_assert_eq(l.ndocs, 1);
	assert_json(l.docs[0].root,
		    "{\"a\":1,\"b\":\"1\",\"c\":true,\"d\":false,\"e\":null,"
		    "\"f\":1.5,\"g\":16,\"h\":\"-1\",\"i\":8,\"j\":\"text\","
		    "\"k\":\"3\",\"l\":\".inf\"}");
	unload(&l);
}

Test(yaml_load, keeps_keys_as_written)
{
	static const char text[] = "on: push\n1: one\n";
	struct loaded l;

	load(&l, text, strlen(text), NULL);
	assert_json(l.docs[0].root, "{\"on\":\"push\",\"1\":\"one\"}");
	unload(&l);
}

Test(yaml_load, records_one_based_positions_of_keys_and_values)
{
	static const char text[] =
		"apiVersion: batch/v1\n"
		"kind: Job\n"
		"spec:\n"
		"  template:\n"
		"    spec:\n"
		"      containers:\n"
		"        - name: migrate\n"
		"          image: flyway/flyway:10\n"
		"          args: [\"-url=x\", migrate]\n";
	struct loaded l;
	const struct am_locmap *m;

	load(&l, text, strlen(text), NULL);
	m = l.docs[0].locs;
	assert_loc(m, "", 1, 1, 1, 1);
	assert_loc(m, "/kind", 2, 1, 2, 7);
	assert_loc(m, "/spec", 3, 1, 4, 3);
	assert_loc(m, "/spec/template/spec/containers", 6, 7, 7, 9);
	assert_loc(m, "/spec/template/spec/containers/0", 7, 11, 7, 11);
	assert_loc(m, "/spec/template/spec/containers/0/name", 7, 11, 7, 17);
	assert_loc(m, "/spec/template/spec/containers/0/image", 8, 11, 8, 18);
	assert_loc(m, "/spec/template/spec/containers/0/args/1", 9, 28, 9, 28);
	cr_assert_eq(am_locmap_get(m, "/spec/nope", NULL, NULL), AM_ENOTFOUND);
	cr_assert_eq(l.docs[0].start.line, 1);
	unload(&l);
}

Test(yaml_load, escapes_json_pointer_segments)
{
	static const char text[] =
		"metadata:\n  annotations:\n    argocd.argoproj.io/hook: PreSync\n"
		"    a~b: x\n";
	struct loaded l;

	load(&l, text, strlen(text), NULL);
	assert_loc(l.docs[0].locs, "/metadata/annotations/argocd.argoproj.io~1hook",
		   3, 5, 3, 30);
	assert_loc(l.docs[0].locs, "/metadata/annotations/a~0b", 4, 5, 4, 10);
	unload(&l);
}

Test(yaml_load, reads_multi_document_streams_and_skips_empty_ones)
{
	static const char text[] =
		"---\n# Source: chart/templates/job.yaml\nkind: Job\n"
		"---\n---\nnull\n---\nkind: Service\n...\n";
	struct loaded l;

	load(&l, text, strlen(text), NULL);
	cr_assert_eq(l.ndocs, 2);
	cr_assert_eq(l.ret, 0);
	cr_assert_eq(l.docs[0].index, 0);
	cr_assert_eq(l.docs[1].index, 1);
	cr_assert_str_eq(l.docs[0].source, "chart/templates/job.yaml");
	cr_assert_null(l.docs[1].source);
	cr_assert_eq(l.docs[1].start.line, 8);
	assert_loc(l.docs[1].locs, "/kind", 8, 1, 8, 7);
	unload(&l);
}

Test(yaml_load, keeps_directive_comments_with_positions)
{
	static const char text[] =
		"spec:\n  # argomig:ignore job-backoff-limit -- one retry is fine\n"
		"  backoffLimit: 3\n  # an ordinary comment\n  x: 1 # argomig:trailing\n";
	struct loaded l;
	const struct am_comment *c;
	size_t n;

	load(&l, text, strlen(text), NULL);
	c = am_yaml_reader_comments(l.r, &n);
	cr_assert_eq(n, 1);
	cr_assert_eq(c[0].line, 2);
	cr_assert_eq(c[0].col, 3);
	cr_assert_str_eq(c[0].text,
			 "argomig:ignore job-backoff-limit -- one retry is fine");
	unload(&l);
}

Test(yaml_load, duplicate_key_is_a_problem_at_the_second_key)
{
	static const char text[] =
		"metadata:\n  name: a\n  labels:\n    x: 1\n  name: b\n";
	struct loaded l;
	const struct am_yaml_problem *p;

	load(&l, text, strlen(text), NULL);
	cr_assert_eq(l.ndocs, 1);
	p = only_problem(&l);
	cr_assert_str_eq(p->message, "duplicate key 'name'");
	cr_assert_eq(p->at.line, 5);
	cr_assert_eq(p->at.col, 3);
	assert_json(l.docs[0].root, "{\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":1}}}");
	assert_loc(l.docs[0].locs, "/metadata/name", 2, 3, 2, 9);
	unload(&l);
}

Test(yaml_load, syntax_error_is_a_problem_at_libyamls_mark)
{
	static const char text[] = "a: 1\nb: [1, 2\nc: 3\n";
	struct loaded l;
	const struct am_yaml_problem *p;

	load(&l, text, strlen(text), NULL);
	cr_assert_eq(l.ndocs, 0);
	cr_assert_eq(l.ret, 0);
	p = only_problem(&l);
	cr_assert_eq(p->at.line, 3);
	cr_assert_eq(p->at.col, 2);
	cr_assert_str_eq(p->message,
			 "did not find expected ',' or ']' (while parsing a flow sequence that starts at 2:4)");
	unload(&l);
}

Test(yaml_load, tab_in_indentation_is_named)
{
	static const char text[] = "spec:\n\treplicas: 3\n";
	struct loaded l;
	const struct am_yaml_problem *p;

	load(&l, text, strlen(text), NULL);
	p = only_problem(&l);
	cr_assert_str_eq(p->message,
			 "tab character in indentation (YAML allows only spaces)");
	cr_assert_eq(p->at.line, 2);
	cr_assert_eq(p->at.col, 1);
	unload(&l);
}

Test(yaml_load, nul_byte_is_a_problem_at_its_position)
{
	static const char text[] = "a: 1\nb: x\0y\n";
	struct loaded l;
	const struct am_yaml_problem *p;

	load(&l, text, sizeof(text) - 1, NULL);
	p = only_problem(&l);
	cr_assert_str_eq(p->message, "NUL byte in the file");
	cr_assert_eq(p->at.line, 2);
	cr_assert_eq(p->at.col, 5);
	unload(&l);
}

Test(yaml_load, invalid_utf8_is_a_problem_at_its_position)
{
	static const char text[] = "a: 1\nname: caf\xe9\n";
	struct loaded l;
	const struct am_yaml_problem *p;

	load(&l, text, strlen(text), NULL);
	p = only_problem(&l);
	cr_assert(am_starts_with(p->message, "invalid UTF-8"), "%s", p->message);
	cr_assert_eq(p->at.line, 2);
	cr_assert_eq(p->at.col, 10);
	unload(&l);
}

Test(yaml_load, alias_bomb_is_refused_with_bounded_work)
{
	static const char text[] =
		"a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
		"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
		"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
		"h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
		"i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
	struct loaded l;
	const struct am_yaml_problem *p;

	load(&l, text, strlen(text), NULL);
	cr_assert_eq(l.ndocs, 0);
	p = only_problem(&l);
	cr_assert_str_eq(p->message,
			 "document expands to more than 1000000 nodes (alias bomb?)");
	cr_assert_eq(p->at.line, 7);	/* g: the first anchor past the budget */
	unload(&l);
}

Test(yaml_load, small_aliases_are_expanded_and_located_at_the_alias)
{
	static const char text[] =
		"base: &env\n  - name: A\n    value: x\nc:\n  env: *env\n";
	struct loaded l;

	load(&l, text, strlen(text), NULL);
	assert_json(l.docs[0].root,
		    "{\"base\":[{\"name\":\"A\",\"value\":\"x\"}],"
		    "\"c\":{\"env\":[{\"name\":\"A\",\"value\":\"x\"}]}}");
	assert_loc(l.docs[0].locs, "/c/env/0/value", 5, 3, 5, 8);
	unload(&l);
}

Test(yaml_load, deep_nesting_is_an_error_not_a_stack_overflow)
{
	struct am_buf b = AM_BUF_INIT;
	struct loaded l;
	const struct am_yaml_problem *p;
	int i;

	for (i = 0; i < 10000; i++)
		am_buf_addch(&b, '[');
	for (i = 0; i < 10000; i++)
		am_buf_addch(&b, ']');
	load(&l, b.buf, b.len, NULL);
	p = only_problem(&l);
	cr_assert_str_eq(p->message, "nesting deeper than 256 levels");
	cr_assert_eq(p->at.line, 1);
	cr_assert_eq(p->at.col, 257);
	unload(&l);
	am_buf_release(&b);
}

Test(yaml_load, input_over_the_size_limit_is_refused)
{
	struct am_yaml_limits lim = AM_YAML_LIMITS_DEFAULT;
	struct am_yaml_reader *r;
	struct am_yaml_doc doc;
	char text[4096];

	memset(text, ' ', sizeof(text));
	memcpy(text, "a: 1\n", 5);
	lim.max_bytes = 1024;
	cr_assert_eq(am_yaml_reader_new_buf(&r, "big.yaml", text, sizeof(text), &lim), 0);
	cr_assert_eq(am_yaml_reader_next(r, &doc), AM_ETOOBIG);
	cr_assert_str_eq(am_error_last(), "'big.yaml' is larger than the 0 MiB limit");
	am_yaml_reader_free(r);
	am_error_clear();
}

Test(yaml_load, file_over_64_mib_is_refused_before_reading)
{
	char path[] = "/tmp/argomig-big-XXXXXX";
	int fd = mkstemp(path);
	struct am_yaml_reader *r = NULL;
	FILE *fp;

	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, (off_t)AM_YAML_MAX_BYTES + 1), 0);
	fp = fdopen(fd, "rb");
	cr_assert_eq(am_yaml_reader_new(&r, path, fp, NULL), AM_ETOOBIG);
	cr_assert_null(r);
	cr_assert(strstr(am_error_last(), "is larger than the 64 MiB limit"));
	fclose(fp);
	unlink(path);
	am_error_clear();
}

Test(yaml_load, reads_a_stream_from_a_file)
{
	char path[] = "/tmp/argomig-stream-XXXXXX";
	int fd = mkstemp(path);
	struct am_yaml_reader *r;
	struct am_yaml_doc doc;
	FILE *fp;
	int n = 0;

	cr_assert_geq(fd, 0);
	fp = fdopen(fd, "w+b");
	for (n = 0; n < 3000; n++)
		fprintf(fp, "---\nkind: ConfigMap\nmetadata: {name: c%d}\n", n);
	rewind(fp);
	cr_assert_eq(am_yaml_reader_new(&r, path, fp, NULL), 0);
	for (n = 0; am_yaml_reader_next(r, &doc) == 1; n++) {
		struct am_loc v;

		cr_assert_eq(am_locmap_get(doc.locs, "/metadata/name", NULL, &v), 0);
		cr_assert_eq(v.line, n * 3 + 3);
		am_yaml_doc_release(&doc);
	}
	cr_assert_eq(n, 3000);
	am_yaml_reader_free(r);
	fclose(fp);
	unlink(path);
}
