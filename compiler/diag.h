/* Diagnostics: collected per file, printed as text, JSON or SARIF; exit codes. */
#ifndef XENSHM_DIAG_H
#define XENSHM_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "checklist.h"
#include "srcpos.h"

/*
 * Exit codes, the one place they are defined (spec section 4, docs/exit-codes.md).
 */
enum exit_code {
	EXIT_OK = 0,		/* success; warnings allowed unless -Werror */
	EXIT_USAGE = 1,		/* usage, I/O or YAML syntax error */
	EXIT_CHECKS = 2,	/* check errors */
	EXIT_ROLLED_BACK = 3,	/* up/down failed, everything it changed undone */
	EXIT_LEFTOVERS = 4,	/* up/down failed and could not undo everything */
};

enum diag_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF };

/*
 * Stored diagnostics per file: the first ones in the file; more are counted,
 * not kept (bounded memory).
 */
#define DIAG_MAX 1000

struct note {
	struct srcpos pos;
	char *msg;
};

struct diagnostic {
	enum check_id check;
	enum severity sev;
	struct srcpos pos;
	char *msg;
	struct note *notes;
	size_t nnotes, alloc;
	size_t seq;		/* report order, to keep sorting stable */
};

/* Severity overrides from -W/-Wno-/-E/-Werror */
struct diag_config {
	enum severity sev[C__COUNT];
	bool werror;
};

struct diag_set {
	const struct source *src;
	const struct diag_config *cfg;
	struct diagnostic *items;	/* a heap: see diag.c; printing sorts them */
	size_t count, alloc;
	size_t reported;		/* counted diagnostics, kept or not */
	size_t dropped;
	size_t fired[C__COUNT];	/* per check, suppressed ones included */
	size_t errors, warnings, fatals;
};

void diag_config_init(struct diag_config *cfg);
/*
 * Applies one option: "-Werror", "-Wno-NAME", or op 'W'/'E' with a NAME.
 * Returns 0, or -1 after printing why to stderr.
 */
int diag_config_set(struct diag_config *cfg, char op, const char *name);

void diag_init(struct diag_set *d, const struct source *src, const struct diag_config *cfg);
void diag_release(struct diag_set *d);

/*
 * Reports a problem found by check c at pos. Returns the diagnostic so the
 * caller can add notes, or NULL when it is suppressed or over DIAG_MAX
 * (diag_note accepts NULL).
 */
struct diagnostic *report(struct diag_set *d, enum check_id c, const struct srcpos *pos,
			  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_note(struct diagnostic *dg, const struct srcpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Moves every diagnostic and count of from (a set of the same file) into d; releases from. */
void diag_merge(struct diag_set *d, struct diag_set *from);

/* Prints the set in the given format: text to err, JSON and SARIF to out. */
void diag_print(const struct diag_set *d, enum diag_format fmt, FILE *out, FILE *err);
/*
 * The same for the sets of several files: text one after the other; JSON an
 * array of the one-file documents (one file: that document alone); SARIF
 * one log with a run per file.
 */
void diag_print_many(const struct diag_set *const *sets, size_t n, enum diag_format fmt,
		     FILE *out, FILE *err);

/* "N errors and M warnings generated.", as compilers end; nothing when clean */
void diag_print_summary(const struct diag_set *d, FILE *f);

bool diag_has_errors(const struct diag_set *d);
/* EXIT_OK, EXIT_USAGE (fatal) or EXIT_CHECKS */
int diag_exit_code(const struct diag_set *d);

#endif
