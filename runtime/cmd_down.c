/* `down FILE | -p PROJECT`: destroy the project's VMs, borrowers first, and its records. */
#include "cli.h"
#include "compile.h"
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "xenshm-compose down FILE | -p PROJECT [-q]";

/* the project named by FILE (even one with check errors: down must still work) */
static int project_name(const struct options *o, struct compile *c, const char **name)
{
	int ret;

	if (o->project) {
		*name = o->project;
		return 0;
	}
	ret = compile_file(c, o->file, &o->diag, false);
	if (ret)
		return ret;
	if (!c->t.name.s) {
		diag_print(&c->d, FORMAT_TEXT, stdout, stderr);
		fprintf(stderr, "xenshm-compose: '%s' names no project; use -p PROJECT\n",
			c->src.name);
		return EXIT_USAGE;
	}
	*name = c->t.name.s;
	return 0;
}

/* Destroys and forgets; missing domains are fine (down is idempotent). */
static int take_down(struct xen *x, const char *name, bool quiet)
{
	struct xs_project p = { 0 };
	struct xs_region *rec = NULL;
	char **ids = NULL, dname[72];
	size_t nrec = 0, nids = 0, ndestroyed = 0, i;
	int ret = EXIT_OK;

	if (xen_read_project(x, name, &p) || xen_read_regions(x, &rec, &nrec)) {
		fprintf(stderr, "xenshm-compose: %s\n", xen_error(x));
		ret = EXIT_USAGE;
		goto cleanup;
	}
	ids = calloc(nrec + 1, sizeof(*ids));
	if (!ids) {
		fprintf(stderr, "xenshm-compose: out of memory\n");
		ret = EXIT_USAGE;
		goto cleanup;
	}
	for (i = 0; i < nrec; i++)
		if (!strcmp(rec[i].project, name))
			ids[nids++] = rec[i].id;
	if (!p.name[0] && !nids) {
		if (!quiet)
			printf("project '%s' is not up\n", name);
		goto cleanup;
	}
	/* reverse start order: borrowers go before the owners they depend on */
	for (i = p.nvms; i-- > 0;) {
		const struct xs_vm *vm = &p.vms[i];
		/* a recycled domid may name somebody else's domain now: check the name */
		if (xen_domain_name(x, vm->domid, dname, sizeof(dname))) {
			fprintf(stderr, "xenshm-compose: %s; domain %u ('%s') may remain\n",
				xen_error(x), vm->domid, vm->name);
			ret = EXIT_LEFTOVERS;
			continue;
		}
		if (strcmp(dname, vm->name))
			continue;
		if (xen_destroy(x, vm->domid)) {
			fprintf(stderr, "xenshm-compose: %s; domain %u ('%s') remains\n", xen_error(x),
				vm->domid, vm->name);
			ret = EXIT_LEFTOVERS;
		} else {
			ndestroyed++;
			if (!quiet)
				printf("destroyed %s (domain %u)\n", vm->name, vm->domid);
		}
	}
	if (ret == EXIT_OK && xen_remove_records(x, name, ids, nids)) {
		fprintf(stderr, "xenshm-compose: %s; the records of '%s' remain\n", xen_error(x), name);
		ret = EXIT_LEFTOVERS;
	}
	if (ret == EXIT_OK && !quiet)
		printf("down: project '%s': %zu VM%s destroyed, %zu region%s forgotten\n", name,
		       ndestroyed, ndestroyed == 1 ? "" : "s", nids, nids == 1 ? "" : "s");
cleanup:
	free(ids);
	xs_regions_free(rec, nrec);
	xs_project_release(&p);
	return ret;
}

int down_main(int argc, char **argv)
{
	struct options o;
	struct compile c = { 0 };
	struct xen *x = NULL;
	const char *name = NULL;
	int ret, lock = -1;

	ret = parse_options(argc, argv, OPT_PROJECT | OPT_QUIET, usage, &o);
	if (ret)
		return ret;
	if (!o.file && !o.project) {
		fprintf(stderr, "xenshm-compose: down needs FILE or -p PROJECT\nusage: %s\n", usage);
		return EXIT_USAGE;
	}
	ret = project_name(&o, &c, &name);
	if (ret)
		goto cleanup;
	if (runtime_open(&x, "down")) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	lock = project_lock(name);
	ret = lock < 0 ? EXIT_USAGE : take_down(x, name, o.quiet);
cleanup:
	project_unlock(lock);
	xen_close(x);
	if (o.file)
		compile_release(&c);
	return ret;
}
