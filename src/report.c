/* SPDX-License-Identifier: MIT */
/*
 * report.c - the printers of every output format (see report.h).
 *
 * Text and GitHub output are built as text; JSON and SARIF as jansson
 * values (never by string concatenation). Strings from the input can
 * hold anything: text output escapes control characters, JSON output
 * replaces invalid UTF-8 with U+FFFD, SARIF URIs are percent-encoded.
 * It does not sort or count findings (diag.c does).
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "report.h"
#include "rules/rules.h"
#include "util.h"

#ifndef AM_VERSION
#define AM_VERSION "0.0.0"
#endif

#define SARIF_SCHEMA \
	"https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json"

/* Source lines longer than this are not shown (minified JSON, huge scalars). */
#define SOURCE_MAX 400

static const char *const format_names[] = {
	[AM_FORMAT_TEXT] = "text",
	[AM_FORMAT_JSON] = "json",
	[AM_FORMAT_SARIF] = "sarif",
	[AM_FORMAT_GITHUB] = "github",
};

int am_format_parse(enum am_format *out, const char *name)
{
	int i = am_str_index(format_names, AM_ARRAY_SIZE(format_names), name);

	if (i < 0)
		return -1;
	*out = (enum am_format)i;
	return 0;
}

const char *am_format_name(enum am_format fmt)
{
	return format_names[fmt];
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

char *am_report_summary(const struct am_diags *d,
			const struct am_lint_summary *s)
{
	size_t e = d->count[AM_SEV_ERROR], w = d->count[AM_SEV_WARNING],
	       n = d->count[AM_SEV_NOTE];

	return xasprintf("%zu %s, %zu %s, %zu %s, %zu skipped: %zu %s, %zu %s, %zu %s, %zu suppressed",
			 s->files, plural(s->files, "file", "files"),
			 s->objects, plural(s->objects, "object", "objects"),
			 s->statements,
			 plural(s->statements, "statement", "statements"),
			 s->skipped, e, plural(e, "error", "errors"), w,
			 plural(w, "warning", "warnings"), n,
			 plural(n, "note", "notes"), d->suppressed);
}

/* --- text ---------------------------------------------------------------- */

/* Appends 's' with control characters escaped, so a finding is one line. */
static void add_clean(struct am_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			am_buf_adds(b, "\\n");
		else if (c == '\r')
			am_buf_adds(b, "\\r");
		else if (c == '\t')
			am_buf_adds(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			am_buf_addf(b, "\\x%02x", c);
		else
			am_buf_addch(b, c);
	}
}

/* Reads source lines forward, file by file (findings are sorted). */
struct source {
	FILE *fp;
	char *file;
	int lineno;		/* number of the line in 'line', 0 before the first */
	char *line;
	size_t cap;
	bool have;		/* 'line' holds line 'lineno' */
};

static void source_release(struct source *src)
{
	if (src->fp)
		fclose(src->fp);
	free(src->file);
	free(src->line);
	memset(src, 0, sizeof(*src));
}

/* Line 'line' of 'file' without its terminator, or NULL. Borrowed. */
static const char *source_line(struct source *src, const char *file, int line)
{
	ssize_t n = 0;

	if (!strcmp(file, "-") || line < 1)
		return NULL;
	if (!src->file || strcmp(src->file, file) || line < src->lineno) {
		if (src->fp)
			fclose(src->fp);
		free(src->file);
		src->file = xstrdup(file);
		src->fp = fopen(file, "rb");
		src->lineno = 0;
		src->have = false;
	}
	if (!src->fp)
		return NULL;
	while (src->lineno < line) {
		n = getline(&src->line, &src->cap, src->fp);
		if (n < 0) {
			src->have = false;
			return NULL;
		}
		src->lineno++;
		src->have = true;
		while (n > 0 && (src->line[n - 1] == '\n' ||
				 src->line[n - 1] == '\r'))
			src->line[--n] = '\0';
	}
	if (!src->have || strlen(src->line) > SOURCE_MAX)
		return NULL;
	return src->line;
}

/*
 * "  14 |   spec:" and "     |   ^": the caret under column 'col' (a
 * character count, as libyaml's), tabs copied so it lines up.
 */
static void add_source(struct am_buf *b, const char *text, int line, int col)
{
	const unsigned char *p;
	int c = 1;

	am_buf_addf(b, "%6d | ", line);
	for (p = (const unsigned char *)text; *p; p++)
		am_buf_addch(b, (*p < 0x20 && *p != '\t') || *p == 0x7f ? '?' : *p);
	am_buf_adds(b, "\n       | ");
	for (p = (const unsigned char *)text; *p && c < col; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;	/* a UTF-8 continuation byte */
		am_buf_addch(b, *p == '\t' ? '\t' : ' ');
		c++;
	}
	am_buf_adds(b, "^\n");
}

static void text_finding(struct am_buf *b, const struct am_finding *f,
			 struct source *src, bool show_source)
{
	const char *line;

	add_clean(b, f->file);
	am_buf_addf(b, ":%d:%d: %s: ", f->line, f->col,
		    f->suppressed ? "suppressed" : am_severity_name(f->severity));
	add_clean(b, f->message);
	am_buf_addf(b, " [%s]", f->rule);
	if (f->suppressed) {
		am_buf_adds(b, " -- ");
		add_clean(b, f->reason ? f->reason : "");
		am_buf_addch(b, '\n');
		return;
	}
	am_buf_addch(b, '\n');
	if (show_source && (line = source_line(src, f->file, f->line)))
		add_source(b, line, f->line, f->col);
	if (f->source) {
		am_buf_adds(b, "    source: ");
		add_clean(b, f->source);
		am_buf_addch(b, '\n');
	}
	if (f->hint) {
		am_buf_adds(b, "    hint: ");
		add_clean(b, f->hint);
		am_buf_addch(b, '\n');
	}
}

static int write_text(FILE *fp, const struct am_diags *d,
		      const struct am_lint_summary *s,
		      const struct am_report_opts *o)
{
	struct source src = { 0 };
	struct am_buf b = AM_BUF_INIT;
	char *summary;
	size_t i;

	for (i = 0; i < d->nr; i++) {
		am_buf_reset(&b);
		text_finding(&b, &d->items[i], &src, o && o->show_source);
		fwrite(b.buf, 1, b.len, fp);
	}
	summary = am_report_summary(d, s);
	fprintf(fp, "argomig: %s\n", summary);
	free(summary);
	source_release(&src);
	am_buf_release(&b);
	return 0;
}

/* --- GitHub workflow commands -------------------------------------------- */

/* GitHub's escaping: % CR LF always, and ':' ',' in properties. */
static void add_gh(struct am_buf *b, const char *s, bool property)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '%')
			am_buf_adds(b, "%25");
		else if (c == '\r')
			am_buf_adds(b, "%0D");
		else if (c == '\n')
			am_buf_adds(b, "%0A");
		else if (property && c == ':')
			am_buf_adds(b, "%3A");
		else if (property && c == ',')
			am_buf_adds(b, "%2C");
		else if ((c < 0x20 && c != '\t') || c == 0x7f)
			am_buf_addf(b, "\\x%02x", c);
		else
			am_buf_addch(b, c);
	}
}

