/* What the back ends share: quoting for each language, which artifacts apply. */
#include "emit.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/*
 * Double-quoted with backslash escapes: the one form xl, DOT and dtc agree
 * on. Control characters become \n, \t or \xHH (DOT: dropped to a space,
 * since it has no \x), so no input can end the string or the line.
 */
static char *quote(const char *s, bool hex_escapes)
{
	char *out = xmalloc(strlen(s) * 4 + 3), *o = out;

	*o++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (c == '\t' && hex_escapes) {
			*o++ = '\\';
			*o++ = 't';
		} else if (c < 0x20 || c == 0x7f) {
			if (hex_escapes) {
				o += sprintf(o, "\\x%02x", c);
			} else {
				*o++ = ' ';
			}
		} else {
			*o++ = (char)c;
		}
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

char *xl_quote(const char *s)
{
	return quote(s, true);
}

char *dts_quote(const char *s)
{
	return quote(s, true);
}

char *dot_quote(const char *s)
{
	char *q = quote(s, false);
	size_t n = strlen(q);

	/* DOT's lexer reads \" as an escaped quote: never end on a backslash */
	if (n >= 2 && q[n - 2] == '\\') {
		q = xrealloc(q, n + 2);
		q[n - 1] = ' ';
		q[n] = '"';
		q[n + 1] = '\0';
	}
	return q;
}

char *comment_text(const char *s)
{
	char *out = xmalloc(strlen(s) * 2 + 1), *o = out;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f) {
			*o++ = ' ';
		} else if ((c == '*' && s[1] == '/') || (c == '/' && s[1] == '*') ||
			   (c == '?' && s[1] == '?')) {
			/* no comment end, no nested start, no trigraph (??/ splices lines) */
			*o++ = (char)c;
			*o++ = ' ';
		} else {
			*o++ = (char)c;
		}
	}
	*o = '\0';
	return out;
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
