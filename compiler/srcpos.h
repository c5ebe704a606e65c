/* Source files and positions: file:line:col, and the source line for carets. */
#ifndef XENSHM_SRCPOS_H
#define XENSHM_SRCPOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * 1-based line and column (characters); line 0 means "no position". Eight
 * bytes, for a model that holds several per mapping: a 64 MiB input has at
 * most 2^26 + 1 columns (the last two shown as SRCPOS_COL_MAX), and an
 * underline longer than SRCPOS_LEN_MAX is cut there (an excerpt shows 120
 * characters around the caret anyway). The last bit is the value's: a
 * num_at's "given and parsed", so that a number with its position is 16
 * bytes, not 24; a position made anew has it clear.
 */
struct srcpos {
	uint32_t line;
	uint32_t col : 26;
	uint32_t len : 5;	/* characters to underline on that line, 0 = caret only */
	uint32_t set : 1;	/* num_at: the value was given and parsed */
};
#define SRCPOS_COL_MAX ((1u << 26) - 1)
#define SRCPOS_LEN_MAX 31u

/* a position from counts that may pass the fields' widths: clamped to them */
static inline struct srcpos srcpos_at(size_t line, size_t col, size_t len)
{
	struct srcpos p;

	p.line = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
	p.col = col > SRCPOS_COL_MAX ? SRCPOS_COL_MAX : (uint32_t)col;
	p.len = len > SRCPOS_LEN_MAX ? SRCPOS_LEN_MAX : (uint32_t)len;
	p.set = 0;
	return p;
}

/*
 * A topology's text. A regular file is read on demand: the parser pulls it
 * through source_pread, excerpts read their line again, and nothing holds
 * the whole file (at 32 752 VMs it was the model's largest single block).
 * Standard input, pipes, devices and buffers are held in memory.
 */
struct source {
	char *name;		/* as given on the command line, "<stdin>" for - */
	char *text;		/* in memory: the whole text, NUL-terminated; NULL when on demand */
	size_t size;		/* bytes of text, a byte-order mark excluded */
	int fd;			/* on demand: the open file; -1 in memory */
	size_t skip;		/* on demand: 3 past a byte-order mark, else 0 */
	struct stat_id {	/* on demand: the file as opened, to tell an edit since */
		unsigned long long dev, ino, size;
		long long mtime_s, mtime_ns;
	} id;
	int read_errno;		/* a read on demand failed (EFBIG: past the limit) */
	bool stale;		/* the file changed since it was parsed: no excerpts */
	size_t *lines;		/* byte offset of each line start: built on first use, */
	size_t nlines;		/* read them through source_nlines/source_line_start */
	char *line;		/* source_line's copy of the line it gives */
	size_t line_alloc;
};

/* Largest input accepted: bounds memory on hostile input (docs/limits.md). */
#define SOURCE_MAX_BYTES ((size_t)64 << 20)

/*
 * Opens path ("-" = standard input): a regular file to be read on demand,
 * anything else read whole. Returns 0, or -1 with a message in *err (caller
 * frees) on I/O errors and inputs over SOURCE_MAX_BYTES.
 */
int source_read(struct source *src, const char *path, char **err);
/*
 * path read whole into memory, at most max bytes, byte for byte (a
 * byte-order mark kept): for files another parser reads too (xl configs).
 * Returns 0, or -1 with *err (caller frees); either way source_release(src).
 */
int source_read_whole(struct source *src, const char *path, size_t max, const char *what,
		      char **err);
/* A source from memory (fuzzing, tests); copies data. */
void source_from_buffer(struct source *src, const char *name, const char *data, size_t n);
void source_release(struct source *src);

/*
 * Up to n bytes of the text from offset off, as the parser reads it (safe
 * from any one thread at a time besides the main thread's excerpts): the
 * bytes read, 0 at the end, -1 on a read error or past SOURCE_MAX_BYTES,
 * recorded in src->read_errno.
 */
long source_pread(struct source *src, size_t off, void *buf, size_t n);
/* After a read on demand failed: the message (caller frees), as source_read gives; else NULL. */
char *source_read_error(const struct source *src);

/*
 * The text of a 1-based line without its newline; *len receives its length.
 * Valid until the next call; empty once the file changed since it was read.
 */
const char *source_line(const struct source *src, uint32_t line, size_t *len);

/* lines in the source; the byte offset where a 1-based line starts */
size_t source_nlines(const struct source *src);
size_t source_line_start(const struct source *src, uint32_t line);

/* a before b in the file */
int srcpos_cmp(const struct srcpos *a, const struct srcpos *b);

static inline int srcpos_valid(const struct srcpos *p) { return p->line != 0; }

#endif
