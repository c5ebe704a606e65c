/* Streaming JSON and YAML documents: see docwriter.h. */
#include "docwriter.h"
#include "parallel.h"
#include "text.h"
#include "util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DW_BUF (1 << 16)		/* a writer's buffer: stdio and SHA-256 take blocks of it */
#define DW_CHUNK (128 << 10)		/* dw_items: bytes a chunk aims at */

/* ---- JSON: jansson's output, byte for byte ---- */

/* hands the buffered bytes on: to the file or into the hash */
static void flush(struct dw *w, const char *s, size_t n)
{
	if (w->kind == DW_JSON_SHA256)
		sha256_update(&w->sha, n, (const uint8_t *)s);
	else if (n && fwrite(s, 1, n, w->f) != n)
		w->err = -1;
}

/*
 * A document is written in tokens of a few bytes: they are gathered here
 * and handed on in large blocks (stdio per token and SHA-256 per token cost
 * more than the rest of plan.json together).
 */
static void out_slow(struct dw *w, const char *s, size_t n)
{
	if (w->segment) {	/* a chunk's writer keeps it all: dw_items hands it on */
		while (w->used + n > w->cap)
			w->cap *= 2;
		w->buf = xrealloc(w->buf, w->cap);
		memcpy(w->buf + w->used, s, n);
		w->used += n;
		return;
	}
	flush(w, w->buf, w->used);
	w->used = 0;
	if (n > w->cap) {
		flush(w, s, n);
		return;
	}
	memcpy(w->buf + w->used, s, n);
	w->used += n;
}

static inline void out(struct dw *w, const char *s, size_t n)
{
	if (w->used + n > w->cap) {
		out_slow(w, s, n);
		return;
	}
	memcpy(w->buf + w->used, s, n);
	w->used += n;
}

static inline void outc(struct dw *w, char c)
{
	if (w->used == w->cap) {
		out_slow(w, &c, 1);
		return;
	}
	w->buf[w->used++] = c;
}

static void outs(struct dw *w, const char *s)
{
	out(w, s, strlen(s));
}

/* jansson's dump_indent: a new line and two spaces a level, pretty only */
static void indent(struct dw *w, int depth)
{
	static const char spaces[2 * DW_MAX_DEPTH + 1] = "                                ";

	if (w->kind != DW_JSON)
		return;
	if (w->cap - w->used > sizeof(spaces)) {
		/* a copy of known size, which the compiler inlines, then only what the depth takes */
		w->buf[w->used] = '\n';
		memcpy(w->buf + w->used + 1, spaces, sizeof(spaces) - 1);
		w->used += 1 + (size_t)(2 * depth);
		return;
	}
	outc(w, '\n');
	out(w, spaces, (size_t)(2 * depth));
}

/* bytes jansson's dump_string writes as they are: not ", \\, a control character or NUL */
static const bool json_plain[256] = {
	[0x20 ... 0x21] = true, [0x23 ... 0x5b] = true, [0x5d ... 0xff] = true,
};

/* jansson's dump_string: ", \\, control characters escaped, the rest as is */
static void json_string(struct dw *w, const char *s)
{
	const char *run = s;
	char seq[8];

	outc(w, '"');
	for (;; s++) {
		unsigned char c;
		const char *esc;
		while (json_plain[(unsigned char)*s])	/* most strings: all of it */
			s++;
		out(w, run, (size_t)(s - run));
		c = (unsigned char)*s;
		if (!c)
			break;
		run = s + 1;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			snprintf(seq, sizeof(seq), "\\u%04X", c);
			esc = seq;
		}
		outs(w, esc);
	}
	outc(w, '"');
}

/* before a value or key inside a container: the comma and the line (none for a key's value) */
static void json_item(struct dw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->depth)
		return;
	if (w->items[w->depth])
		outc(w, ',');
	w->items[w->depth] = true;
	indent(w, w->depth);
}

/* ---- YAML: the style decisions config has always made ---- */

