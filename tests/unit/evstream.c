/*
 * The event stream against libyaml itself: every event the loader gets,
 * encoded into a batch and decoded again, in the parser's thread or not,
 * must be the event libyaml gave (but for the marks' index), and a parse
 * error must end the stream where libyaml's parser fails.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "evstream.h"
#include "unit.h"
#include "util.h"

static bool same_str(const yaml_char_t *a, const yaml_char_t *b)
{
	return (!a && !b) || (a && b && !strcmp((const char *)a, (const char *)b));
}

static bool same_mark(const yaml_mark_t *a, const yaml_mark_t *b)
{
	return a->line == b->line && a->column == b->column;
}

static bool same_directives(const yaml_event_t *a, const yaml_event_t *b)
{
	const yaml_tag_directive_t *x = a->data.document_start.tag_directives.start;
	const yaml_tag_directive_t *y = b->data.document_start.tag_directives.start;
	const yaml_version_directive_t *va = a->data.document_start.version_directive;
	const yaml_version_directive_t *vb = b->data.document_start.version_directive;

	if (!va != !vb || (va && (va->major != vb->major || va->minor != vb->minor)))
		return false;
	for (; x < a->data.document_start.tag_directives.end; x++, y++)
		if (y >= b->data.document_start.tag_directives.end || !same_str(x->handle, y->handle) ||
		    !same_str(x->prefix, y->prefix))
			return false;
	return y == b->data.document_start.tag_directives.end;
}

/* every field libyaml sets for the event's type */
static bool same_event(const yaml_event_t *a, const yaml_event_t *b)
{
	if (a->type != b->type || !same_mark(&a->start_mark, &b->start_mark) ||
	    !same_mark(&a->end_mark, &b->end_mark))
		return false;
	switch (a->type) {
	case YAML_SCALAR_EVENT:
		return a->data.scalar.length == b->data.scalar.length &&
		       !memcmp(a->data.scalar.value, b->data.scalar.value, a->data.scalar.length + 1) &&
		       a->data.scalar.style == b->data.scalar.style &&
		       a->data.scalar.plain_implicit == b->data.scalar.plain_implicit &&
		       a->data.scalar.quoted_implicit == b->data.scalar.quoted_implicit &&
		       same_str(a->data.scalar.anchor, b->data.scalar.anchor) &&
		       same_str(a->data.scalar.tag, b->data.scalar.tag);
	case YAML_ALIAS_EVENT:
		return same_str(a->data.alias.anchor, b->data.alias.anchor);
	case YAML_SEQUENCE_START_EVENT:
		return a->data.sequence_start.style == b->data.sequence_start.style &&
		       a->data.sequence_start.implicit == b->data.sequence_start.implicit &&
		       same_str(a->data.sequence_start.anchor, b->data.sequence_start.anchor) &&
		       same_str(a->data.sequence_start.tag, b->data.sequence_start.tag);
	case YAML_MAPPING_START_EVENT:
		return a->data.mapping_start.style == b->data.mapping_start.style &&
		       a->data.mapping_start.implicit == b->data.mapping_start.implicit &&
		       same_str(a->data.mapping_start.anchor, b->data.mapping_start.anchor) &&
		       same_str(a->data.mapping_start.tag, b->data.mapping_start.tag);
	case YAML_DOCUMENT_START_EVENT:
		return a->data.document_start.implicit == b->data.document_start.implicit &&
		       same_directives(a, b);
	case YAML_DOCUMENT_END_EVENT:
		return a->data.document_end.implicit == b->data.document_end.implicit;
	default:
		return true;
	}
}

/*
 * Runs text through libyaml and through the stream side by side. Returns
 * the events compared, or 0 at the first that differs (or an end that does
 * not match: a failure where libyaml failed, with the same problem, which
 * sets *error).
 */
