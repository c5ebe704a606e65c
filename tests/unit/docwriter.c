/* The document writer's YAML against libyaml's emitter, on random documents and hostile strings. */
#include "unit.h"
#include "docwriter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* both writers at once: the document writer, and libyaml's emitter as the oracle */
struct pair {
	struct dw w;
	FILE *wf;
	char *wbuf;
	size_t wlen;
	yaml_emitter_t y;
	FILE *yf;
	char *ybuf;
	size_t ylen;
	uint64_t rng;
	const char *key;	/* the key of the value to come, as dw tracks it */
};

static uint64_t rnd(struct pair *p)
{
	p->rng ^= p->rng << 13;
	p->rng ^= p->rng >> 7;
	p->rng ^= p->rng << 17;
	return p->rng;
}

static void y_emit(struct pair *p, yaml_event_t *ev)
{
	if (!yaml_emitter_emit(&p->y, ev))
		failed = 1;
}

static void scalar(struct pair *p, const char *s, bool is_key, bool plain)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)(uintptr_t)s, (int)strlen(s),
				     plain, 1, plain ? YAML_PLAIN_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	y_emit(p, &ev);
	if (is_key)
		dw_key(&p->w, s);
	else
		dw_string(&p->w, s);
}

static void key(struct pair *p, const char *k)
{
	scalar(p, k, true, dw_yaml_plain(NULL, k));
	p->key = k;
}

static void value(struct pair *p, const char *s)
{
	scalar(p, s, false, dw_yaml_plain(p->key, s));
	p->key = NULL;
}

static void open_map(struct pair *p)
{
	yaml_event_t ev;

	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	y_emit(p, &ev);
	dw_object(&p->w);
	p->key = NULL;
}

static void open_seq(struct pair *p, bool block)
{
	yaml_event_t ev;

	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
					     block ? YAML_BLOCK_SEQUENCE_STYLE : YAML_FLOW_SEQUENCE_STYLE);
	y_emit(p, &ev);
	dw_array(&p->w, block);
	p->key = NULL;
}

static void close_map(struct pair *p)
{
	yaml_event_t ev;

	yaml_mapping_end_event_initialize(&ev);
	y_emit(p, &ev);
	dw_end_object(&p->w);
}

static void close_seq(struct pair *p)
{
	yaml_event_t ev;

	yaml_sequence_end_event_initialize(&ev);
	y_emit(p, &ev);
	dw_end_array(&p->w);
}

/* strings that take every path of the writers: quoting, escapes, breaks, widths */
static const char *const pieces[] = {
	"vm0", "r12x3", "/srv/xen/guest.img", "0x47df0000", "64", "yes", "No", "on", "null",
	"~", "123abc", "x-role", "a b", "  two spaces", "trailing ", " leading", "tab\there",
	"line\nbreak", "cr\rhere", "quote\"d", "back\\slash", "colon: space", "hash #tag",
	"-dash", "[flow]", "{map}", "comma, here", "caf\xc3\xa9", "nbsp\xc2\xa0x", "nel\xc2\x85x",
	"c1\xc2\x80x", "ls\xe2\x80\xa8x", "ps\xe2\x80\xa9x", "bom\xef\xbb\xbfx", "fffe\xef\xbf\xbex",
	"emoji\xf0\x9f\x98\x80", "esc\x1b", "bell\x07", "del\x7f", "\xed\x9f\xbf", "\xee\x80\x80",
	"", "console=hvc0 earlycon=xen root=/dev/ram0 rdinit=/sbin/init quiet loglevel=3",
	"a  b  c  d", "word ",
};

/* keys as the model has them: region IDs, raw xl keys, our own names (one line, no space) */
static const char *const key_pieces[] = {
	"vm0", "r12x3", "yes", "No", "123abc", "x-role", "64", "on", "null", "_a", "Z-9", "memory",
	"size", "at", "align",
};

