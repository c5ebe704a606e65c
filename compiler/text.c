/* Text for people: quoting user input, sizes and addresses, did-you-mean. */
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

#define QUOTE_MAX 64	/* characters of user text shown in one message */

/*
 * A ring of result buffers, so several formatted values can share one
 * printf; static, so formatting never allocates (the runtime uses it too);
 * one per thread, for the checks that run on two (checks.c).
 */
static char *ring_next(void)
{
	static _Thread_local char ring[8][QUOTE_MAX * 4 + 8];
	static _Thread_local unsigned next;

	return ring[next++ % ARRAY_SIZE(ring)];
}

const char *q(const char *s)
{
	size_t n = strlen(s), i, o = 0;
	char *out = ring_next();

	for (i = 0; i < n && i < QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (c == '\t') {
			out[o++] = '\\';
			out[o++] = 't';
		} else if (c < 0x20 || c == 0x7f || c >= 0x80) {
			/* bytes >= 0x80 too: names and IDs are ASCII when valid */
			o += (size_t)sprintf(out + o, "\\x%02x", c);
		} else if (c == '\'' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else {
			out[o++] = (char)c;
		}
	}
	if (i < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

size_t dec_into(char *out, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

size_t hex_into(char *out, uint64_t v, int min)
{
	int n = v ? (67 - __builtin_clzll(v)) / 4 : 1, i;

	if (n < min)
		n = min < 16 ? min : 16;
	for (i = n; i--; v >>= 4)
		out[i] = "0123456789abcdef"[v & 15];
	return (size_t)n;
}

const char *hsize(unsigned long long b)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	char *out = ring_next();
	const char *unit;
	size_t n;
	int u = -1;

	while (u + 1 < (int)ARRAY_SIZE(units) && b && !(b & 1023)) {
		b >>= 10;
		u++;
	}
	unit = u < 0 ? (b == 1 ? "byte" : "bytes") : units[u];
	n = dec_into(out, b);
	out[n++] = ' ';
	strcpy(out + n, unit);
	return out;
}

/* "0x" and v in lower-case hex, at least min digits: printf's 0x%0*llx without printf, which
   took 3 % of plan.json at 8 000 VMs */
static const char *hex_digits(uint64_t v, int min)
{
	char *out = ring_next();
	size_t n;

	out[0] = '0';
	out[1] = 'x';
	n = hex_into(out + 2, v, min);
	out[2 + n] = '\0';
	return out;
}

const char *hex(uint64_t v)
{
	return hex_digits(v, 1);
}

const char *haddr(uint64_t v)
{
	return hex_digits(v, 8);
}

void suggest_init(struct suggest *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	s->best_d = (strlen(word) > 4 ? 3 : 2) + 1;
}

void suggest_consider(struct suggest *s, const char *candidate)
{
	unsigned d = edit_distance(s->word, candidate, s->best_d);

	if (d < s->best_d) {
		s->best_d = d;
		s->best = candidate;
	}
}

const char *suggest_result(const struct suggest *s)
{
	return s->best;
}
