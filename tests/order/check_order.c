/*
 * Proof that checks only read the model: each FILE is compiled twice, with
 * the check table run in order and reversed, and the diagnostics (text and
 * JSON) must be byte-identical. Prints a PASS or FAIL line per file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "diag.h"
#include "load.h"
#include "resolve.h"

/* every diagnostic of path, text then JSON, with the checks run in the given order */
static char *diagnostics(const char *path, enum check_order order)
{
	struct source src;
	struct topology t;
	struct diag_set d;
	char *err = NULL, *out = NULL;
	size_t len = 0;
	FILE *f;

	if (source_read(&src, path, &err)) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	topology_init(&t, &src);
	diag_init(&d, &src, NULL);
	if (load_topology(&t, &d) == 0) {
		resolve_topology(&t);
		checks_run(&t, &d, order);
	}
	f = open_memstream(&out, &len);
	diag_print(&d, FORMAT_TEXT, f, f);
	diag_print(&d, FORMAT_JSON, f, f);
	fclose(f);
	diag_release(&d);
	topology_release(&t);
	source_release(&src);
	return out;
}

int main(int argc, char **argv)
{
	int i, failed = 0;

	for (i = 1; i < argc; i++) {
		char *in_order = diagnostics(argv[i], CHECKS_IN_ORDER);
		char *reversed = diagnostics(argv[i], CHECKS_REVERSED);
		bool same = !strcmp(in_order, reversed);

		printf("%s: check order %s: reversed table gives %s diagnostics\n",
		       same ? "PASS" : "FAIL", argv[i], same ? "the same" : "other");
		failed |= !same;
		free(in_order);
		free(reversed);
	}
	return failed;
}
