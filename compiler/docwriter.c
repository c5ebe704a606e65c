/* Streaming JSON and YAML documents: see docwriter.h. */
#include "docwriter.h"

#include <stdint.h>
#include <string.h>

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
	flush(w, w->buf, w->used);
	w->used = 0;
	if (n > sizeof(w->buf)) {
		flush(w, s, n);
		return;
	}
	memcpy(w->buf + w->used, s, n);
	w->used += n;
}

static inline void out(struct dw *w, const char *s, size_t n)
{
	if (w->used + n > sizeof(w->buf)) {
		out_slow(w, s, n);
		return;
	}
	memcpy(w->buf + w->used, s, n);
	w->used += n;
}

static inline void outc(struct dw *w, char c)
{
	if (w->used == sizeof(w->buf)) {
		flush(w, w->buf, w->used);
		w->used = 0;
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
	outc(w, '\n');
	out(w, spaces, (size_t)(2 * depth));
}

/* jansson's dump_string: ", \, control characters escaped, the rest as is */
static void json_string(struct dw *w, const char *s)
{
	const char *run = s;
	char seq[8];

	outc(w, '"');
	for (;; s++) {
		unsigned char c = (unsigned char)*s;
		const char *esc = NULL;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		out(w, run, (size_t)(s - run));
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

/* keys whose string values are our own numbers: written plain (0x...) */
static bool numeric_key(const char *key)
{
	static const char *const keys[] = { "memory", "at", "size", "base", "host", "align", NULL };
	const char *const *k;

	for (k = keys; key && *k; k++)
		if (!strcmp(key, *k))
			return true;
	return false;
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
	const char *const *wd;
	const char *p;

	if (!*s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '/' || *s == '_'))
		return false;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("_./-", *p)))
			return false;
	/* every such word is 1 to 5 letters, starting with one of these */
	if (p - s > 5 || !strchr("yYnNtTfFoO", *s))
		return true;
	for (wd = words; *wd; wd++)
		if (!strcmp(s, *wd))
			return false;
	return true;
}

static void emit(struct dw *w, yaml_event_t *ev)
{
	if (!w->err && !yaml_emitter_emit(&w->y, ev))
		w->err = -1;
}

static void yaml_scalar(struct dw *w, const char *s, bool plain)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)(uintptr_t)s, (int)strlen(s), plain, 1,
				     plain ? YAML_PLAIN_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	emit(w, &ev);
}

/* ---- the interface ---- */

void dw_open(struct dw *w, enum dw_kind kind, FILE *f)
{
	yaml_event_t ev;

	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->f = f;
	if (kind == DW_JSON_SHA256) {
		sha256_init(&w->sha);
	} else if (kind == DW_YAML) {
		if (!yaml_emitter_initialize(&w->y)) {
			w->err = -1;
			return;
		}
		yaml_emitter_set_output_file(&w->y, f);
		yaml_emitter_set_unicode(&w->y, 1);
		yaml_emitter_set_width(&w->y, 100);
		yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
		emit(w, &ev);
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
		emit(w, &ev);
	}
}

int dw_close(struct dw *w, char hex[DW_SHA256_HEX])
{
	yaml_event_t ev;
	uint8_t digest[SHA256_DIGEST_SIZE];
	size_t i;

	if (w->kind == DW_JSON)
		outc(w, '\n');
	if (w->kind != DW_YAML) {
		flush(w, w->buf, w->used);
		w->used = 0;
	}
	if (w->kind == DW_JSON_SHA256) {
		sha256_digest(&w->sha, sizeof(digest), digest);
		for (i = 0; i < sizeof(digest); i++) {
			hex[2 * i] = "0123456789abcdef"[digest[i] >> 4];
			hex[2 * i + 1] = "0123456789abcdef"[digest[i] & 15];
		}
		hex[2 * sizeof(digest)] = '\0';
	} else if (w->kind == DW_YAML) {
		yaml_document_end_event_initialize(&ev, 1);
		emit(w, &ev);
		yaml_stream_end_event_initialize(&ev);
		emit(w, &ev);
		if (!w->err && !yaml_emitter_flush(&w->y))
			w->err = -1;
		yaml_emitter_delete(&w->y);
	}
	return w->err || w->depth ? -1 : 0;
}

static void open_container(struct dw *w, char json, yaml_event_t *ev)
{
	if (w->kind == DW_YAML) {
		emit(w, ev);
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
	yaml_event_t ev;

	if (w->kind == DW_YAML)
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	open_container(w, '{', &ev);
}

void dw_array(struct dw *w, bool block)
{
	yaml_event_t ev;

	if (w->kind == DW_YAML)
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, block ?
						     YAML_BLOCK_SEQUENCE_STYLE : YAML_FLOW_SEQUENCE_STYLE);
	open_container(w, '[', &ev);
}

/* closes the innermost container; which one, JSON learns from what it opened */
static void close_container(struct dw *w, char json)
{
	yaml_event_t ev;
	bool items = w->items[w->depth];

	if (!w->depth) {
		w->err = -1;
		return;
	}
	w->depth--;
	w->key = NULL;
	if (w->kind == DW_YAML) {
		if (json == '}')
			yaml_mapping_end_event_initialize(&ev);
		else
			yaml_sequence_end_event_initialize(&ev);
		emit(w, &ev);
		return;
	}
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
		yaml_scalar(w, key, plain_safe(key));
		w->key = key;
		return;
	}
	json_item(w);
	json_string(w, key);
	outs(w, w->kind == DW_JSON ? ": " : ":");
	w->after_key = true;
}

void dw_string(struct dw *w, const char *s)
{
	if (w->kind == DW_YAML) {
		yaml_scalar(w, s, numeric_key(w->key) || plain_safe(s));
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

void dw_int(struct dw *w, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	if (w->kind == DW_YAML) {
		yaml_scalar(w, buf, true);
		w->key = NULL;
		return;
	}
	json_item(w);
	outs(w, buf);
}

void dw_bool(struct dw *w, bool v)
{
	if (w->kind == DW_YAML) {
		yaml_scalar(w, v ? "true" : "false", true);
		w->key = NULL;
		return;
	}
	json_item(w);
	outs(w, v ? "true" : "false");
}

void dw_null(struct dw *w)
{
	if (w->kind == DW_YAML) {
		yaml_scalar(w, "null", true);
		w->key = NULL;
		return;
	}
	json_item(w);
	outs(w, "null");
}
