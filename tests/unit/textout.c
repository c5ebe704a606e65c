/* The artifacts' text appender and its formatters against printf, quoting and qsort as oracles. */
#include "unit.h"
#include "emit.h"
#include "text.h"
#include "util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* a value of every magnitude: each bit length as often */
static uint64_t rnd_value(void)
{
	unsigned bits = (unsigned)(rnd() % 65);

	return bits ? rnd() >> (64 - bits) : 0;
}

/* n bytes of user-like text: mostly letters, some quotes, backslashes, comment marks, controls */
static char *rnd_text(size_t n)
{
	static const char pool[] = "aZ09 _-./\"\\*?\t\n\x01\x7f\xc3\xa9";
	char *s = xmalloc(n + 1);
	size_t i;

	for (i = 0; i < n; i++)
		s[i] = rnd() % 4 ? (char)('a' + rnd() % 26) : pool[rnd() % (sizeof(pool) - 1)];
	s[n] = '\0';
	return s;
}

/* finishes o on got and the oracle's want (memory streams), frees both; 1 when they differ */
static int differ(struct textout *o, FILE *got, char **got_buf, size_t *got_len, FILE *want,
		  char **want_buf, size_t *want_len)
{
	int bad = textout_finish(o) != 0;

	fclose(got);
	fclose(want);
	bad |= *got_len != *want_len || memcmp(*got_buf, *want_buf, *got_len) != 0;
	free(*got_buf);
	free(*want_buf);
	return bad;
}

static void test_digits(void)
{
	char got[32], want[32];
	int i, bad = 0, min;

	for (i = 0; i < 20000 && !bad; i++) {
		uint64_t v = i < 3 ? (uint64_t[]){ 0, 1, UINT64_MAX }[i] : rnd_value();

		min = (int)(rnd() % 18);
		got[hex_into(got, v, min)] = '\0';
		snprintf(want, sizeof(want), "%0*" PRIx64, min > 16 ? 16 : min, v);
		bad |= strcmp(got, want) != 0;
		got[dec_into(got, v)] = '\0';
		snprintf(want, sizeof(want), "%" PRIu64, v);
		bad |= strcmp(got, want) != 0;
	}
	EXPECT("hex_into and dec_into write what printf writes, 20 000 values", !bad);
	EXPECT("hsize keeps its words", !strcmp(hsize(1), "1 byte") && !strcmp(hsize(4097), "4097 bytes") &&
					  !strcmp(hsize(64 << 10), "64 KiB") &&
					  !strcmp(hsize(3ull << 40), "3 TiB"));
	EXPECT("hex and haddr keep their form", !strcmp(hex(0x5000000), "0x5000000") &&
						!strcmp(haddr(0x1000), "0x00001000") &&
						!strcmp(haddr(UINT64_MAX), "0xffffffffffffffff"));
}

/*
 * Random documents through a textout and, as the oracle, through stdio and
 * the allocating quoters, into two memory streams: every appender, texts
 * from empty to twice the buffer (the paths that quote in place and the ones
 * that fall back), documents crossing the buffer's end many times.
 */
static void test_appender(void)
{
	int doc, op, bad = 0;

	for (doc = 0; doc < 300 && !bad; doc++) {
		char *got_buf = NULL, *want_buf = NULL;
		size_t got_len = 0, want_len = 0;
		FILE *got = open_memstream(&got_buf, &got_len), *want = open_memstream(&want_buf, &want_len);
		struct textout o;
		int nops = (int)(rnd() % 200);

		textout_init(&o, got);
		for (op = 0; op < nops; op++) {
			uint64_t v = rnd_value();
			size_t n = rnd() % 8 ? rnd() % 40 : rnd() % (2 * TEXTOUT_BUF);
			char *s = rnd_text(n), *q;
			int min = (int)(rnd() % 9);

			switch (rnd() % 7) {
			case 0:
				to_lit(&o, "# a literal, ");
				fputs("# a literal, ", want);
				break;
			case 1:
				to_str(&o, s);
				fputs(s, want);
				break;
			case 2:
				to_ch(&o, s[0] ? s[0] : 'x');
				fputc(s[0] ? s[0] : 'x', want);
				break;
			case 3:
				to_dec(&o, v);
				fprintf(want, "%" PRIu64, v);
				break;
			case 4:
				to_hex(&o, v, min);
				fprintf(want, "%0*" PRIx64, min, v);
				break;
			case 5: {
				bool dot = rnd() % 2;
				to_quoted(&o, s, dot);
				q = dot ? dot_quote(s) : xl_quote(s);
				fputs(q, want);
				free(q);
				break;
			}
			default:
				to_comment(&o, s);
				q = comment_text(s);
				fputs(q, want);
				free(q);
			}
			free(s);
		}
		bad |= differ(&o, got, &got_buf, &got_len, want, &want_buf, &want_len);
	}
	EXPECT("textout writes what stdio and the quoters write, 300 random documents", !bad);
}

/*
 * The texts that grow most (a control character to four bytes quoted, every
 * comment mark split) written at every offset near the buffer's end.
 */
static void test_appender_worst(void)
{
	static const char *const texts[] = {
		"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01",
		"*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/*/",
		"\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\",
	};
	static char pad[TEXTOUT_BUF];
	size_t at, i;
	int bad = 0;

	memset(pad, 'x', sizeof(pad));
	for (at = TEXTOUT_BUF - 200; at <= TEXTOUT_BUF && !bad; at++)
		for (i = 0; i < ARRAY_SIZE(texts) * 3; i++) {
			char *got_buf = NULL, *want_buf = NULL, *q;
			size_t got_len = 0, want_len = 0;
			FILE *got = open_memstream(&got_buf, &got_len);
			FILE *want = open_memstream(&want_buf, &want_len);
			const char *s = texts[i % ARRAY_SIZE(texts)];
			struct textout o;

			textout_init(&o, got);
			to_mem(&o, pad, at);
			fwrite(pad, 1, at, want);
			if (i / ARRAY_SIZE(texts) == 2) {
				to_comment(&o, s);
				q = comment_text(s);
			} else {
				to_quoted(&o, s, i / ARRAY_SIZE(texts));
				q = i / ARRAY_SIZE(texts) ? dot_quote(s) : xl_quote(s);
			}
			fputs(q, want);
			free(q);
			bad |= differ(&o, got, &got_buf, &got_len, want, &want_buf, &want_len);
		}
	EXPECT("textout: the most growing texts at every offset near the buffer's end", !bad);
}

static int cmp_u32(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return a < b ? -1 : a > b;
}

static void test_sort_small(void)
{
	uint32_t got[40], want[40];
	int round, bad = 0;

	for (round = 0; round < 5000 && !bad; round++) {
		size_t n = rnd() % 41, i;
		unsigned spread = round % 2 ? 4 : 1000;	/* many ties, or few */

		for (i = 0; i < n; i++)
			got[i] = want[i] = (uint32_t)(rnd() % spread);
		if (round % 7 == 0)	/* in order already, as most per-VM arrays are */
			qsort(got, n, sizeof(*got), cmp_u32);
		memcpy(want, got, sizeof(*got) * n);
		sort_small(got, n, sizeof(*got), cmp_u32);
		qsort(want, n, sizeof(*want), cmp_u32);
		bad |= n && memcmp(got, want, sizeof(*got) * n) != 0;
	}
	EXPECT("sort_small sorts as qsort does, 5 000 arrays of 0 to 40", !bad);
}

void test_textout(void)
{
	test_digits();
	test_appender();
	test_appender_worst();
	test_sort_small();
}
