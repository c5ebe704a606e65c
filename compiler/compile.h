/* The pipeline every command starts with: read, load, resolve, check. */
#ifndef XENSHM_COMPILE_H
#define XENSHM_COMPILE_H

#include "diag.h"
#include "srcpos.h"
#include "topology.h"

struct compile {
	struct source src;
	struct topology t;
	struct diag_set d;
};

/*
 * Reads path ("-" for stdin), loads, resolves and checks it; for_up adds the checks
 * that only `up` needs. Returns 0 when the file was read (diagnostics, if
 * any, are in c->d), or EXIT_USAGE after printing an I/O error.
 */
int compile_file(struct compile *c, const char *path, const struct diag_config *cfg, bool for_up);
/* compile_file on text in memory (tests, fuzzing): name is the file name messages give. */
void compile_buffer(struct compile *c, const char *name, const char *data, size_t n,
		    const struct diag_config *cfg, bool for_up);
/*
 * May the model reach an emitter or `up`? No errors, and no GUARD check of
 * checks.def fired, however -W/-Wno- had it reported.
 */
bool compile_may_emit(const struct compile *c);
/* Says on stderr, after verdict, which guard checks fired (compile_may_emit is false). */
void compile_print_refusal(const struct compile *c, const char *verdict);
/*
 * compile_file, then what every command but check does with the outcome:
 * diagnostics as text on stderr, and the exit code: EXIT_OK only when the
 * model may be emitted or applied, which no severity flag can grant when a
 * GUARD check fired (checks.def). With errors, a summary is printed too.
 */
int compile_checked(struct compile *c, const char *path, const struct diag_config *cfg,
		    bool for_up);
/* Safe on a zeroed struct compile, and after a failed compile_file. */
void compile_release(struct compile *c);
/* The same, for a command about to exit: the model is left to the kernel (not under sanitizers). */
void compile_release_at_exit(struct compile *c);

#endif
