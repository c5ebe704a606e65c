/* libyaml's events, parsed ahead of the loader by a second thread on large inputs. */
#include "evstream.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"
#include "util.h"

/*
 * A ring of 32 batches of 1024 events: the parser runs up to 31 batches
 * ahead of the reader, enough to ride out the loader's longest pause (its
 * ID index growing, a few milliseconds at 32 768 regions), and a thread
 * that had to wait is woken only once half the ring is its again, so the
 * two threads hand over a few times per 16 000 events instead of taking
 * turns.
 *
 * What crosses from one core to the other is what costs: on the
 * development VM a cache line written by one core and read by the other
 * took as long as libyaml takes to parse the bytes it describes, and
 * handing over libyaml's events (104 bytes each, their strings apart)
 * made a parser thread slower than no thread at all. So a batch holds its
 * events encoded in a few bytes each (most numbers small deltas, a
 * scalar's value inline), about a tenth of libyaml's, and libyaml's event
 * is freed at once, while malloc's thread cache still holds it; the reader
 * decodes one event at a time into a yaml_event_t of its own. A
 * DOCUMENT-START event (its directives) is kept whole and freed when its
 * batch is refilled.
 */
#define EVSTREAM_BATCHES 32
#define BATCH_EVENTS 1024

struct evbatch {
	unsigned char *bytes;	/* the events, encoded (event_put) */
	size_t len, cap;
	yaml_event_t **docs;	/* the DOCUMENT-START events kept whole */
	size_t ndocs, docs_alloc;
	size_t n;		/* events held */
	bool failed;		/* the parser failed after the n events */
	bool end;		/* the last event is STREAM-END: nothing follows */
};

struct evthread {
	pthread_t tid;
	pthread_mutex_t lock;
	pthread_cond_t more;	/* the reader waits for batches */
	pthread_cond_t room;	/* the parser waits for half the ring */
	size_t filled;		/* batches handed to the reader */
	size_t released;	/* batches the reader is done with */
	size_t reader_wants;	/* the reader, waiting, is woken when filled reaches it */
	bool reader_waits, parser_waits;
	bool stop;		/* the reader is closing: parse no further */
};

/* after STREAM-END libyaml gives empty events; so does the stream */
static const yaml_event_t no_event;

size_t evstream_thread_min(void)
{
	const char *v = getenv("XENSHM_PARSE_THREAD_MIN");
	char *end;
	unsigned long long n;

	if (v && *v) {
		n = strtoull(v, &end, 10);
		if (!*end)
			return (size_t)n;
	}
	return (size_t)256 << 10;
}

/* an event's first byte: its type, then its flags */
enum {
	EV_NAMES = 1 << 4,	/* an anchor or a tag follows */
	EV_IMPLICIT = 1 << 5,	/* implicit, or a scalar's plain_implicit */
	EV_QUOTED_IMPLICIT = 1 << 6,
};

/* room for n more bytes */
static void reserve(struct evbatch *b, size_t n)
{
	if (b->cap - b->len < n) {
		while (b->cap - b->len < n)
			b->cap = b->cap ? 2 * b->cap : 16384;
		b->bytes = xrealloc(b->bytes, b->cap);
	}
}

