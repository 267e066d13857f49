/* SPDX-License-Identifier: MIT */
/*
 * The YAML emitter: scalar styles, determinism, and values that must not
 * change the document's structure.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "err.h"
#include "util.h"
#include "yaml_load.h"

static char *emit_json(const char *json)
{
	json_error_t jerr;
	json_t *v = json_loads(json, 0, &jerr);
	struct am_buf b = AM_BUF_INIT;

	cr_assert_not_null(v, "bad test JSON: %s", jerr.text);
	cr_assert_eq(am_emit_docs(&b, &v, 1), 0, "%s", am_error_last());
	json_decref(v);
	return am_buf_detach(&b);
}

Test(emit, plain_scalars_that_change_type_are_quoted)
{
	static const char *const ambiguous[] = {
		"",	"1",	      "-1",    "+1",	    "0x1F",  "0o17",
		"017",	"1_000",      "1e3",   "1.5",	    ".5",    "-.5",
		"1:30", "2024-01-02", "1.4.2", "10-alpine", "true",  "False",
		"yes",	"No",	      "on",    "OFF",	    "y",     "n",
		"null", "Null",	      "~",     ".inf",	    "-.Inf", ".nan",
		"=",	"<<",	      ":8080", "?x",
	};
	static const char *const plain[] = {
		"info",
		"PreSync",
		"BeforeHookCreation,HookSucceeded",
		"v1",
		"http://orders:8080/healthz",
		"-connectRetries=10",
		"--wait",
		"a b",
		"ghcr.io/acme/orders:1.4.2",
		"yes please",
		"1 2",
	};
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(ambiguous); i++)
		cr_expect(am_emit_plain_is_ambiguous(ambiguous[i]), "'%s'",
			  ambiguous[i]);
	for (i = 0; i < AM_ARRAY_SIZE(plain); i++)
		cr_expect(!am_emit_plain_is_ambiguous(plain[i]), "'%s'",
			  plain[i]);
}

Test(emit, document_layout)
{
	char *out = emit_json(
		"{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\","
		" \"metadata\": {\"name\": \"x\", \"annotations\":"
		" {\"argocd.argoproj.io/sync-wave\": \"-1\", \"b\": \"true\"}},"
		" \"data\": {\"V1.sql\": \"CREATE TABLE a (\\n  id "
		"int\\n);\\n\","
		" \"empty\": \"\"}, \"n\": 3, \"r\": 0.1, \"r1\": 1.0,"
		" \"t\": true, \"z\": null, \"e\": {}, \"l\": [], \"s\": "
		"[\"-x\", \"2\"]}");

	cr_assert_str_eq(out, "---\n"
			      "apiVersion: v1\n"
			      "kind: ConfigMap\n"
			      "metadata:\n"
			      "  name: x\n"
			      "  annotations:\n"
			      "    argocd.argoproj.io/sync-wave: \"-1\"\n"
			      "    b: \"true\"\n"
			      "data:\n"
			      "  V1.sql: |\n"
			      "    CREATE TABLE a (\n"
			      "      id int\n"
			      "    );\n"
			      "  empty: \"\"\n"
			      "\"n\": 3\n"
			      "r: 0.1\n"
			      "r1: 1.0\n"
			      "t: true\n"
			      "z: null\n"
			      "e: {}\n"
			      "l: []\n"
			      "s:\n"
			      "- -x\n"
			      "- \"2\"\n");
	free(out);
}

Test(emit, same_input_gives_identical_bytes)
{
	const char *json = "{\"b\": 1, \"a\": [\"x: y\", \"multi\\nline\"], "
			   "\"c\": {\"k\": \"caf\\u00e9\"}}";
	char *one = emit_json(json), *two = emit_json(json);

	cr_assert_str_eq(one, two);
	free(one);
	free(two);
}

/* A value with a newline, ": ", "---" and quotes reads back unchanged. */
Test(emit, hostile_values_cannot_change_the_structure)
{
	static const char *const values[] = {
		"x\nkind: Secret",
		"a: b",
		"--- \nkind: Secret\n",
		"'\"\\",
		"  leading and trailing  ",
		"tab\there # not a comment",
		"trailing space \nnext",
		"- item",
		"{flow: true}",
		"&anchor *alias !tag %directive @at `tick`",
	};
	size_t i;

	for (i = 0; i < AM_ARRAY_SIZE(values); i++) {
		json_t *v = json_pack("{s:s}", "value", values[i]);
		struct am_buf b = AM_BUF_INIT;
		struct am_yaml_reader *r = NULL;
		struct am_yaml_doc doc = {0}, more = {0};
		size_t nprobs;

		cr_assert_eq(am_emit_docs(&b, &v, 1), 0);
		cr_assert_eq(
			am_yaml_reader_new_buf(&r, "t", b.buf, b.len, NULL), 0);
		cr_assert_eq(am_yaml_reader_next(r, &doc), 1);
		cr_assert_eq(am_yaml_reader_next(r, &more), 0, "value %zu: %s",
			     i, b.buf);
		am_yaml_reader_problems(r, &nprobs);
		cr_assert_eq(nprobs, 0);
		cr_assert(json_equal(doc.root, v),
			  "value %zu came back different: %s", i, b.buf);
		am_yaml_doc_release(&doc);
		am_yaml_reader_free(r);
		am_buf_release(&b);
		json_decref(v);
	}
}

Test(emit, several_documents)
{
	json_t *docs[2] = {json_pack("{s:s}", "a", "1"),
			   json_pack("{s:i}", "b", 2)};
	struct am_buf b = AM_BUF_INIT;

	cr_assert_eq(am_emit_docs(&b, docs, 2), 0);
	cr_assert_str_eq(b.buf, "---\na: \"1\"\n---\nb: 2\n");
	am_buf_release(&b);
	json_decref(docs[0]);
	json_decref(docs[1]);
}

Test(emit, invalid_utf8_is_an_error_and_leaves_the_buffer)
{
	json_t *v = json_object();
	struct am_buf b = AM_BUF_INIT;

	json_object_set_new(v, "k", json_string_nocheck("bad \xff byte"));
	am_buf_adds(&b, "before");
	cr_assert_eq(am_emit_docs(&b, &v, 1), AM_EINVALID);
	cr_assert_str_eq(am_error_last(),
			 "cannot emit YAML: a value is not valid UTF-8");
	cr_assert_str_eq(b.buf, "before");
	am_buf_release(&b);
	json_decref(v);
}