static const char *gh_command(const struct am_finding *f)
{
	if (f->suppressed)
		return "notice";
	switch (f->severity) {
	case AM_SEV_ERROR:
		return "error";
	case AM_SEV_WARNING:
		return "warning";
	default:
		return "notice";
	}
}

static int write_github(FILE *fp, const struct am_diags *d)
{
	struct am_buf b = AM_BUF_INIT, title = AM_BUF_INIT, msg = AM_BUF_INIT;
	size_t i;

	for (i = 0; i < d->nr; i++) {
		const struct am_finding *f = &d->items[i];

		am_buf_reset(&b);
		am_buf_reset(&title);
		am_buf_reset(&msg);
		am_buf_adds(&title, f->rule);
		if (f->suppressed) {
			am_buf_adds(&title, " (suppressed)");
			am_buf_addf(&msg, "suppressed: %s -- %s", f->message,
				    f->reason ? f->reason : "");
		} else {
			am_buf_adds(&msg, f->message);
			if (f->hint)
				am_buf_addf(&msg, "\nhint: %s", f->hint);
		}
		am_buf_addf(&b, "::%s file=", gh_command(f));
		add_gh(&b, f->file, true);
		am_buf_addf(&b, ",line=%d,col=%d,title=", f->line, f->col);
		add_gh(&b, title.buf, true);
		am_buf_adds(&b, "::");
		add_gh(&b, msg.buf, false);
		am_buf_addch(&b, '\n');
		fwrite(b.buf, 1, b.len, fp);
	}
	am_buf_release(&b);
	am_buf_release(&title);
	am_buf_release(&msg);
	return 0;
}

