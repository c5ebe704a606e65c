/* Diagnostics: collected per file, printed as text, JSON or SARIF; exit codes. */
#include "diag.h"
#include "explain.h"
#include "text.h"
#include "util.h"
#include "version.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_config_init(struct diag_config *cfg)
{
	size_t i;

	for (i = 0; i < C__COUNT; i++)
		cfg->sev[i] = check_info(i)->severity;
	cfg->werror = false;
}

int diag_config_set(struct diag_config *cfg, char op, const char *name)
{
	enum check_id c;

	if (op == 'W' && !strcmp(name, "error")) {
		cfg->werror = true;
		return 0;
	}
	c = check_find(name);
	if (c == C__COUNT) {
		const char *near = check_suggest(name);
		fprintf(stderr, "xenshm-compose: unknown check '%s'", q(name));
		if (near)
			fprintf(stderr, "; did you mean '%s'?", near);
		fputs("\n(xenshm-compose explain --list shows every check)\n", stderr);
		return -1;
	}
	if (check_info(c)->severity == SEV_FATAL) {
		fprintf(stderr, "xenshm-compose: '%s' is fatal and cannot be changed\n", name);
		return -1;
	}
	switch (op) {
	case 'W':
		cfg->sev[c] = SEV_WARNING;
		break;
	case 'E':
		cfg->sev[c] = SEV_ERROR;
		break;
	default: /* 'n': -Wno-NAME */
		cfg->sev[c] = SEV_OFF;
		break;
	}
	return 0;
}

void diag_init(struct diag_set *d, const struct source *src, const struct diag_config *cfg)
{
	memset(d, 0, sizeof(*d));
	d->src = src;
	d->cfg = cfg;
}

static void diagnostic_release(struct diagnostic *dg)
{
	size_t i;

	for (i = 0; i < dg->nnotes; i++)
		free(dg->notes[i].msg);
	free(dg->notes);
	free(dg->msg);
}

void diag_release(struct diag_set *d)
{
	size_t i;

	for (i = 0; i < d->count; i++)
		diagnostic_release(&d->items[i]);
	free(d->items);
	memset(d, 0, sizeof(*d));
}

static enum severity effective(const struct diag_set *d, enum check_id c)
{
	enum severity s = d->cfg ? d->cfg->sev[c] : check_info(c)->severity;

	if (s == SEV_WARNING && d->cfg && d->cfg->werror)
		s = SEV_ERROR;
	return s;
}

/*
 * The order diagnostics are shown in: file position, then check, then the
 * order one check reported them. It does not depend on the order the checks
 * ran in.
 */
static int cmp_diag(const void *pa, const void *pb)
{
	const struct diagnostic *a = pa, *b = pb;
	int c = srcpos_cmp(&a->pos, &b->pos);

	if (c)
		return c;
	if (a->check != b->check)
		return a->check < b->check ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void swap_items(struct diagnostic *v, size_t a, size_t b)
{
	struct diagnostic tmp = v[a];

	v[a] = v[b];
	v[b] = tmp;
}

/*
 * The kept diagnostics are a max-heap in cmp_diag's order, so that past
 * DIAG_MAX the set keeps the first ones in the file, whatever order they
 * came in. Each returns the item's new index.
 */
static size_t sift_up(struct diagnostic *v, size_t i)
{
	while (i && cmp_diag(&v[(i - 1) / 2], &v[i]) < 0) {
		swap_items(v, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return i;
}

static size_t sift_down(struct diagnostic *v, size_t n, size_t i)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return i;
		if (c + 1 < n && cmp_diag(&v[c + 1], &v[c]) > 0)
			c++;
		if (cmp_diag(&v[c], &v[i]) <= 0)
			return i;
		swap_items(v, i, c);
		i = c;
	}
}

/* Stores dg, taking its strings, or drops it when the set is full of earlier ones. */
static struct diagnostic *keep(struct diag_set *d, struct diagnostic *dg)
{
	if (d->count == DIAG_MAX) {
		/* full: the new one takes the place of the last in the file, if it comes before */
		d->dropped++;
		if (cmp_diag(dg, &d->items[0]) > 0) {
			diagnostic_release(dg);
			return NULL;
		}
		diagnostic_release(&d->items[0]);
		d->items[0] = *dg;
		return &d->items[sift_down(d->items, d->count, 0)];
	}
	ALLOC_GROW(d->items, d->count + 1, d->alloc);
	d->items[d->count] = *dg;
	return &d->items[sift_up(d->items, d->count++)];
}

struct diagnostic *report(struct diag_set *d, enum check_id c, const struct srcpos *pos,
			  const char *fmt, ...)
{
	enum severity sev = effective(d, c);
	struct diagnostic dg = { .check = c, .sev = sev, .pos = *pos, .seq = d->reported };
	va_list ap;

	d->fired[c]++;
	if (sev == SEV_OFF)
		return NULL;
	if (sev == SEV_FATAL)
		d->fatals++;
	else if (sev == SEV_ERROR)
		d->errors++;
	else
		d->warnings++;
	d->reported++;
	if (d->count == DIAG_MAX && cmp_diag(&dg, &d->items[0]) > 0) {
		d->dropped++;	/* later in the file than every kept one: not even formatted */
		return NULL;
	}
	va_start(ap, fmt);
	dg.msg = xvasprintf(fmt, ap);
	va_end(ap);
	return keep(d, &dg);
}

void diag_merge(struct diag_set *d, struct diag_set *from)
{
	size_t i;

	for (i = 0; i < C__COUNT; i++)
		d->fired[i] += from->fired[i];
	d->fatals += from->fatals;
	d->errors += from->errors;
	d->warnings += from->warnings;
	d->reported += from->reported;
	d->dropped += from->dropped;
	/* one check reports into one set: its diagnostics keep their order (seq) */
	for (i = 0; i < from->count; i++)
		keep(d, &from->items[i]);
	free(from->items);
	from->items = NULL;
	from->count = from->alloc = 0;
	diag_release(from);
}

void diag_note(struct diagnostic *dg, const struct srcpos *pos, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!dg)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	ALLOC_GROW(dg->notes, dg->nnotes + 1, dg->alloc);
	dg->notes[dg->nnotes].pos = *pos;
	dg->notes[dg->nnotes].msg = msg;
	dg->nnotes++;
}