/* keys whose values are our own numbers (0x...): written plain */
static bool numeric_key(const char *key)
{
	/* memory, at, size, base, host, align: asked of every value, so no strcmp loop */
	if (!key)
		return false;
	switch (key[0]) {
	case 'm': return !strcmp(key, "memory");
	case 'a': return !strcmp(key, "at") || !strcmp(key, "align");
	case 's': return !strcmp(key, "size");
	case 'b': return !strcmp(key, "base");
	case 'h': return !strcmp(key, "host");
	default: return false;
	}
}

/* a number as we write them: a digit, then digits and letters (0x1000, 64) */
static bool number_like(const char *s)
{
	if (!(*s >= '0' && *s <= '9'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return false;
	return true;
}

/*
 * Plain only when every YAML 1.1 reader takes it as the same string:
 * identifier-like, not a bool/null word, not starting like a number.
 */
static bool plain_safe(const char *s)
{
	static const char *const words[] = {
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
		"false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null",
		"NULL", NULL,
	};
	/* letters, digits and _./- */
	static const bool plain_char[256] = {
		['a' ... 'z'] = true, ['A' ... 'Z'] = true, ['0' ... '9'] = true,
		['_'] = true, ['.'] = true, ['/'] = true, ['-'] = true,
	};
	const char *const *wd;
	const char *p;

	if (!*s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '/' || *s == '_'))
		return false;
	for (p = s; plain_char[(unsigned char)*p]; p++)
		;
	if (*p)
		return false;
	/* every such word is 1 to 5 letters, starting with one of these */
	if (p - s > 5 || !strchr("yYnNtTfFoO", *s))
		return true;
	for (wd = words; *wd; wd++)
		if (!strcmp(s, *wd))
			return false;
	return true;
}

/*
 * ---- YAML: written as libyaml 0.2.5's emitter writes it ----
 *
 * config's YAML was libyaml's emitter (width 100, unicode), which analyses
 * and copies every scalar; this is that emitter's layout for the shapes a
 * document writer makes (block mappings, block and flow sequences, plain and
 * double-quoted scalars), byte for byte: the same column, indentation and
 * whitespace state and the same rules for breaking lines, so that configs
 * stay what they were. tests/unit/test_docwriter.c holds it to libyaml's
 * emitter on every shape and on hostile strings.
 */
#define Y_WIDTH 100
#define Y_INDENT 2
#define Y_SIMPLE_KEY_MAX 128	/* a longer key is written "? key" */

static void y_put(struct dw *w, char c)
{
	outc(w, c);
	w->column++;
}

static void y_break(struct dw *w)
{
	outc(w, '\n');
	w->column = 0;
}

static void y_write_indent(struct dw *w)
{
	size_t ind = w->indent >= 0 ? (size_t)w->indent : 0;

	if (!w->indention || w->column > ind || (w->column == ind && !w->whitespace))
		y_break(w);
	while (w->column < ind)
		y_put(w, ' ');
	w->whitespace = w->indention = true;
}

static void y_indicator(struct dw *w, const char *ind, bool need_ws, bool is_ws, bool is_indention)
{
	if (need_ws && !w->whitespace)
		y_put(w, ' ');
	for (; *ind; ind++)
		y_put(w, *ind);
	w->whitespace = is_ws;
	w->indention = w->indention && is_indention;
}

static void y_push_indent(struct dw *w, bool flow, bool indentless)
{
	if (w->nindents == DW_MAX_DEPTH * 2) {
		w->err = -1;
		return;
	}
	w->indents[w->nindents++] = w->indent;
	if (w->indent < 0)
		w->indent = flow ? Y_INDENT : 0;
	else if (!indentless)
		w->indent += Y_INDENT;
}

static void y_pop_indent(struct dw *w)
{
	if (w->nindents)
		w->indent = w->indents[--w->nindents];
}

/* bytes in the UTF-8 character starting with c (libyaml's parser gave valid UTF-8) */
static size_t u8_width(unsigned char c)
{
	return c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
}

/* written as is inside double quotes: printable, not a break, BOM, quote or backslash */
static bool y_dq_plain_char(const unsigned char *p)
{
	if (p[0] < 0x80)
		return p[0] >= 0x20 && p[0] <= 0x7E && p[0] != '"' && p[0] != '\\';
	if (p[0] == 0xC2)
		return p[1] >= 0xA0;
	if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
		return false;	/* line and paragraph separators */
	if (p[0] > 0xC2 && p[0] < 0xED)
		return true;
	if (p[0] == 0xED)
		return p[1] < 0xA0;
	if (p[0] == 0xEE)
		return true;
	if (p[0] == 0xEF)
		return !(p[1] == 0xBB && p[2] == 0xBF) && !(p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF));
	return false;
}