static size_t compare_stream(const char *text, size_t n, bool *error)
{
	yaml_parser_t p;
	struct evstream es;
	struct source src;
	size_t count = 0;
	bool ok = true;

	*error = false;
	source_from_buffer(&src, "mem", text, n);
	/* the source drops a byte order mark (srcpos.c): libyaml gets the text as it gives it */
	if (n >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
		text += 3;
		n -= 3;
	}
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, n);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	if (evstream_init(&es, &src))
		return 0;
	for (;;) {
		yaml_event_t want;
		const yaml_event_t *got = evstream_next(&es);
		bool parsed = yaml_parser_parse(&p, &want);

		if (!parsed || !got) {
			ok = !parsed && !got && es.parser.problem && p.problem &&
			     !strcmp(es.parser.problem, p.problem) &&
			     same_mark(&es.parser.problem_mark, &p.problem_mark);
			if (parsed)
				yaml_event_delete(&want);
			*error = true;
			break;
		}
		ok = same_event(&want, got);
		yaml_event_delete(&want);
		if (!ok || got->type == YAML_STREAM_END_EVENT)
			break;
		count++;
	}
	evstream_release(&es);
	yaml_parser_delete(&p);
	source_release(&src);
	return ok ? count + 1 : 0;
}

/* a topology-like text of many events, with every kind of node and a long scalar */
static char *make_big(size_t *n, size_t items, bool broken)
{
	size_t cap = items * 200 + (64 << 10), len = 0, i;
	char *t = xmalloc(cap);

	len += (size_t)sprintf(t + len, "%%YAML 1.1\n%%TAG !x! tag:example.com,2026:\n--- !x!top\nlist:\n");
	for (i = 0; i < items; i++) {
		switch (i % 6) {
		case 0:
			len += (size_t)sprintf(t + len, "  - { id: r%zu, at: 0x%zx, size: 64K }\n", i, i * 4096);
			break;
		case 1:
			len += (size_t)sprintf(t + len, "  - &a%zu [ 'single %zu', \"dq\\t\\u00e9 %zu\", ~ ]\n", i, i, i);
			break;
		case 2:
			len += (size_t)sprintf(t + len, "  - *a%zu\n", i - 1);
			break;
		case 3:
			len += (size_t)sprintf(t + len, "  - !!str |\n    literal %zu\n    line two\n", i);
			break;
		case 4:
			len += (size_t)sprintf(t + len, "  - >-\n    folded %zu\n    text\n", i);
			break;
		default:
			len += (size_t)sprintf(t + len, "  - key %zu: !x!v \"nul\\0in\"\n", i);
			break;
		}
		if (broken && i == items / 2)
			len += (size_t)sprintf(t + len, "  - [ unclosed\n  - x: y\n");
	}
	/* one scalar larger than a batch's first bytes buffer */
	len += (size_t)sprintf(t + len, "long: ");
	for (i = 0; i < 40000; i++)
		t[len++] = (char)('a' + i % 26);
	len += (size_t)sprintf(t + len, "\n...\n---\nsecond: document\n");
	*n = len;
	return t;
}

void test_evstream(void)
{
	static const char *const small[] = {
		"",
		"a: b\n",
		"--- |\n  text\n...\n",
		"%YAML 1.1\n---\n[1, 2, {x: y}]\n",
		"? complex key\n: value\n",
		"a: [unclosed\n",
		"\xEF\xBB\xBFkey: \xC3\xA9t\xC3\xA9\n",
	};
	size_t i, n;
	char *big;
	int threaded;
	bool error;

	for (threaded = 0; threaded < 2; threaded++) {
		bool all = true;

		setenv("XENSHM_PARSE_THREAD_MIN", threaded ? "0" : "1000000000", 1);
		for (i = 0; i < ARRAY_SIZE(small); i++) {
			size_t got = compare_stream(small[i], strlen(small[i]), &error);
			all = all && got && error == !!strstr(small[i], "unclosed");
		}
		EXPECT(threaded ? "evstream: short texts, parser thread: libyaml's events and errors"
				: "evstream: short texts, no thread: libyaml's events and errors",
		       all);

		big = make_big(&n, 30000, false);
		EXPECT(threaded ? "evstream: 120 000 events over many batches, parser thread"
				: "evstream: 120 000 events over many batches, no thread",
		       compare_stream(big, n, &error) > 100000 && !error);
		free(big);

		big = make_big(&n, 30000, true);
		EXPECT(threaded ? "evstream: an error after many batches, parser thread"
				: "evstream: an error after many batches, no thread",
		       compare_stream(big, n, &error) > 50000 && error);
		free(big);
	}
	unsetenv("XENSHM_PARSE_THREAD_MIN");
}