/* The stored diagnostics in file order; caller frees the array only. */
static struct diagnostic *sorted(const struct diag_set *d)
{
	struct diagnostic *v = xmalloc(sizeof(*v) * (d->count ? d->count : 1));

	if (d->count)
		memcpy(v, d->items, sizeof(*v) * d->count);
	qsort(v, d->count, sizeof(*v), cmp_diag);
	return v;
}

static const char *sev_name(enum severity s)
{
	switch (s) {
	case SEV_FATAL:
		return "fatal";
	case SEV_ERROR:
		return "error";
	case SEV_WARNING:
		return "warning";
	default:
		return "off";
	}
}

/* Decodes one UTF-8 character; returns its length, 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0 && s[0] >= 0xC2)
		n = 2;
	else if ((s[0] & 0xF0) == 0xE0)
		n = 3;
	else if ((s[0] & 0xF8) == 0xF0 && s[0] <= 0xF4)
		n = 4;
	else
		return 0;
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

#define EXCERPT_WIDTH 120	/* characters of a source line shown around the caret */

/*
 * The source line of pos and a caret under its column, as gcc does. Control
 * characters and invalid UTF-8 become '?', long lines are cut around the caret.
 */
static void print_excerpt(const struct source *src, const struct srcpos *pos, int width,
			  FILE *f)
{
	size_t len, i, ch = 0, first, last, caret_at = 0;
	const unsigned char *s;
	char *text, *mark;
	size_t o = 0, m = 0;

	if (!src || !srcpos_valid(pos) || pos->line > source_nlines(src))
		return;
	s = (const unsigned char *)source_line(src, pos->line, &len);
	/* cut only lines too long to show whole, around the caret */
	for (i = 0, ch = 0; i < len; i++)
		ch += (s[i] & 0xC0) != 0x80;
	first = ch > EXCERPT_WIDTH && pos->col > EXCERPT_WIDTH / 2 ? pos->col - EXCERPT_WIDTH / 2 : 1;
	ch = 0;
	last = first + EXCERPT_WIDTH;
	text = xmalloc(len + 16);
	mark = xmalloc(len + EXCERPT_WIDTH + 16);
	if (first > 1) {
		memcpy(text, "...", 3);
		memcpy(mark, "   ", 3);
		o = m = 3;
	}
	for (i = 0; i < len; ch++) {
		size_t n = utf8_len(s + i, len - i), col = ch + 1;
		bool tab = s[i] == '\t';

		if (col >= first && col < last) {
			if (col == pos->col)
				caret_at = m + 1;
			if (n == 0 || (n == 1 && !tab && (s[i] < 0x20 || s[i] == 0x7f))) {
				text[o++] = '?';
			} else {
				memcpy(text + o, s + i, n);
				o += n;
			}
			if (col < pos->col)
				mark[m++] = tab ? '\t' : ' ';
			else if (col > pos->col && col < (size_t)pos->col + pos->len)
				mark[m++] = '~';
		}
		i += n ? n : 1;
	}
	if (ch >= last) {
		memcpy(text + o, "...", 3);
		o += 3;
	}
	text[o] = '\0';
	if (!caret_at) {
		/* the column is past the end of the line (e.g. at end of file) */
		while (m < (size_t)pos->col - first + (first > 1 ? 3 : 0))
			mark[m++] = ' ';
		caret_at = m + 1;
	}
	mark[m] = '\0';
	fprintf(f, " %*u | %s\n", width, pos->line, text);
	fprintf(f, " %*s | %.*s^%s\n", width, "", (int)(caret_at - 1), mark,
		mark + caret_at - 1);
	free(text);
	free(mark);
}