static void y_escape(struct dw *w, const unsigned char *p, size_t width)
{
	static const char short_esc[][2] = {
		{ 0x00, '0' }, { 0x07, 'a' }, { 0x08, 'b' }, { 0x09, 't' }, { 0x0A, 'n' },
		{ 0x0B, 'v' }, { 0x0C, 'f' }, { 0x0D, 'r' }, { 0x1B, 'e' }, { 0x22, '"' },
		{ 0x5C, '\\' },
	};
	unsigned v = width == 1 ? p[0] : width == 2 ? p[0] & 0x1F : width == 3 ? p[0] & 0x0F : p[0] & 0x07;
	size_t k, digits;

	for (k = 1; k < width; k++)
		v = (v << 6) + (p[k] & 0x3F);
	y_put(w, '\\');
	for (k = 0; k < sizeof(short_esc) / sizeof(short_esc[0]); k++)
		if ((unsigned char)short_esc[k][0] == v) {
			y_put(w, short_esc[k][1]);
			return;
		}
	switch (v) {
	case 0x85: y_put(w, 'N'); return;
	case 0xA0: y_put(w, '_'); return;
	case 0x2028: y_put(w, 'L'); return;
	case 0x2029: y_put(w, 'P'); return;
	}
	digits = v <= 0xFF ? 2 : v <= 0xFFFF ? 4 : 8;
	y_put(w, digits == 2 ? 'x' : digits == 4 ? 'u' : 'U');
	for (k = digits; k-- > 0;)
		y_put(w, "0123456789ABCDEF"[(v >> (4 * k)) & 15]);
}

static void y_double_quoted(struct dw *w, const char *str, bool allow_breaks)
{
	const unsigned char *s = (const unsigned char *)str, *p = s, *end = s + strlen(str);
	bool spaces = false;

	y_indicator(w, "\"", true, false, false);
	while (p < end) {
		size_t width = u8_width(*p);
		if (*p == ' ') {
			if (allow_breaks && !spaces && w->column > Y_WIDTH && p != s && p != end - 1) {
				y_write_indent(w);
				if (p[1] == ' ')
					y_put(w, '\\');
			} else {
				y_put(w, ' ');
			}
			spaces = true;
			p++;
		} else if (y_dq_plain_char(p)) {
			out(w, (const char *)p, width);
			w->column++;
			spaces = false;
			p += width;
		} else {
			y_escape(w, p, width);
			spaces = false;
			p += width;
		}
	}
	y_indicator(w, "\"", false, false, false);
	w->whitespace = w->indention = false;
}

/* a scalar with no space or break, as plain (libyaml's plain writer needs no more) */
static void y_plain(struct dw *w, const char *s)
{
	size_t n = strlen(s);

	if (!w->whitespace && n)
		y_put(w, ' ');
	out(w, s, n);
	w->column += n;
	w->whitespace = w->indention = false;
}

/*
 * What libyaml does between one node and the next, inside the innermost
 * container: a key on a new line, ':' before a value, '- ' before a block
 * item, ', ' between flow items. Returns whether the node is a simple key.
 */
static bool y_before_node(struct dw *w, bool complex_key)
{
	struct dw_yctx *c = w->depth ? &w->y[w->depth] : NULL;
	bool simple = false;

	if (!c)
		return false;
	if (c->pending)
		w->err = -1;	/* opened and not started: the caller's bug */
	switch (c->kind) {
	case DW_Y_MAP:
		if (!c->want_value) {
			y_write_indent(w);
			if (complex_key) {
				y_indicator(w, "?", true, false, true);
				c->complex = true;
			} else {
				simple = true;
			}
		} else if (c->complex) {
			y_write_indent(w);
			y_indicator(w, ":", true, false, true);
			c->complex = false;
		} else {
			y_indicator(w, ":", false, false, false);
		}
		c->want_value = !c->want_value;
		break;
	case DW_Y_SEQ:
		y_write_indent(w);
		y_indicator(w, "-", true, false, true);
		break;
	case DW_Y_FLOW:
		if (!c->first)
			y_indicator(w, ",", false, false, false);
		if (w->column > Y_WIDTH)
			y_write_indent(w);
		break;
	}
	c->first = false;
	return simple;
}

