/* `down FILE | -p PROJECT`: destroy the project's VMs, borrowers first, and its records. */
#include "cli.h"
#include "compile.h"
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "xenshm-compose down FILE | -p PROJECT [--no-scrub] [-q]";

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

/*
 * Zeroes the host memory the project claimed, its VMs gone, so their
 * contents do not wait in the pool for the next user; a range some other
 * domain still maps is left alone. 0, or -1 after a message.
 */
static int scrub_released(struct xen *x, const struct xs_claim *claims, size_t n,
			  size_t *nscrubbed)
{
	struct xen_iomem *held = NULL;
	const struct xen_iomem *h;
	size_t nheld = 0, i;
	int ret = 0;

	if (xen_iomem_list(x, &held, &nheld)) {
		fprintf(stderr, "xenshm-compose: %s; nothing scrubbed\n", xen_error(x));
		return -1;
	}
	for (i = 0; i < n; i++) {
		h = iomem_holder(held, nheld, claims[i].host, claims[i].size);
		if (h) {
			fprintf(stderr, "xenshm-compose: region '%s' not scrubbed: domain %u ('%s') "
				"still maps its host memory\n", claims[i].id, h->domid, h->name);
		} else if (xen_scrub(x, claims[i].host, claims[i].size)) {
			fprintf(stderr, "xenshm-compose: %s\n", xen_error(x));
			ret = -1;
		} else {
			(*nscrubbed)++;
		}
	}
	free(held);
	return ret;
}

/*
 * The regions to forget: those the journal claims, and those recorded for
 * the project (a record from before the journal has no claims). Their host
 * ranges, in claims[0..nclaims), are what down scrubs.
 */
static int released(const char *name, struct xs_project *p, struct xs_region *rec,
		    size_t nrec, char ***ids, size_t *nids, struct xs_claim **claims,
		    size_t *nclaims)
{
	size_t i, k;

	*ids = calloc(p->nclaims + nrec + 1, sizeof(**ids));
	*claims = calloc(p->nclaims + nrec + 1, sizeof(**claims));
	if (!*ids || !*claims)
		return -1;
	for (i = 0; i < p->nclaims; i++) {
		(*ids)[(*nids)++] = p->claims[i].id;
		(*claims)[(*nclaims)++] = p->claims[i];
	}
	for (i = 0; i < nrec; i++) {
		if (strcmp(rec[i].project, name))
			continue;
		for (k = 0; k < p->nclaims && strcmp(p->claims[k].id, rec[i].id); k++)
			;
		if (k < p->nclaims)
			continue;
		(*ids)[(*nids)++] = rec[i].id;
		if (rec[i].has_host) {
			struct xs_claim *c = &(*claims)[(*nclaims)++];
			snprintf(c->id, sizeof(c->id), "%s", rec[i].id);
			c->host = rec[i].host;
			c->size = rec[i].size;
		}
	}
	return 0;
}

/* Destroys, scrubs and forgets; missing domains are fine (down is idempotent). */
static int take_down(struct xen *x, const char *name, bool scrub, bool quiet)
{
	struct xs_project p = { 0 };
	struct xs_region *rec = NULL;
	struct xen_domain *doms = NULL;
	struct vm_status *st = NULL;
	struct xs_claim *claims = NULL;
	char **ids = NULL;
	size_t nrec = 0, ndoms = 0, nids = 0, nclaims = 0, ndestroyed = 0, nscrubbed = 0, i;
	int ret = EXIT_OK;

	if (xen_read_project(x, name, &p) || xen_read_regions(x, &rec, &nrec) ||
	    xen_list(x, &doms, &ndoms)) {
		fprintf(stderr, "xenshm-compose: %s\n", xen_error(x));
		ret = EXIT_USAGE;
		goto cleanup;
	}
	st = calloc(p.nvms + 1, sizeof(*st));
	if (!st || released(name, &p, rec, nrec, &ids, &nids, &claims, &nclaims)) {
		fprintf(stderr, "xenshm-compose: out of memory\n");
		ret = EXIT_USAGE;
		goto cleanup;
	}
	if (!p.name[0] && !nids) {
		if (!quiet)
			printf("project '%s' is not up\n", name);
		goto cleanup;
	}
	/* every domain the journal knows, even one up created but could not journal */
	project_status(&p, doms, ndoms, st);
	/* reverse start order: borrowers go before the owners they depend on */
	for (i = p.nvms; i-- > 0;) {
		if (!st[i].dom)
			continue;
		if (xen_destroy(x, st[i].dom->domid)) {
			fprintf(stderr, "xenshm-compose: %s; domain %u ('%s') remains\n", xen_error(x),
				st[i].dom->domid, p.vms[i].name);
			ret = EXIT_LEFTOVERS;
		} else {
			ndestroyed++;
			if (!quiet)
				printf("destroyed %s (domain %u)\n", p.vms[i].name, st[i].dom->domid);
		}
	}
	/* the records keep the memory claimed until it is zeroed: a failed scrub keeps them */
	if (ret == EXIT_OK && scrub && scrub_released(x, claims, nclaims, &nscrubbed)) {
		fprintf(stderr, "xenshm-compose: the records of '%s' remain until its memory is "
			"scrubbed: run down again\n", name);
		ret = EXIT_LEFTOVERS;
	}
	if (ret == EXIT_OK && xen_remove_records(x, name, ids, nids)) {
		fprintf(stderr, "xenshm-compose: %s; the records of '%s' remain\n", xen_error(x), name);
		ret = EXIT_LEFTOVERS;
	}
	if (ret == EXIT_OK && !quiet)
		printf("down: project '%s'%s: %zu VM%s destroyed, %zu region%s forgotten (%zu "
		       "scrubbed)\n", name, p.name[0] && strcmp(p.state, JOURNAL_UP) ?
		       " (an interrupted up)" : "", ndestroyed, ndestroyed == 1 ? "" : "s", nids,
		       nids == 1 ? "" : "s", nscrubbed);
cleanup:
	free(ids);
	free(claims);
	free(st);
	free(doms);
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
	int ret, lock = -1, host = -1;

	ret = parse_options(argc, argv, OPT_PROJECT | OPT_SCRUB | OPT_QUIET, usage, &o);
	if (ret || o.help)
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
	/* destroy, scrub and forget as one step among every project's (spec 7) */
	host = lock < 0 ? -1 : host_lock(o.quiet);
	ret = host < 0 ? EXIT_USAGE : take_down(x, name, !o.no_scrub, o.quiet);
cleanup:
	project_unlock(host);
	project_unlock(lock);
	xen_close(x);
	if (o.file)
		compile_release(&c);
	return ret;
}