static int digits(uint32_t n)
{
	int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

static void print_text(const struct diag_set *d, FILE *f)
{
	struct diagnostic *v = sorted(d);
	const char *file = d->src ? d->src->name : "xenshm-compose";
	size_t i, j;

	for (i = 0; i < d->count; i++) {
		const struct diagnostic *dg = &v[i];
		int w = digits(dg->pos.line);

		for (j = 0; j < dg->nnotes; j++)
			if (digits(dg->notes[j].pos.line) > w)
				w = digits(dg->notes[j].pos.line);
		/* gcc's words: a fatal problem reads "fatal error:" */
		fprintf(f, "%s:%u:%u: %s: [%s] %s\n", file, dg->pos.line, dg->pos.col,
			dg->sev == SEV_FATAL ? "fatal error" : sev_name(dg->sev),
			check_info(dg->check)->name, dg->msg);
		print_excerpt(d->src, &dg->pos, w, f);
		for (j = 0; j < dg->nnotes; j++) {
			const struct note *n = &dg->notes[j];
			if (srcpos_valid(&n->pos)) {
				fprintf(f, "%s:%u:%u: note: %s\n", file, n->pos.line, n->pos.col, n->msg);
				print_excerpt(d->src, &n->pos, w, f);
			} else {
				fprintf(f, "%s: note: %s\n", file, n->msg);
			}
		}
	}
	if (d->dropped)
		fprintf(f, "%s: note: %zu more diagnostics not shown (the limit is %d)\n", file,
			d->dropped, DIAG_MAX);
	free(v);
}

static json_t *json_diagnostics(const struct diag_set *d)
{
	struct diagnostic *v = sorted(d);
	json_t *arr = json_array();
	size_t i, j;

	for (i = 0; i < d->count; i++) {
		json_t *notes = json_array();
		for (j = 0; j < v[i].nnotes; j++)
			json_array_append_new(notes, json_pack("{s:i, s:i, s:s}",
				"line", (json_int_t)v[i].notes[j].pos.line,
				"column", (json_int_t)v[i].notes[j].pos.col,
				"message", v[i].notes[j].msg));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:i, s:i, s:s, s:o}",
			"check", check_info(v[i].check)->name,
			"severity", sev_name(v[i].sev),
			"line", (json_int_t)v[i].pos.line,
			"column", (json_int_t)v[i].pos.col,
			"message", v[i].msg,
			"notes", notes));
	}
	free(v);
	return arr;
}