/* LEB128: 7 bits a byte, least significant first; at most 10 bytes */
static unsigned char *put_uint(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

/* a difference, zigzagged so that small negative ones stay short */
static unsigned char *put_delta(unsigned char *p, size_t to, size_t from)
{
	uint64_t d = (uint64_t)to - (uint64_t)from;

	return put_uint(p, d << 1 ^ (uint64_t)-(int64_t)(d >> 63));
}

/* a string that may be NULL: its length plus one (0 for NULL), its bytes, a NUL */
static void put_string(struct evbatch *b, const yaml_char_t *s, size_t len)
{
	reserve(b, len + 11);
	if (!s) {
		b->bytes[b->len++] = 0;
		return;
	}
	b->len = (size_t)(put_uint(b->bytes + b->len, (uint64_t)len + 1) - b->bytes);
	memcpy(b->bytes + b->len, s, len);
	b->len += len;
	b->bytes[b->len++] = '\0';
}

static void put_cstring(struct evbatch *b, const yaml_char_t *s)
{
	put_string(b, s, s ? strlen((const char *)s) : 0);
}

/*
 * ev appended to b: type and flags, style, the start mark's line as a delta
 * from *prev's (which it becomes) and its column, the end mark's line as a
 * delta from the start's and its column, then what the type has. A mark's
 * index (its character offset) is not kept: the loader reads lines and
 * columns only. libyaml's event is freed, but a DOCUMENT-START's, which is
 * kept whole (its directives) until the batch is refilled.
 */
static void event_put(struct evbatch *b, yaml_event_t *ev, yaml_mark_t *prev)
{
	const yaml_char_t *anchor = NULL, *tag = NULL;
	unsigned flags = 0, style = 0;
	unsigned char *p;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		style = ev->data.scalar.style;
		flags = (ev->data.scalar.plain_implicit ? EV_IMPLICIT : 0) |
			(ev->data.scalar.quoted_implicit ? EV_QUOTED_IMPLICIT : 0);
		break;
	case YAML_ALIAS_EVENT:
		anchor = ev->data.alias.anchor;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		style = ev->data.sequence_start.style;
		flags = ev->data.sequence_start.implicit ? EV_IMPLICIT : 0;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		style = ev->data.mapping_start.style;
		flags = ev->data.mapping_start.implicit ? EV_IMPLICIT : 0;
		break;
	case YAML_DOCUMENT_END_EVENT:
		flags = ev->data.document_end.implicit ? EV_IMPLICIT : 0;
		break;
	default:
		break;
	}
	if (anchor || tag)
		flags |= EV_NAMES;
	reserve(b, 2 + 4 * 10);
	p = b->bytes + b->len;
	*p++ = (unsigned char)(ev->type | flags);
	*p++ = (unsigned char)style;
	p = put_delta(p, ev->start_mark.line, prev->line);
	p = put_uint(p, ev->start_mark.column);
	p = put_delta(p, ev->end_mark.line, ev->start_mark.line);
	p = put_uint(p, ev->end_mark.column);
	b->len = (size_t)(p - b->bytes);
	*prev = ev->start_mark;
	if (flags & EV_NAMES) {
		put_cstring(b, anchor);
		put_cstring(b, tag);
	}
	if (ev->type == YAML_SCALAR_EVENT)
		put_string(b, ev->data.scalar.value, ev->data.scalar.length);
	if (ev->type == YAML_DOCUMENT_START_EVENT) {
		ALLOC_GROW(b->docs, b->ndocs + 1, b->docs_alloc);
		b->docs[b->ndocs] = xmalloc(sizeof(*ev));
		*b->docs[b->ndocs++] = *ev;
		return;
	}
	yaml_event_delete(ev);
}

/* the reader's side: the bytes of the batch being read */
static uint64_t get_uint(unsigned char **p)
{
	uint64_t v = 0;
	unsigned shift = 0;

	while (**p & 0x80) {
		v |= (uint64_t)(**p & 0x7f) << shift;
		shift += 7;
		(*p)++;
	}
	v |= (uint64_t)**p << shift;
	(*p)++;
	return v;
}

static size_t get_delta(unsigned char **p, size_t from)
{
	uint64_t z = get_uint(p);

	return (size_t)((uint64_t)from + (z >> 1 ^ (uint64_t)-(int64_t)(z & 1)));
}

static yaml_char_t *get_string(unsigned char **p, size_t *len)
{
	uint64_t n = get_uint(p);
	yaml_char_t *s;

	if (!n)
		return NULL;
	s = (yaml_char_t *)*p;
	*len = (size_t)(n - 1);
	*p += n;	/* the bytes and their NUL */
	return s;
}

static yaml_char_t *get_cstring(unsigned char **p)
{
	size_t len;

	return get_string(p, &len);
}

/*
 * The next event of a batch into ev, its strings the batch's; *prev as
 * event_put's, docs the batch's DOCUMENT-START events, *ndocs of them read.
 */