/* --- JSON helpers -------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at 's', or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A JSON string of 's', invalid UTF-8 replaced by U+FFFD. */
static json_t *jstr(const char *s)
{
	struct am_buf b = AM_BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	json_t *v = json_string(s);

	if (v)
		return v;
	while (*p) {
		size_t n = utf8_len(p);

		if (n) {
			am_buf_add(&b, p, n);
			p += n;
		} else {
			am_buf_adds(&b, "\xef\xbf\xbd");
			p++;
		}
	}
	v = json_string(b.buf);
	am_buf_release(&b);
	if (!v)
		AM_BUG("cleaned string is still not UTF-8");
	return v;
}

static json_t *jstr_or_null(const char *s)
{
	return s ? jstr(s) : json_null();
}

/*
 * Serializes into memory, then writes once: json_dumpf() calls fwrite()
 * per token, which cost more than building the whole tree.
 */
static int dump(FILE *fp, json_t *root)
{
	char *text = json_dumps(root, JSON_INDENT(2));
	int ret = -1;

	json_decref(root);
	if (text) {
		size_t n = strlen(text);

		ret = fwrite(text, 1, n, fp) == n && fputc('\n', fp) != EOF ? 0 : -1;
		free(text);
	}
	return ret;
}

/* --- JSON ---------------------------------------------------------------- */

static int write_json(FILE *fp, const struct am_diags *d,
		      const struct am_lint_summary *s)
{
	json_t *root = json_object(), *list = json_array(), *sum;
	size_t i;

	json_object_set_new(root, "version", json_integer(1));
	for (i = 0; i < d->nr; i++) {
		const struct am_finding *f = &d->items[i];
		json_t *o = json_object();

		json_object_set_new(o, "rule", json_string(f->rule));
		json_object_set_new(o, "severity",
				    json_string(am_severity_name(f->severity)));
		json_object_set_new(o, "file", jstr(f->file));
		json_object_set_new(o, "line", json_integer(f->line));
		json_object_set_new(o, "column", json_integer(f->col));
		json_object_set_new(o, "object", jstr_or_null(f->object));
		if (f->source)
			json_object_set_new(o, "source", jstr(f->source));
		json_object_set_new(o, "message", jstr(f->message));
		json_object_set_new(o, "hint", jstr_or_null(f->hint));
		json_object_set_new(o, "suppressed", json_boolean(f->suppressed));
		if (f->suppressed)
			json_object_set_new(o, "reason",
					    jstr(f->reason ? f->reason : ""));
		json_array_append_new(list, o);
	}
	json_object_set_new(root, "findings", list);
	sum = json_object();
	json_object_set_new(sum, "files", json_integer((json_int_t)s->files));
	json_object_set_new(sum, "objects", json_integer((json_int_t)s->objects));
	json_object_set_new(sum, "statements",
			    json_integer((json_int_t)s->statements));
	json_object_set_new(sum, "skipped", json_integer((json_int_t)s->skipped));
	json_object_set_new(sum, "errors",
			    json_integer((json_int_t)d->count[AM_SEV_ERROR]));
	json_object_set_new(sum, "warnings",
			    json_integer((json_int_t)d->count[AM_SEV_WARNING]));
	json_object_set_new(sum, "notes",
			    json_integer((json_int_t)d->count[AM_SEV_NOTE]));
	json_object_set_new(sum, "suppressed",
			    json_integer((json_int_t)d->suppressed));
	json_object_set_new(root, "summary", sum);
	return dump(fp, root);
}