static char *random_string(struct pair *p, bool for_key)
{
	size_t n = 1 + rnd(p) % 12, i;
	char *s = calloc(1, 2048);

	if (for_key) {
		if (rnd(p) % 16 == 0)	/* a key over 128 characters is written "? key" */
			memset(s, 'k', 127 + rnd(p) % 4);
		else
			strcpy(s, key_pieces[rnd(p) % (sizeof(key_pieces) / sizeof(key_pieces[0]))]);
		return s;
	}
	for (i = 0; i < n; i++) {
		const char *piece = pieces[rnd(p) % (sizeof(pieces) / sizeof(pieces[0]))];
		if (strlen(s) + strlen(piece) + 2 >= 2048)
			break;
		if (i && rnd(p) % 3)
			strcat(s, rnd(p) % 5 ? " " : "  ");
		strcat(s, piece);
	}
	return s;
}

static void random_node(struct pair *p, int depth);

static void random_map(struct pair *p, int depth)
{
	size_t n = rnd(p) % 5, i;

	open_map(p);
	for (i = 0; i < n; i++) {
		char *k = random_string(p, true);
		key(p, k);
		random_node(p, depth + 1);
		free(k);
	}
	close_map(p);
}

static void random_node(struct pair *p, int depth)
{
	unsigned what = depth >= 4 ? 0 : (unsigned)(rnd(p) % 5);
	size_t n, i;
	char *s;

	switch (what) {
	case 0:
	case 1:
		s = random_string(p, false);
		value(p, s);
		free(s);
		break;
	case 2:		/* a flow sequence of scalars, long ones folded at width 100 */
		open_seq(p, false);
		n = rnd(p) % 40;
		for (i = 0; i < n; i++) {
			s = random_string(p, false);
			value(p, s);
			free(s);
		}
		close_seq(p);
		break;
	case 3:		/* a block sequence of mappings */
		open_seq(p, true);
		n = rnd(p) % 4;
		for (i = 0; i < n; i++)
			random_map(p, depth + 1);
		close_seq(p);
		break;
	default:
		random_map(p, depth);
	}
}

/* one random document through both; 0 when the bytes agree */
static int one_document(uint64_t seed, char **why)
{
	struct pair p = { 0 };
	yaml_event_t ev;
	int same;

	p.rng = seed * 0x9E3779B97F4A7C15ull + 1;
	p.wf = open_memstream(&p.wbuf, &p.wlen);
	p.yf = open_memstream(&p.ybuf, &p.ylen);
	yaml_emitter_initialize(&p.y);
	yaml_emitter_set_output_file(&p.y, p.yf);
	yaml_emitter_set_unicode(&p.y, 1);
	yaml_emitter_set_width(&p.y, 100);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	y_emit(&p, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	y_emit(&p, &ev);
	dw_open(&p.w, DW_YAML, p.wf);

	random_map(&p, 0);

	yaml_document_end_event_initialize(&ev, 1);
	y_emit(&p, &ev);
	yaml_stream_end_event_initialize(&ev);
	y_emit(&p, &ev);
	yaml_emitter_flush(&p.y);
	yaml_emitter_delete(&p.y);
	if (dw_close(&p.w, NULL))
		failed = 1;
	fclose(p.wf);
	fclose(p.yf);
	same = p.wlen == p.ylen && !memcmp(p.wbuf, p.ybuf, p.wlen);
	if (!same && why && !*why) {
		size_t i = 0;
		while (i < p.wlen && i < p.ylen && p.wbuf[i] == p.ybuf[i])
			i++;
		*why = malloc(400);
		snprintf(*why, 400, "seed %llu, byte %zu:\n  dw      [%.80s]\n  libyaml [%.80s]",
			 (unsigned long long)seed, i, p.wbuf + (i > 20 ? i - 20 : 0),
			 p.ybuf + (i > 20 ? i - 20 : 0));
	}
	free(p.wbuf);
	free(p.ybuf);
	return !same;
}

void test_docwriter(void)
{
	uint64_t seed;
	int bad = 0;
	char *why = NULL;

	for (seed = 1; seed <= 3000; seed++)
		bad += one_document(seed, &why);
	if (why)
		printf("  first difference: %s\n", why);
	free(why);
	EXPECT("docwriter: 3000 random YAML documents (folded, escaped, empty, \"? key\") are "
	       "byte for byte libyaml's emitter's", bad == 0);
}