static void event_get(unsigned char **p, yaml_event_t *ev, yaml_mark_t *prev,
		      yaml_event_t *const *docs, size_t *ndocs)
{
	unsigned flags = **p, style = (*p)[1];
	yaml_char_t *anchor = NULL, *tag = NULL;

	*p += 2;
	memset(ev, 0, sizeof(*ev));
	ev->type = (yaml_event_type_t)(flags & 0x0f);
	ev->start_mark.line = get_delta(p, prev->line);
	ev->start_mark.column = (size_t)get_uint(p);
	ev->end_mark.line = get_delta(p, ev->start_mark.line);
	ev->end_mark.column = (size_t)get_uint(p);
	*prev = ev->start_mark;
	if (flags & EV_NAMES) {
		anchor = get_cstring(p);
		tag = get_cstring(p);
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		ev->data.scalar.value = get_string(p, &ev->data.scalar.length);
		ev->data.scalar.style = (yaml_scalar_style_t)style;
		ev->data.scalar.plain_implicit = !!(flags & EV_IMPLICIT);
		ev->data.scalar.quoted_implicit = !!(flags & EV_QUOTED_IMPLICIT);
		ev->data.scalar.anchor = anchor;
		ev->data.scalar.tag = tag;
		break;
	case YAML_ALIAS_EVENT:
		ev->data.alias.anchor = anchor;
		break;
	case YAML_SEQUENCE_START_EVENT:
		ev->data.sequence_start.style = (yaml_sequence_style_t)style;
		ev->data.sequence_start.implicit = !!(flags & EV_IMPLICIT);
		ev->data.sequence_start.anchor = anchor;
		ev->data.sequence_start.tag = tag;
		break;
	case YAML_MAPPING_START_EVENT:
		ev->data.mapping_start.style = (yaml_mapping_style_t)style;
		ev->data.mapping_start.implicit = !!(flags & EV_IMPLICIT);
		ev->data.mapping_start.anchor = anchor;
		ev->data.mapping_start.tag = tag;
		break;
	case YAML_DOCUMENT_START_EVENT:
		*ev = *docs[(*ndocs)++];
		break;
	case YAML_DOCUMENT_END_EVENT:
		ev->data.document_end.implicit = !!(flags & EV_IMPLICIT);
		break;
	default:
		break;
	}
}

/* frees the DOCUMENT-START events b keeps and empties it */
static void batch_clear(struct evbatch *b)
{
	size_t i;

	for (i = 0; i < b->ndocs; i++) {
		yaml_event_delete(b->docs[i]);
		free(b->docs[i]);
	}
	b->n = b->len = b->ndocs = 0;
}

/* Parses the next events into b, up to STREAM-END or the parser's failure. */
static void batch_fill(yaml_parser_t *p, struct evbatch *b)
{
	yaml_mark_t prev = { 0 };

	batch_clear(b);
	b->failed = b->end = false;
	while (b->n < BATCH_EVENTS) {
		yaml_event_t ev;
		yaml_event_type_t type;

		if (!yaml_parser_parse(p, &ev)) {
			b->failed = true;
			return;
		}
		type = ev.type;
		event_put(b, &ev, &prev);	/* frees ev */
		b->n++;
		if (type == YAML_STREAM_END_EVENT || type == YAML_NO_EVENT) {
			b->end = true;
			return;
		}
	}
}

static void *parse_ahead(void *arg)
{
	struct evstream *es = arg;
	struct evthread *th = es->thread;
	size_t i;

	for (i = 0;; i++) {
		struct evbatch *b = &es->batches[i % EVSTREAM_BATCHES];
		bool last;

		pthread_mutex_lock(&th->lock);
		if (i - th->released >= EVSTREAM_BATCHES) {
			th->parser_waits = true;
			while (!th->stop && i - th->released > EVSTREAM_BATCHES / 2)
				pthread_cond_wait(&th->room, &th->lock);
			th->parser_waits = false;
		}
		if (th->stop) {
			pthread_mutex_unlock(&th->lock);
			return NULL;
		}
		pthread_mutex_unlock(&th->lock);

		batch_fill(&es->parser, b);
		last = b->failed || b->end;

		pthread_mutex_lock(&th->lock);
		th->filled = i + 1;
		if (th->reader_waits && (th->filled >= th->reader_wants || last))
			pthread_cond_signal(&th->more);
		pthread_mutex_unlock(&th->lock);
		if (last)
			return NULL;
	}
}