/* a container left pending by its opening starts for real: it has an item */
static void y_start(struct dw *w)
{
	struct dw_yctx *c = w->depth ? &w->y[w->depth] : NULL;

	if (!c || !c->pending)
		return;
	c->pending = false;
	if (c->kind == DW_Y_MAP)
		y_push_indent(w, false, false);
	else if (c->kind == DW_Y_SEQ)
		y_push_indent(w, false, c->mapping_value && !w->indention);
}

static void y_scalar(struct dw *w, const char *s, bool plain)
{
	bool complex_key, simple;

	y_start(w);
	complex_key = w->depth && w->y[w->depth].kind == DW_Y_MAP && !w->y[w->depth].want_value &&
		      strlen(s) > Y_SIMPLE_KEY_MAX;
	simple = y_before_node(w, complex_key);
	y_push_indent(w, true, false);
	if (plain)
		y_plain(w, s);
	else
		y_double_quoted(w, s, !simple);
	y_pop_indent(w);
}

/* a mapping or sequence opens; libyaml writes an empty one in flow style */
static void y_open(struct dw *w, enum dw_ykind kind)
{
	struct dw_yctx *c;
	bool mapping_value;

	y_start(w);
	if (w->depth && w->y[w->depth].kind == DW_Y_FLOW) {
		w->err = -1;	/* flow sequences hold scalars only */
		return;
	}
	mapping_value = w->depth && w->y[w->depth].kind == DW_Y_MAP && w->y[w->depth].want_value;
	y_before_node(w, false);
	if (w->depth + 1 >= DW_MAX_DEPTH) {
		w->err = -1;
		return;
	}
	c = &w->y[w->depth + 1];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->first = true;
	c->mapping_value = mapping_value;
	if (kind == DW_Y_FLOW) {
		y_indicator(w, "[", true, true, false);
		y_push_indent(w, true, false);
		w->flow_level++;
	} else {
		c->pending = true;
	}
}

static void y_close(struct dw *w)
{
	struct dw_yctx *c = &w->y[w->depth];

	if (c->pending) {
		/* empty: "{}" or "[]" */
		y_indicator(w, c->kind == DW_Y_MAP ? "{" : "[", true, true, false);
		y_indicator(w, c->kind == DW_Y_MAP ? "}" : "]", false, false, false);
	} else if (c->kind == DW_Y_FLOW) {
		w->flow_level--;
		y_pop_indent(w);
		y_indicator(w, "]", false, false, false);
	} else {
		y_pop_indent(w);
	}
}

/* ---- the interface ---- */

void dw_open(struct dw *w, enum dw_kind kind, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->f = f;
	w->cap = DW_BUF;
	w->buf = xmalloc(w->cap);
	if (kind == DW_JSON_SHA256)
		sha256_init(&w->sha);
	/* libyaml's emitter at the stream's start; the document starts implicitly */
	w->indent = -1;
	w->whitespace = w->indention = true;
}

int dw_close(struct dw *w, char hex[DW_SHA256_HEX])
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	size_t i;

	if (w->kind == DW_JSON)
		outc(w, '\n');
	else if (w->kind == DW_YAML)
		y_write_indent(w);	/* the implicit document end */
	flush(w, w->buf, w->used);
	w->used = 0;
	free(w->buf);
	w->buf = NULL;
	if (w->kind == DW_JSON_SHA256) {
		sha256_digest(&w->sha, sizeof(digest), digest);
		for (i = 0; i < sizeof(digest); i++) {
			hex[2 * i] = "0123456789abcdef"[digest[i] >> 4];
			hex[2 * i + 1] = "0123456789abcdef"[digest[i] & 15];
		}
		hex[2 * sizeof(digest)] = '\0';
	}
	return w->err || w->depth ? -1 : 0;
}