/* Percent-encodes a path into a URI reference, as SARIF's schema asks: relative, or file:///... */
static char *uri_ref(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(strlen(path) * 3 + 8), *o = out;

	/* an absolute path is a file URI (RFC 8089): a relative reference may not start with a slash */
	if (path[0] == '/')
		o = stpcpy(o, "file://");
	for (; *path; path++) {
		unsigned char c = (unsigned char)*path;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~/", c)) {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

static const char *sarif_level(enum severity s)
{
	return s == SEV_WARNING ? "warning" : "error";
}

static json_t *sarif_location(const char *uri, const struct srcpos *pos)
{
	json_t *loc = json_pack("{s:{s:s, s:i}}", "artifactLocation", "uri", uri, "index", 0);

	if (srcpos_valid(pos))
		json_object_set_new(loc, "region", json_pack("{s:i, s:i}",
			"startLine", (json_int_t)pos->line,
			"startColumn", (json_int_t)(pos->col ? pos->col : 1)));
	return loc;
}

/* one run of a SARIF log: the checks as rules, and what they found in d's file */
static json_t *sarif_run(const struct diag_set *d)
{
	struct diagnostic *v = sorted(d);
	char *uri = uri_ref(d->src ? d->src->name : "-");
	json_t *rules = json_array(), *results = json_array();
	size_t i, j;

	for (i = 0; i < C__COUNT; i++) {
		const struct check_info *c = check_info(i);
		const struct explanation *e = explain_of(i);
		json_t *rule = json_pack("{s:s, s:{s:s}, s:{s:s}}",
			"id", c->name,
			"shortDescription", "text", e ? e->summary : c->name,
			"defaultConfiguration", "level", sarif_level(c->severity));
		if (e)
			json_object_set_new(rule, "help", json_pack("{s:s}", "text", e->fix));
		json_array_append_new(rules, rule);
	}
	for (i = 0; i < d->count; i++) {
		json_t *related = json_array();
		json_t *res = json_pack("{s:s, s:i, s:s, s:{s:s}, s:[o]}",
			"ruleId", check_info(v[i].check)->name,
			"ruleIndex", (json_int_t)v[i].check,
			"level", sarif_level(v[i].sev),
			"message", "text", v[i].msg,
			"locations", json_pack("{s:o}", "physicalLocation",
					       sarif_location(uri, &v[i].pos)));
		for (j = 0; j < v[i].nnotes; j++)
			json_array_append_new(related, json_pack("{s:i, s:o, s:{s:s}}",
				"id", (json_int_t)j,
				"physicalLocation", sarif_location(uri, &v[i].notes[j].pos),
				"message", "text", v[i].notes[j].msg));
		if (v[i].nnotes)
			json_object_set_new(res, "relatedLocations", related);
		else
			json_decref(related);
		json_array_append_new(results, res);
	}
	free(v);
	json_t *run = json_pack("{s:{s:{s:s, s:s, s:s, s:o}}, s:s, s:[{s:{s:s}}], s:o, s:[{s:b}]}",
		"tool", "driver",
		"name", "xenshm-compose",
		"version", XENSHM_VERSION,
		"informationUri", XENSHM_URL,
		"rules", rules,
		"columnKind", "unicodeCodePoints",
		"artifacts", "location", "uri", uri,
		"results", results,
		"invocations", "executionSuccessful", 1);
	free(uri);
	return run;
}

/* the --format json document of one set */
static json_t *json_doc(const struct diag_set *d)
{
	return json_pack("{s:s, s:o, s:i, s:i, s:i}",
		"file", d->src ? d->src->name : "-",
		"diagnostics", json_diagnostics(d),
		"errors", (json_int_t)(d->errors + d->fatals),
		"warnings", (json_int_t)d->warnings,
		"not_shown", (json_int_t)d->dropped);
}

void diag_print_many(const struct diag_set *const *sets, size_t n, enum diag_format fmt,
		     FILE *out, FILE *err)
{
	json_t *doc;
	size_t i;

	switch (fmt) {
	case FORMAT_TEXT:
		for (i = 0; i < n; i++)
			print_text(sets[i], err);
		return;
	case FORMAT_JSON:
		if (n == 1) {
			doc = json_doc(sets[0]);
			break;
		}
		doc = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(doc, json_doc(sets[i]));
		break;
	default:
		doc = json_pack("{s:s, s:s, s:[]}", "$schema",
				"https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs");
		for (i = 0; i < n; i++)
			json_array_append_new(json_object_get(doc, "runs"), sarif_run(sets[i]));
		break;
	}
	json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	fputc('\n', out);
	json_decref(doc);
}

void diag_print(const struct diag_set *d, enum diag_format fmt, FILE *out, FILE *err)
{
	diag_print_many(&d, 1, fmt, out, err);
}

bool diag_has_errors(const struct diag_set *d)
{
	return d->errors || d->fatals;
}

int diag_exit_code(const struct diag_set *d)
{
	if (d->fatals)
		return EXIT_USAGE;
	if (d->errors)
		return EXIT_CHECKS;
	return EXIT_OK;
}

/* "N errors and M warnings generated", as compilers end */
void diag_print_summary(const struct diag_set *d, FILE *f)
{
	size_t e = d->errors + d->fatals, w = d->warnings;

	if (e && w)
		fprintf(f, "%zu error%s and %zu warning%s generated.\n", e, e == 1 ? "" : "s", w,
			w == 1 ? "" : "s");
	else if (e)
		fprintf(f, "%zu error%s generated.\n", e, e == 1 ? "" : "s");
	else if (w)
		fprintf(f, "%zu warning%s generated.\n", w, w == 1 ? "" : "s");
}