static void start_thread(struct evstream *es)
{
	struct evthread *th = xcalloc(1, sizeof(*th));

	pthread_mutex_init(&th->lock, NULL);
	pthread_cond_init(&th->more, NULL);
	pthread_cond_init(&th->room, NULL);
	es->thread = th;
	if (pthread_create(&th->tid, NULL, parse_ahead, es)) {
		/* no thread to be had: the reader fills the batches itself */
		pthread_cond_destroy(&th->more);
		pthread_cond_destroy(&th->room);
		pthread_mutex_destroy(&th->lock);
		free(th);
		es->thread = NULL;
	}
}

/* libyaml's read handler: the source's bytes, from a file on demand or from memory */
static int read_source(void *data, unsigned char *buf, size_t size, size_t *got)
{
	struct evstream *es = data;
	long n = source_pread(es->src, es->read, buf, size);

	if (n < 0)
		return 0;
	es->read += (size_t)n;
	*got = (size_t)n;
	return 1;
}

int evstream_init(struct evstream *es, struct source *src)
{
	size_t size = src->size;

	memset(es, 0, sizeof(*es));
	if (!yaml_parser_initialize(&es->parser))
		return -1;
	es->src = src;
	yaml_parser_set_input(&es->parser, read_source, es);
	yaml_parser_set_encoding(&es->parser, YAML_UTF8_ENCODING);
	es->batches = xcalloc(EVSTREAM_BATCHES, sizeof(*es->batches));
	if (size >= evstream_thread_min() && threads_allowed())
		start_thread(es);
	return 0;
}

/*
 * Moves the reader to the next batch, waiting for the parser thread if need
 * be: for half the ring, or the last batch, so that a reader faster than
 * the parser sleeps and is woken once per EVSTREAM_BATCHES / 2 batches,
 * not once per batch (a wake-up is a system call in the parser's thread).
 */
static struct evbatch *take_batch(struct evstream *es)
{
	struct evthread *th = es->thread;
	struct evbatch *b = &es->batches[es->taken % EVSTREAM_BATCHES];

	if (!th) {
		batch_fill(&es->parser, b);
	} else {
		pthread_mutex_lock(&th->lock);
		if (es->started) {
			th->released = es->taken;
			if (th->parser_waits && th->filled - th->released <= EVSTREAM_BATCHES / 2)
				pthread_cond_signal(&th->room);
		}
		if (th->filled <= es->taken) {
			th->reader_waits = true;
			th->reader_wants = es->taken + EVSTREAM_BATCHES / 2;
			while (th->filled <= es->taken)
				pthread_cond_wait(&th->more, &th->lock);
			th->reader_waits = false;
		}
		pthread_mutex_unlock(&th->lock);
	}
	es->taken++;
	es->pos = 0;
	es->at = b->bytes;
	es->docs_read = 0;
	memset(&es->prev, 0, sizeof(es->prev));
	es->started = true;
	return b;
}

const yaml_event_t *evstream_next(struct evstream *es)
{
	struct evbatch *b = es->started ? &es->batches[(es->taken - 1) % EVSTREAM_BATCHES] : NULL;

	if (!b || es->pos >= b->n) {
		if (b && b->failed)
			return NULL;
		if (b && b->end)
			return &no_event;
		b = take_batch(es);
		if (es->pos >= b->n)
			return b->failed ? NULL : &no_event;
	}
	event_get(&es->at, &es->cur, &es->prev, b->docs, &es->docs_read);
	es->pos++;
	return &es->cur;
}

void evstream_release(struct evstream *es)
{
	struct evthread *th = es->thread;
	size_t i;

	if (th) {
		pthread_mutex_lock(&th->lock);
		th->stop = true;
		pthread_cond_signal(&th->room);
		pthread_mutex_unlock(&th->lock);
		pthread_join(th->tid, NULL);
		pthread_cond_destroy(&th->more);
		pthread_cond_destroy(&th->room);
		pthread_mutex_destroy(&th->lock);
		free(th);
	}
	if (es->batches)
		for (i = 0; i < EVSTREAM_BATCHES; i++) {
			batch_clear(&es->batches[i]);
			free(es->batches[i].bytes);
			free(es->batches[i].docs);
		}
	free(es->batches);
	yaml_parser_delete(&es->parser);
	memset(es, 0, sizeof(*es));
}
