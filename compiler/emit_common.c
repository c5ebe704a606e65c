/* What the back ends share: quoting for each language, the text appender, which artifacts apply. */
#include "emit.h"
#include "text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/*
 * Double-quoted with backslash escapes: the one form xl, DOT and dtc agree
 * on. Control characters become \n, \t or \xHH (DOT: dropped to a space,
 * since it has no \x), so no input can end the string or the line. Writes
 * at most QUOTED_MAX(n) bytes at out, no NUL; returns how many.
 */
#define QUOTED_MAX(n) (4 * (n) + 4)
static size_t quote_into(char *out, const char *s, size_t n, bool dot)
{
	char *o = out;
	size_t i;

	*o++ = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (c == '\t' && !dot) {
			*o++ = '\\';
			*o++ = 't';
		} else if (c < 0x20 || c == 0x7f) {
			if (dot) {
				*o++ = ' ';
			} else {
				*o++ = '\\';
				*o++ = 'x';
				*o++ = "0123456789abcdef"[c >> 4];
				*o++ = "0123456789abcdef"[c & 15];
			}
		} else {
			*o++ = (char)c;
		}
	}
	/* DOT's lexer reads \" as an escaped quote: never end on a backslash */
	if (dot && o - out >= 2 && o[-1] == '\\')
		*o++ = ' ';
	*o++ = '"';
	return (size_t)(o - out);
}

static char *quote(const char *s, bool dot)
{
	size_t n = strlen(s);
	char *out = xmalloc(QUOTED_MAX(n) + 1);

	out[quote_into(out, s, n, dot)] = '\0';
	return out;
}

char *xl_quote(const char *s)
{
	return quote(s, false);
}

char *dts_quote(const char *s)
{
	return quote(s, false);
}

char *dot_quote(const char *s)
{
	return quote(s, true);
}

/* at most 2 * n bytes at out, no NUL; returns how many */
static size_t comment_into(char *out, const char *s, size_t n)
{
	char *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char next = i + 1 < n ? s[i + 1] : '\0';
		if (c < 0x20 || c == 0x7f) {
			*o++ = ' ';
		} else if ((c == '*' && next == '/') || (c == '/' && next == '*') ||
			   (c == '?' && next == '?')) {
			/* no comment end, no nested start, no trigraph (??/ splices lines) */
			*o++ = (char)c;
			*o++ = ' ';
		} else {
			*o++ = (char)c;
		}
	}
	return (size_t)(o - out);
}

char *comment_text(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(2 * n + 1);

	out[comment_into(out, s, n)] = '\0';
	return out;
}

/* ---- textout: see emit.h ---- */

void textout_init(struct textout *o, FILE *f)
{
	o->f = f;
	o->used = 0;
}

void textout_flush(struct textout *o)
{
	if (o->used)
		fwrite(o->buf, 1, o->used, o->f);	/* a short write sets f's error flag */
	o->used = 0;
}

int textout_finish(struct textout *o)
{
	textout_flush(o);
	return emit_status(o->f);
}

void to_mem_slow(struct textout *o, const char *s, size_t n)
{
	textout_flush(o);
	if (n > TEXTOUT_BUF) {
		fwrite(s, 1, n, o->f);
		return;
	}
	memcpy(o->buf, s, n);
	o->used = n;
}

/* room for n more bytes in the buffer, when it can hold them at all */
static bool room(struct textout *o, size_t n)
{
	if (n > TEXTOUT_BUF - o->used)
		textout_flush(o);
	return n <= TEXTOUT_BUF;
}

void to_dec(struct textout *o, uint64_t v)
{
	room(o, 20);
	o->used += dec_into(o->buf + o->used, v);
}

void to_hex(struct textout *o, uint64_t v, int min)
{
	room(o, 16);
	o->used += hex_into(o->buf + o->used, v, min);
}

void to_quoted(struct textout *o, const char *s, bool dot)
{
	size_t n = strlen(s);
	char *q;

	if (n < TEXTOUT_BUF / 4 && room(o, QUOTED_MAX(n))) {
		o->used += quote_into(o->buf + o->used, s, n, dot);
		return;
	}
	q = quote(s, dot);
	to_str(o, q);
	free(q);
}

void to_comment(struct textout *o, const char *s)
{
	size_t n = strlen(s);
	char *c;

	if (n < TEXTOUT_BUF / 2 && room(o, 2 * n)) {
		o->used += comment_into(o->buf + o->used, s, n);
		return;
	}
	c = comment_text(s);
	to_str(o, c);
	free(c);
}

int emit_status(FILE *f)
{
	return fflush(f) || ferror(f) ? -1 : 0;
}

bool wants_host_dtsi(const struct topology *t)
{
	return t->arch == ARCH_ARM64 && t->backend == BACKEND_IOMEM && t->has_pool;
}

bool wants_dom0less_dtsi(const struct topology *t)
{
	return t->backend == BACKEND_DOM0LESS;
}
