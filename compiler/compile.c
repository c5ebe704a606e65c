/* The pipeline every command starts with: read, load, resolve, check. */
#include "compile.h"
#include "checks.h"
#include "load.h"
#include "resolve.h"

#include <stdlib.h>

int compile_file(struct compile *c, const char *path, const struct diag_config *cfg, bool for_up)
{
	char *err = NULL;

	if (source_read(&c->src, path, &err)) {
		fprintf(stderr, "xenshm-compose: %s\n", err);
		free(err);
		source_release(&c->src);
		return EXIT_USAGE;
	}
	topology_init(&c->t, &c->src);
	c->t.for_up = for_up;
	diag_init(&c->d, &c->src, cfg);
	if (load_topology(&c->t, &c->d))
		return 0;	/* a fatal syntax error: nothing to resolve */
	resolve_topology(&c->t);
	checks_run(&c->t, &c->d, CHECKS_IN_ORDER);
	return 0;
}

void compile_release(struct compile *c)
{
	diag_release(&c->d);
	topology_release(&c->t);
	source_release(&c->src);
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
	return ret;
}
