/* The pipeline every command starts with: read, load, resolve, check. */
#include "compile.h"
#include "checks.h"
#include "load.h"
#include "resolve.h"
#include "text.h"

#include <stdlib.h>

/* load -> resolve -> check, on c->src */
static void compile_source(struct compile *c, const struct diag_config *cfg, bool for_up)
{
	topology_init(&c->t, &c->src);
	c->t.for_up = for_up;
	diag_init(&c->d, &c->src, cfg);
	if (load_topology(&c->t, &c->d))
		return;	/* a fatal syntax error: nothing to resolve */
	resolve_topology(&c->t);
	checks_run(&c->t, &c->d, CHECKS_IN_ORDER);
}

int compile_file(struct compile *c, const char *path, const struct diag_config *cfg, bool for_up)
{
	char *err = NULL;

	if (source_read(&c->src, path, &err)) {
		fprintf(stderr, "xenshm-compose: %s\n", err);
		free(err);
		source_release(&c->src);
		return EXIT_USAGE;
	}
	compile_source(c, cfg, for_up);
	if ((err = source_read_error(&c->src))) {
		/* the file failed under the parser: an I/O error, whatever it left half-read */
		fprintf(stderr, "xenshm-compose: %s\n", err);
		free(err);
		compile_release(c);
		return EXIT_USAGE;
	}
	return 0;
}

void compile_buffer(struct compile *c, const char *name, const char *data, size_t n,
		    const struct diag_config *cfg, bool for_up)
{
	source_from_buffer(&c->src, name, data, n);
	compile_source(c, cfg, for_up);
}

/*
 * Severity flags change what is reported, never what reaches an emitter or
 * `up`: a GUARD check (checks.def) that fired stops the command, however
 * -W or -Wno- had it reported.
 */
bool compile_may_emit(const struct compile *c)
{
	size_t i;

	if (diag_has_errors(&c->d))
		return false;
	for (i = 0; i < C__COUNT; i++)
		if (check_info(i)->guard && c->d.fired[i])
			return false;
	return true;
}

void compile_release(struct compile *c)
{
	diag_release(&c->d);
	topology_release(&c->t);
	source_release(&c->src);
}

#if defined(__SANITIZE_ADDRESS__)
#define FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FREE_AT_EXIT 1
#endif
#endif

/*
 * A command's model dies with the process: the kernel takes its memory back
 * at once, where freeing a large topology object by object costs a tenth of
 * `check` (clang's -disable-free, for the same reason). Sanitizer builds
 * free it, so that LeakSanitizer still accounts for every allocation.
 */
void compile_release_at_exit(struct compile *c)
{
#ifdef FREE_AT_EXIT
	compile_release(c);
#else
	diag_release(&c->d);
	source_release(&c->src);
#endif
}

/* one line naming every guard check that fired, and why the options do not help */
void compile_print_refusal(const struct compile *c, const char *verdict)
{
	char *names = xstrdup("");
	size_t i, n = 0, first = 0;

	for (i = 0; i < C__COUNT; i++) {
		char *more;
		if (!check_info(i)->guard || !c->d.fired[i])
			continue;
		if (!n)
			first = i;
		more = xasprintf("%s%s[%s]", names, n++ ? ", " : "", check_info(i)->name);
		free(names);
		names = more;
	}
	if (n)
		fprintf(stderr, "xenshm-compose: %s: %s: %s found %s; -W and -Wno- change what is "
			"reported, not what may be written or applied (xenshm-compose explain "
			"%s)\n", q(c->src.name), verdict, names, n == 1 ? "a problem" : "problems",
			check_info(first)->name);
	free(names);
}

int compile_checked(struct compile *c, const char *path, const struct diag_config *cfg,
		    bool for_up)
{
	int ret = compile_file(c, path, cfg, for_up);

	if (ret)
		return ret;
	diag_print(&c->d, FORMAT_TEXT, stdout, stderr);
	ret = diag_exit_code(&c->d);
	if (ret != EXIT_OK)
		diag_print_summary(&c->d, stderr);
	else if (!compile_may_emit(c)) {
		compile_print_refusal(c, "refused");
		ret = EXIT_CHECKS;
	}
	return ret;
}