/* --- SARIF 2.1.0 --------------------------------------------------------- */

static json_t *sarif_text(json_t *text)
{
	json_t *o = json_object();

	json_object_set_new(o, "text", text);
	return o;
}

/*
 * The "Why it matters" paragraph of a rule's documentation on one line,
 * or NULL.
 */
static char *doc_first_paragraph(const char *doc)
{
	struct am_buf b = AM_BUF_INIT;
	const char *p = doc ? strchr(doc, '\n') : NULL;

	if (!p)
		return NULL;
	for (p++; *p == ' ' || *p == '\t';) {
		const char *end = strchr(p, '\n');
		size_t n;

		while (*p == ' ' || *p == '\t')
			p++;
		n = end ? (size_t)(end - p) : strlen(p);
		if (!n)
			break;
		if (b.len)
			am_buf_addch(&b, ' ');
		am_buf_add(&b, p, n);
		if (!end)
			break;
		p = end + 1;
	}
	if (!b.len)
		return NULL;
	return am_buf_detach(&b);
}

static json_t *sarif_rules(void)
{
	json_t *rules = json_array();
	size_t i;

	for (i = 0; i < am_rules_count(); i++) {
		const struct am_rule *r = am_rule_at(i);
		const char *doc = am_rule_doc(r->id);
		char *full = doc_first_paragraph(doc);
		json_t *o = json_object(), *conf = json_object(), *help;

		json_object_set_new(o, "id", json_string(r->id));
		json_object_set_new(o, "shortDescription",
				    sarif_text(json_string(r->summary)));
		json_object_set_new(o, "fullDescription",
				    sarif_text(jstr(full ? full : r->summary)));
		help = sarif_text(jstr(doc ? doc : r->summary));
		json_object_set_new(o, "help", help);
		json_object_set_new(conf, "level",
				    json_string(am_severity_name(r->severity)));
		json_object_set_new(o, "defaultConfiguration", conf);
		json_array_append_new(rules, o);
		free(full);
	}
	return rules;
}

/* A URI reference for a path: relative stays relative, absolute is file://. */
static json_t *sarif_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct am_buf b = AM_BUF_INIT;
	const unsigned char *p;
	json_t *v;

	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (path[0] == '/')
		am_buf_adds(&b, "file://");
	for (p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
			am_buf_addch(&b, *p);
		} else {
			am_buf_addch(&b, '%');
			am_buf_addch(&b, hex[*p >> 4]);
			am_buf_addch(&b, hex[*p & 15]);
		}
	}
	v = json_string(b.buf);
	am_buf_release(&b);
	return v;
}

static json_t *sarif_result(const struct am_finding *f)
{
	const struct am_rule *rule = am_rule_find(f->rule);
	json_t *o = json_object(), *loc = json_object(), *phys = json_object();
	json_t *art = json_object(), *region = json_object();
	struct am_buf msg = AM_BUF_INIT;

	json_object_set_new(o, "ruleId", json_string(f->rule));
	if (rule)
		json_object_set_new(o, "ruleIndex",
				    json_integer(rule - am_rule_at(0)));
	json_object_set_new(o, "level",
			    json_string(am_severity_name(f->severity)));
	am_buf_adds(&msg, f->message);
	if (f->hint)
		am_buf_addf(&msg, ". Hint: %s", f->hint);
	am_buf_addch(&msg, '.');
	json_object_set_new(o, "message", sarif_text(jstr(msg.buf)));
	am_buf_release(&msg);

	json_object_set_new(art, "uri", sarif_uri(f->file));
	json_object_set_new(phys, "artifactLocation", art);
	json_object_set_new(region, "startLine", json_integer(f->line));
	json_object_set_new(region, "startColumn", json_integer(f->col));
	json_object_set_new(phys, "region", region);
	json_object_set_new(loc, "physicalLocation", phys);
	if (f->object) {
		json_t *ll = json_object(), *lls = json_array();

		json_object_set_new(ll, "fullyQualifiedName", jstr(f->object));
		json_object_set_new(ll, "kind", json_string("resource"));
		json_array_append_new(lls, ll);
		json_object_set_new(loc, "logicalLocations", lls);
	}
	json_object_set_new(o, "locations", json_pack("[o]", loc));
	if (f->suppressed) {
		json_t *sup = json_object();

		json_object_set_new(sup, "kind", json_string("inSource"));
		json_object_set_new(sup, "justification",
				    jstr(f->reason ? f->reason : ""));
		json_object_set_new(o, "suppressions", json_pack("[o]", sup));
	}
	if (f->source) {
		json_t *props = json_object();

		json_object_set_new(props, "source", jstr(f->source));
		json_object_set_new(o, "properties", props);
	}
	return o;
}