static void open_container(struct dw *w, char json, enum dw_ykind ykind)
{
	if (w->kind == DW_YAML) {
		y_open(w, ykind);
	} else {
		json_item(w);
		outc(w, json);
	}
	if (w->depth + 1 >= DW_MAX_DEPTH) {
		w->err = -1;
		return;
	}
	w->items[++w->depth] = false;
	w->key = NULL;
}

void dw_object(struct dw *w)
{
	open_container(w, '{', DW_Y_MAP);
}

void dw_array(struct dw *w, bool block)
{
	open_container(w, '[', block ? DW_Y_SEQ : DW_Y_FLOW);
}

/* closes the innermost container; which one, JSON learns from what it opened */
static void close_container(struct dw *w, char json)
{
	bool items = w->items[w->depth];

	if (!w->depth) {
		w->err = -1;
		return;
	}
	if (w->kind == DW_YAML)
		y_close(w);
	w->depth--;
	w->key = NULL;
	if (w->kind == DW_YAML)
		return;
	if (items)
		indent(w, w->depth);
	outc(w, json);
}

void dw_end_object(struct dw *w)
{
	close_container(w, '}');
}

void dw_end_array(struct dw *w)
{
	close_container(w, ']');
}

void dw_key(struct dw *w, const char *key)
{
	if (w->kind == DW_YAML) {
		y_scalar(w, key, dw_yaml_plain(NULL, key));
		w->key = key;
		return;
	}
	json_item(w);
	json_string(w, key);
	outs(w, w->kind == DW_JSON ? ": " : ":");
	w->after_key = true;
}

bool dw_yaml_plain(const char *key, const char *s)
{
	return plain_safe(s) || (key && numeric_key(key) && number_like(s));
}

void dw_string(struct dw *w, const char *s)
{
	if (w->kind == DW_YAML) {
		y_scalar(w, s, dw_yaml_plain(w->key, s));
		w->key = NULL;
		return;
	}
	json_item(w);
	json_string(w, s);
}

void dw_key_string(struct dw *w, const char *key, const char *s)
{
	dw_key(w, key);
	dw_string(w, s);
}

/* a string of our own: plain in JSON (sanitizer builds check it) */
static void json_word(struct dw *w, const char *s)
{
	size_t n = strlen(s);

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
	for (size_t i = 0; i < n; i++)
		if (!json_plain[(unsigned char)s[i]])
			abort();	/* a caller's bug: dw_key_word is for our own words */
#endif
	outc(w, '"');
	out(w, s, n);
	outc(w, '"');
}

void dw_key_word(struct dw *w, const char *key, const char *s)
{
	if (w->kind == DW_YAML) {
		dw_key_string(w, key, s);
		return;
	}
	json_item(w);
	json_word(w, key);
	outs(w, w->kind == DW_JSON ? ": " : ":");
	json_word(w, s);
}

void dw_key_hex(struct dw *w, const char *key, uint64_t v, int min)
{
	char buf[24];
	size_t n;

	buf[0] = '"';
	buf[1] = '0';
	buf[2] = 'x';
	n = 3 + hex_into(buf + 3, v, min);
	if (w->kind == DW_YAML) {
		buf[n] = '\0';
		dw_key_string(w, key, buf + 1);
		return;
	}
	json_item(w);
	json_word(w, key);
	outs(w, w->kind == DW_JSON ? ": " : ":");
	buf[n++] = '"';
	out(w, buf, n);
}

void dw_int(struct dw *w, long long v)
{
	char buf[32];
	size_t n = 0;

	if (v < 0)
		buf[n++] = '-';
	n += dec_into(buf + n, v < 0 ? -(uint64_t)v : (uint64_t)v);
	buf[n] = '\0';
	if (w->kind == DW_YAML) {
		y_scalar(w, buf, true);
		w->key = NULL;
		return;
	}
	json_item(w);
	outs(w, buf);
}

void dw_bool(struct dw *w, bool v)
{
	if (w->kind == DW_YAML) {
		y_scalar(w, v ? "true" : "false", true);
		w->key = NULL;
		return;
	}
	json_item(w);
	outs(w, v ? "true" : "false");
}

void dw_null(struct dw *w)
{
	if (w->kind == DW_YAML) {
		y_scalar(w, "null", true);
		w->key = NULL;
		return;
	}
	json_item(w);
	outs(w, "null");
}

