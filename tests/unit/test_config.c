/* SPDX-License-Identifier: MIT */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "lint.h"
#include "path.h"
#include "util.h"

static size_t idx(const char *id)
{
	const struct am_rule *r = am_rule_find(id);

	cr_assert_not_null(r, "rule %s", id);
	return (size_t)(r - am_rule_at(0));
}

static int parse(struct am_config **c, const char *text, struct am_lint *lint)
{
	return am_config_parse(c, "cfg.yaml", "/repo", text, strlen(text), lint);
}

Test(config, reads_rules_ignore_and_pg_version)
{
	struct am_config *c = NULL;

	cr_assert_eq(parse(&c,
			   "rules:\n"
			   "  invalid-yaml: warning\n"
			   "  sql-syntax-error: off\n"
			   "  ignore-unknown-rule: \"note\"\n"
			   "ignore:\n"
			   "  - ./legacy/\n"
			   "  - \"**/gen-*.yaml\"\n"
			   "pgVersion: 12\n",
			   NULL),
		     0, "%s", am_error_last());
	cr_assert_eq(c->sev[idx("invalid-yaml")], AM_SEV_WARNING);
	cr_assert_eq(c->sev[idx("sql-syntax-error")], AM_SEV_OFF);
	cr_assert_eq(c->sev[idx("ignore-unknown-rule")], AM_SEV_NOTE);
	cr_assert_eq(c->nignore, 2);
	cr_assert_str_eq(c->ignore[0], "legacy");
	cr_assert_str_eq(c->ignore[1], "**/gen-*.yaml");
	cr_assert_eq(c->pg_version, 12);
	cr_assert_str_eq(c->path, "cfg.yaml");
	cr_assert_str_eq(c->dir, "/repo");
	am_config_free(c);
}

Test(config, empty_file_is_an_empty_configuration)
{
	struct am_config *c = NULL;

	cr_assert_eq(parse(&c, "", NULL), 0);
	cr_assert_eq(c->sev[idx("invalid-yaml")], AM_SEV_DEFAULT);
	cr_assert_eq(c->nignore, 0);
	cr_assert_eq(c->pg_version, 0);
	am_config_free(c);
	cr_assert_eq(parse(&c, "# nothing yet\n", NULL), 0);
	am_config_free(c);
}

Test(config, unknown_rule_is_a_finding_at_its_key_and_the_rest_applies)
{
	struct am_lint lint;
	struct am_config *c = NULL;
	const struct am_finding *f;

	am_lint_init(&lint);
	cr_assert_eq(parse(&c,
			   "rules:\n"
			   "  invalid-yaml: note\n"
			   "  job-missing-deadline: off\n",
			   &lint),
		     0);
	cr_assert_eq(c->sev[idx("invalid-yaml")], AM_SEV_NOTE);
	cr_assert_eq(lint.diags.nr, 1);
	f = &lint.diags.items[0];
	cr_assert_str_eq(f->rule, "ignore-unknown-rule");
	cr_assert_str_eq(f->file, "cfg.yaml");
	cr_assert_eq(f->line, 3);
	cr_assert_eq(f->col, 3);
	cr_assert_str_eq(f->message,
			 "configuration names unknown rule 'job-missing-deadline'");
	am_config_free(c);
	am_lint_release(&lint);
}

static void expect_invalid(const char *text, const char *msg)
{
	struct am_config *c = NULL;
	int ret = parse(&c, text, NULL);

	cr_assert_lt(ret, 0, "accepted: %s", text);
	cr_assert_null(c);
	cr_assert_str_eq(am_error_last(), msg);
	am_error_clear();
}

