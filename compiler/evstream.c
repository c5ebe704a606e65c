/* libyaml's events, parsed ahead of the loader by a second thread on large inputs. */
#include "evstream.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"
#include "util.h"

/*
 * Eight batches of 1024 events (104 bytes each, 850 KB in all): the parser
 * runs up to seven batches ahead of the reader, and a thread that had to
 * wait is woken only once half the ring is its again, so the two threads
 * hand over a few times per 8 000 events instead of taking turns. Every
 * event is freed by the thread that parsed it, when its batch is refilled
 * or at the end, so the two threads never share allocator arenas.
 */
#define EVSTREAM_BATCHES 8
#define BATCH_EVENTS 1024

struct evbatch {
	yaml_event_t ev[BATCH_EVENTS];
	size_t n;		/* events held */
	bool failed;		/* the parser failed after the n events */
	bool end;		/* the last event is STREAM-END: nothing follows */
};

struct evthread {
	pthread_t tid;
	pthread_mutex_t lock;
	pthread_cond_t more;	/* the reader waits for a batch */
	pthread_cond_t room;	/* the parser waits for half the ring */
	size_t filled;		/* batches handed to the reader */
	size_t released;	/* batches the reader is done with */
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

static void batch_clear(struct evbatch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		yaml_event_delete(&b->ev[i]);
	b->n = 0;
}

/* Parses the next events into b, up to STREAM-END or the parser's failure. */
static void batch_fill(yaml_parser_t *p, struct evbatch *b)
{
	batch_clear(b);
	b->failed = b->end = false;
	while (b->n < BATCH_EVENTS) {
		yaml_event_t *ev = &b->ev[b->n];

		if (!yaml_parser_parse(p, ev)) {
			b->failed = true;
			return;
		}
		b->n++;
		if (ev->type == YAML_STREAM_END_EVENT || ev->type == YAML_NO_EVENT) {
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

		pthread_mutex_lock(&th->lock);
		th->filled = i + 1;
		if (th->reader_waits)
			pthread_cond_signal(&th->more);
		pthread_mutex_unlock(&th->lock);
		if (b->failed || b->end)
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

/* Moves the reader to the next batch, waiting for the parser thread if need be. */
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
		while (th->filled <= es->taken) {
			th->reader_waits = true;
			pthread_cond_wait(&th->more, &th->lock);
		}
		th->reader_waits = false;
		pthread_mutex_unlock(&th->lock);
	}
	es->taken++;
	es->pos = 0;
	es->started = true;
	return b;
}

const yaml_event_t *evstream_next(struct evstream *es)
{
	struct evbatch *b = es->started ? &es->batches[(es->taken - 1) % EVSTREAM_BATCHES] : NULL;

	if (b && es->pos < b->n)
		return &b->ev[es->pos++];
	if (b && b->failed)
		return NULL;
	if (b && b->end)
		return &no_event;
	b = take_batch(es);
	if (es->pos < b->n)
		return &b->ev[es->pos++];
	return b->failed ? NULL : &no_event;
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
		for (i = 0; i < EVSTREAM_BATCHES; i++)
			batch_clear(&es->batches[i]);
	free(es->batches);
	yaml_parser_delete(&es->parser);
	memset(es, 0, sizeof(*es));
}