/* ---- items on two threads ---- */

/* dst takes src's place in the document; its own output and sink stay */
static void take_state(struct dw *dst, const struct dw *src)
{
	struct dw keep = *dst;

	*dst = *src;
	dst->kind = keep.kind;
	dst->f = keep.f;
	dst->sha = keep.sha;
	dst->buf = keep.buf;
	dst->used = keep.used;
	dst->cap = keep.cap;
	dst->segment = keep.segment;
	dst->err = keep.err | src->err;
}

struct dw_job {
	struct dw *w;			/* the document's writer */
	struct dw after_first;		/* its state after item 0: where every chunk starts */
	size_t n, per;			/* items, items a chunk */
	void (*item)(struct dw *w, size_t i, const void *arg);
	const void *arg;
	pthread_mutex_t lock;
	pthread_cond_t turn_changed;
	size_t next;			/* the next chunk to take */
	size_t turn;			/* the chunk to hand on next */
};

/* takes chunks in order, formats each, hands it on when its turn comes */
static void items_worker(void *p)
{
	struct dw_job *j = p;
	struct dw seg = { 0 };

	seg.kind = j->w->kind;
	seg.segment = true;
	seg.cap = DW_CHUNK;
	seg.buf = xmalloc(seg.cap);
	for (;;) {
		size_t c, from, to, i;
		pthread_mutex_lock(&j->lock);
		c = j->next++;
		pthread_mutex_unlock(&j->lock);
		from = 1 + c * j->per;
		if (from >= j->n)
			break;
		to = j->n - from > j->per ? from + j->per : j->n;
		take_state(&seg, &j->after_first);
		seg.used = 0;
		for (i = from; i < to; i++)
			j->item(&seg, i, j->arg);
		pthread_mutex_lock(&j->lock);
		while (j->turn != c)
			pthread_cond_wait(&j->turn_changed, &j->lock);
		out(j->w, seg.buf, seg.used);
		if (to == j->n)
			take_state(j->w, &seg);	/* the last: the document goes on from it */
		else
			j->w->err |= seg.err;
		j->turn++;
		pthread_cond_broadcast(&j->turn_changed);
		pthread_mutex_unlock(&j->lock);
	}
	free(seg.buf);
}

/* bytes a chunk aims at: DW_CHUNK, or XENSHM_CHUNK_BYTES (tests: many chunks from a small input) */
static size_t chunk_bytes(void)
{
	static _Atomic size_t bytes;	/* asked once: dw_items runs for every VM's arrays */
	size_t b = atomic_load_explicit(&bytes, memory_order_relaxed);
	const char *v;
	char *end;
	unsigned long long n;

	if (b)
		return b;
	b = DW_CHUNK;
	v = getenv("XENSHM_CHUNK_BYTES");
	if (v && *v) {
		n = strtoull(v, &end, 10);
		if (!*end && n)
			b = (size_t)n;
	}
	atomic_store_explicit(&bytes, b, memory_order_relaxed);
	return b;
}

void dw_items(struct dw *w, size_t n, size_t item_bytes,
	      void (*item)(struct dw *w, size_t i, const void *arg), const void *arg)
{
	size_t per, i;
	struct dw_job j;

	if (w->segment || n < 3) {	/* nested in a chunk, or nothing to share */
		for (i = 0; i < n; i++)
			item(w, i, arg);
		return;
	}
	per = chunk_bytes() / (item_bytes ? item_bytes : 1);
	/* items larger than a chunk: a loop here, their own arrays in chunks */
	if (!per || n < 1 + 2 * per || !threads_allowed()) {
		for (i = 0; i < n; i++)
			item(w, i, arg);
		return;
	}
	item(w, 0, arg);
	j = (struct dw_job){ .w = w, .after_first = *w, .n = n, .per = per, .item = item, .arg = arg };
	pthread_mutex_init(&j.lock, NULL);
	pthread_cond_init(&j.turn_changed, NULL);
	run_pair(items_worker, &j, &j, true);
	pthread_cond_destroy(&j.turn_changed);
	pthread_mutex_destroy(&j.lock);
}
