/* libyaml's events, parsed ahead of the loader by a second thread on large inputs. */
#ifndef XENSHM_EVSTREAM_H
#define XENSHM_EVSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "srcpos.h"

struct evbatch;
struct evthread;

/*
 * The loader reads the events one by one. On an input of at least
 * evstream_thread_min() bytes a thread runs the parser ahead into a ring of
 * batches, so that parsing and loading share the machine's cores; below it
 * (and where a thread cannot start) the same batches are filled on demand.
 * Either way the events and any error are libyaml's, but for the marks'
 * index, which is 0 (lines and columns are kept).
 */
struct evstream {
	yaml_parser_t parser;
	struct evbatch *batches;	/* a ring of EVSTREAM_BATCHES */
	size_t taken;			/* batches the reader has started */
	size_t pos;			/* the next event in the current batch */
	struct evthread *thread;	/* NULL when filled on demand */
	bool started;			/* a batch is being read */
	struct source *src;		/* the text, pulled by the parser */
	size_t read;			/* bytes of it the parser has had */
	yaml_event_t cur;		/* the event evstream_next() gave */
	unsigned char *at;		/* the next event's bytes in the current batch */
	yaml_mark_t prev;		/* the start mark before it */
	size_t docs_read;		/* DOCUMENT-START events read in the batch */
};

/*
 * Returns 0, or -1 when libyaml cannot start (out of memory). The parser
 * pulls src's text as it goes (source_pread); a read error ends the stream
 * as libyaml's reader error, with src->read_errno set.
 */
int evstream_init(struct evstream *es, struct source *src);
/*
 * The next event: owned by the stream and valid until the next call. NULL once
 * the input failed; es->parser then says why (problem, marks, offsets).
 */
const yaml_event_t *evstream_next(struct evstream *es);
/* Stops the parser thread, if any, and frees every event and the parser. */
void evstream_release(struct evstream *es);

/* The input size from which the parser runs in a thread: XENSHM_PARSE_THREAD_MIN or 256 KiB. */
size_t evstream_thread_min(void);

#endif