Test(config, shape_errors_name_file_line_and_column)
{
	expect_invalid("rules:\n  invalid-yaml: fatal\n",
		       "cfg.yaml:2:17: severity of 'invalid-yaml' must be off, note, warning or error");
	expect_invalid("rules:\n  invalid-yaml: true\n",
		       "cfg.yaml:2:17: severity of 'invalid-yaml' must be off, note, warning or error");
	expect_invalid("rules: [invalid-yaml]\n",
		       "cfg.yaml:1:8: 'rules' must be a mapping of rule ids to off, note, warning or error");
	expect_invalid("ignore: legacy\n",
		       "cfg.yaml:1:9: 'ignore' must be a list of path globs");
	expect_invalid("ignore:\n  - 3\n",
		       "cfg.yaml:2:5: 'ignore' items must be non-empty path globs");
	expect_invalid("ignore:\n  - ./\n",
		       "cfg.yaml:2:5: 'ignore' items must be non-empty path globs");
	expect_invalid("pgVersion: \"15\"\n",
		       "cfg.yaml:1:12: 'pgVersion' must be a PostgreSQL major version such as 15");
	expect_invalid("pgVersion: 150\n",
		       "cfg.yaml:1:12: 'pgVersion' must be a PostgreSQL major version such as 15");
	expect_invalid("rules: {}\nexclude: [x]\n",
		       "cfg.yaml:2:1: unknown key 'exclude' (expected rules, ignore or pgVersion)");
	expect_invalid("- rules\n",
		       "cfg.yaml:1:1: configuration must be a mapping with the keys rules, ignore and pgVersion");
	expect_invalid("rules: {}\n---\nrules: {}\n",
		       "cfg.yaml:3:1: a configuration is one YAML document, not several");
}

Test(config, yaml_errors_name_file_line_and_column)
{
	struct am_config *c = NULL;

	cr_assert_lt(parse(&c, "rules: [\n", NULL), 0);
	cr_assert(am_starts_with(am_error_last(), "cfg.yaml:2:1: "), "%s",
		  am_error_last());
	cr_assert_lt(parse(&c, "rules: {}\nrules: {}\n", NULL), 0);
	cr_assert_str_eq(am_error_last(), "cfg.yaml:2:1: duplicate key 'rules'");
	am_error_clear();
}

Test(config, ignore_matches_paths_and_their_directories)
{
	struct am_config *c = NULL;

	cr_assert_eq(parse(&c,
			   "ignore:\n"
			   "  - legacy\n"
			   "  - \"**/gen-*.yaml\"\n"
			   "  - charts/*/tests/**\n",
			   NULL),
		     0);
	cr_assert(am_config_ignores(c, "/repo/legacy/a.yaml"));
	cr_assert(am_config_ignores(c, "/repo/legacy/deep/b.yaml"));
	cr_assert(am_config_ignores(c, "/repo/gen-crds.yaml"));
	cr_assert(am_config_ignores(c, "/repo/k8s/x/gen-crds.yaml"));
	cr_assert(am_config_ignores(c, "/repo/charts/api/tests/t.yaml"));
	cr_assert_not(am_config_ignores(c, "/repo/legacy.yaml"));
	cr_assert_not(am_config_ignores(c, "/repo/k8s/legacy/a.yaml"));
	cr_assert_not(am_config_ignores(c, "/repo/charts/api/templates/t.yaml"));
	cr_assert_not(am_config_ignores(c, "/other/legacy/a.yaml"));
	cr_assert_not(am_config_ignores(c, "/repository/legacy/a.yaml"));
	am_config_free(c);
}

Test(path, glob_segments_and_double_star)
{
	cr_assert(am_glob_match("a/*.yaml", "a/x.yaml"));
	cr_assert_not(am_glob_match("a/*.yaml", "a/b/x.yaml"));
	cr_assert(am_glob_match("a/**/x.yaml", "a/x.yaml"));
	cr_assert(am_glob_match("a/**/x.yaml", "a/b/c/x.yaml"));
	cr_assert(am_glob_match("**", "anything/at/all"));
	cr_assert(am_glob_match("a/**", "a"));
	cr_assert(am_glob_match("a/**", "a/b"));
	cr_assert_not(am_glob_match("a/**", "ab"));
	cr_assert(am_glob_match("?.y[am]ml", "x.yaml"));
	cr_assert(am_glob_match("*.yaml", ".hidden.yaml"));
	cr_assert_not(am_glob_match("a", "a/b"));
	cr_assert_not(am_glob_match("a/b", "a"));
}

Test(path, join_dirname_relative)
{
	char *s;

	s = am_path_join(".", "x.yaml");
	cr_assert_str_eq(s, "x.yaml");
	free(s);
	s = am_path_join("k8s/", "x.yaml");
	cr_assert_str_eq(s, "k8s/x.yaml");
	free(s);
	s = am_path_join("/", "x");
	cr_assert_str_eq(s, "/x");
	free(s);
	s = am_path_dirname("a/b/c");
	cr_assert_str_eq(s, "a/b");
	free(s);
	s = am_path_dirname("c");
	cr_assert_str_eq(s, ".");
	free(s);
	s = am_path_dirname("/c");
	cr_assert_str_eq(s, "/");
	free(s);
	s = am_path_relative("/r", "/r/x/y");
	cr_assert_str_eq(s, "x/y");
	free(s);
	cr_assert_null(am_path_relative("/r", "/rx/y"));
	s = am_path_relative("/", "/x");
	cr_assert_str_eq(s, "x");
	free(s);
}

