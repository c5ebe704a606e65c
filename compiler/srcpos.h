/* Source files and positions: file:line:col, and the source line for carets. */
#ifndef XENSHM_SRCPOS_H
#define XENSHM_SRCPOS_H

#include <stddef.h>
#include <stdint.h>

/* 1-based line and column (characters); line 0 means "no position" */
struct srcpos {
	uint32_t line, col;
	uint32_t len;		/* characters to underline on that line, 0 = caret only */
};

struct source {
	char *name;		/* as given on the command line, "<stdin>" for - */
	char *text;		/* the whole file, NUL-terminated (may hold more NULs) */
	size_t size;
	size_t *lines;		/* byte offset of each line start: built on first use, */
	size_t nlines;		/* read them through source_nlines/source_line_start */
};

/* Largest input accepted: bounds memory on hostile input (docs/limits.md). */
#define SOURCE_MAX_BYTES ((size_t)64 << 20)

/*
 * Reads path ("-" = standard input) whole. Returns 0, or -1 with a message
 * in *err (caller frees) on I/O errors and inputs over SOURCE_MAX_BYTES.
 */
int source_read(struct source *src, const char *path, char **err);
/* A source from memory (fuzzing, tests); copies data. */
void source_from_buffer(struct source *src, const char *name, const char *data, size_t n);
void source_release(struct source *src);

/* The text of a 1-based line without its newline; *len receives its length. */
const char *source_line(const struct source *src, uint32_t line, size_t *len);

/* lines in the source; the byte offset where a 1-based line starts */
size_t source_nlines(const struct source *src);
size_t source_line_start(const struct source *src, uint32_t line);

/* a before b in the file */
int srcpos_cmp(const struct srcpos *a, const struct srcpos *b);

static inline int srcpos_valid(const struct srcpos *p) { return p->line != 0; }

#endif