static int write_sarif(FILE *fp, const struct am_diags *d)
{
	json_t *root = json_object(), *run = json_object(), *tool = json_object();
	json_t *driver = json_object(), *results = json_array();
	size_t i;

	json_object_set_new(root, "$schema", json_string(SARIF_SCHEMA));
	json_object_set_new(root, "version", json_string("2.1.0"));
	json_object_set_new(driver, "name", json_string("argomig"));
	json_object_set_new(driver, "version", json_string(AM_VERSION));
	json_object_set_new(driver, "semanticVersion", json_string(AM_VERSION));
	json_object_set_new(driver, "informationUri", json_string(AM_HOMEPAGE));
	json_object_set_new(driver, "rules", sarif_rules());
	json_object_set_new(tool, "driver", driver);
	json_object_set_new(run, "tool", tool);
	for (i = 0; i < d->nr; i++)
		json_array_append_new(results, sarif_result(&d->items[i]));
	json_object_set_new(run, "results", results);
	json_object_set_new(run, "columnKind", json_string("unicodeCodePoints"));
	json_object_set_new(root, "runs", json_pack("[o]", run));
	return dump(fp, root);
}

/* --- entry points -------------------------------------------------------- */

int am_report_write(FILE *fp, enum am_format fmt, const struct am_diags *d,
		    const struct am_lint_summary *s,
		    const struct am_report_opts *o)
{
	int ret = 0;

	switch (fmt) {
	case AM_FORMAT_TEXT:
		ret = write_text(fp, d, s, o);
		break;
	case AM_FORMAT_JSON:
		ret = write_json(fp, d, s);
		break;
	case AM_FORMAT_SARIF:
		ret = write_sarif(fp, d);
		break;
	case AM_FORMAT_GITHUB:
		ret = write_github(fp, d);
		break;
	}
	if (ret < 0 || fflush(fp) || ferror(fp))
		return am_error_set(AM_ERROR, "cannot write the %s report: %s",
				    am_format_name(fmt), strerror(errno));
	return 0;
}

int am_report_write_file(const char *path, enum am_format fmt,
			 const struct am_diags *d,
			 const struct am_lint_summary *s,
			 const struct am_report_opts *o)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	FILE *fp = NULL;
	mode_t mask;
	int fd, ret = 0;

	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = am_error_set(AM_ERROR, "cannot write '%s': %s", path,
				   strerror(errno));
		goto out;
	}
	mask = umask(0);
	umask(mask);
	fp = fdopen(fd, "w");
	if (!fp || fchmod(fd, 0666 & ~mask) < 0) {
		ret = am_error_set(AM_ERROR, "cannot write '%s': %s", path,
				   strerror(errno));
		if (!fp)
			close(fd);
		goto fail;
	}
	ret = am_report_write(fp, fmt, d, s, o);
	if (ret < 0) {
		ret = am_error_set(AM_ERROR, "cannot write '%s': %s", path,
				   strerror(errno));
		goto fail;
	}
	if (fsync(fd) < 0 || fclose(fp)) {
		fp = NULL;
		ret = am_error_set(AM_ERROR, "cannot write '%s': %s", path,
				   strerror(errno));
		goto fail;
	}
	fp = NULL;
	if (rename(tmp, path) < 0) {
		ret = am_error_set(AM_ERROR, "cannot write '%s': %s", path,
				   strerror(errno));
		goto fail;
	}
	goto out;
fail:
	if (fp)
		fclose(fp);
	unlink(tmp);
out:
	free(tmp);
	return ret;
}