/* A temporary tree: root/{.git/, .argomig-lint.yaml, a/b/, c/.argomig-lint.yaml}. */
static char *make_tree(void)
{
	char tmpl[] = "/tmp/argomig-config-XXXXXX";
	char *root, *p;
	FILE *fp;

	cr_assert_not_null(mkdtemp(tmpl));
	cr_assert_eq(am_path_realdir(&root, tmpl), 0);
	p = xasprintf("%s/.git", root);
	mkdir(p, 0700);
	free(p);
	p = xasprintf("%s/a", root);
	mkdir(p, 0700);
	free(p);
	p = xasprintf("%s/a/b", root);
	mkdir(p, 0700);
	free(p);
	p = xasprintf("%s/c", root);
	mkdir(p, 0700);
	free(p);
	p = xasprintf("%s/.argomig-lint.yaml", root);
	fp = fopen(p, "w");
	fputs("rules:\n  invalid-yaml: note\n", fp);
	fclose(fp);
	free(p);
	p = xasprintf("%s/c/.argomig-lint.yaml", root);
	fp = fopen(p, "w");
	fputs("pgVersion: 11\n", fp);
	fclose(fp);
	free(p);
	return root;
}

static void remove_tree(char *root)
{
	char *cmd = xasprintf("rm -rf '%s'", root);

	cr_assert_eq(system(cmd), 0);
	free(cmd);
	free(root);
}

Test(config, discovery_walks_up_to_the_repository_root)
{
	struct am_configs cs;
	const struct am_config *c1 = NULL, *c2 = NULL, *c3 = NULL, *c4 = NULL;
	char *root = make_tree(), *ab = xasprintf("%s/a/b", root),
	     *c = xasprintf("%s/c", root), *above = am_path_dirname(root);

	am_configs_init(&cs);
	cr_assert_eq(am_configs_for_dir(&cs, ab, NULL, &c1), 0);
	cr_assert_not_null(c1);
	cr_assert_eq(c1->sev[idx("invalid-yaml")], AM_SEV_NOTE);
	/* the nearest one wins; they do not merge */
	cr_assert_eq(am_configs_for_dir(&cs, c, NULL, &c2), 0);
	cr_assert_not_null(c2);
	cr_assert_eq(c2->pg_version, 11);
	cr_assert_eq(c2->sev[idx("invalid-yaml")], AM_SEV_DEFAULT);
	/* cached: the same configuration, not a second copy */
	cr_assert_eq(am_configs_for_dir(&cs, root, NULL, &c3), 0);
	cr_assert_eq(c3, c1);
	cr_assert_eq(cs.nloaded, 2);
	/* above the repository: the walk from there finds nothing */
	cr_assert_eq(am_configs_for_dir(&cs, above, NULL, &c4), 0);
	cr_assert_null(c4);
	am_configs_release(&cs);
	free(ab);
	free(c);
	free(above);
	remove_tree(root);
}

Test(config, fixed_configuration_replaces_discovery)
{
	struct am_configs cs;
	const struct am_config *got = NULL;
	char *root = make_tree(), *path = xasprintf("%s/c/.argomig-lint.yaml", root);

	am_configs_init(&cs);
	cr_assert_eq(am_config_load(&cs.fixed, path, NULL, NULL), 0);
	cr_assert_eq(am_configs_for_dir(&cs, root, NULL, &got), 0);
	cr_assert_eq(got, cs.fixed);
	cr_assert_eq(got->pg_version, 11);
	am_configs_release(&cs);
	free(path);
	remove_tree(root);
}

Test(config, unreadable_file_is_an_error)
{
	struct am_config *c = NULL;

	cr_assert_eq(am_config_load(&c, "/nonexistent/cfg.yaml", NULL, NULL),
		     AM_ENOTFOUND);
	cr_assert_str_eq(am_error_last(),
			 "cannot open '/nonexistent/cfg.yaml': No such file or directory");
	am_error_clear();
}
