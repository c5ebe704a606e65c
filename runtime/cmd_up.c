/* `up FILE`: create the VMs paused, scrub and record the regions, unpause; or undo it all. */
#include "cli.h"
#include "compile.h"
#include "emit.h"
#include "runtime.h"
#include "text.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"xenshm-compose up FILE [--dry-run] [--no-scrub] [-W NAME] [-Wno-NAME] [-E NAME] "
	"[-Werror] [-q]";

/* what this run changed, to undo on failure */
struct undo {
	uint32_t *domids;	/* indexed like t->vms; valid where created[] */
	bool *created;
	bool records;
};

/*
 * Destroys what this run created, newest first, and removes its records.
 * EXIT_ROLLED_BACK when nothing is left, EXIT_LEFTOVERS (listing it) if not.
 */
static int rollback(struct xen *x, const struct topology *t, struct undo *u)
{
	char **ids = calloc(t->nmapped + 1, sizeof(*ids));
	int ret = EXIT_ROLLED_BACK;
	size_t i;

	for (i = t->nvms; i-- > 0;) {
		const struct vm *vm = t->start_order[i];
		if (!u->created[vm->index])
			continue;
		if (xen_destroy(x, u->domids[vm->index])) {
			fprintf(stderr, "xenshm-compose: rollback: %s; domain %u ('%s') remains: "
				"remove it with 'xl destroy %s'\n", xen_error(x),
				u->domids[vm->index], vm->name.s, vm->name.s);
			ret = EXIT_LEFTOVERS;
		} else {
			u->created[vm->index] = false;
		}
	}
	/*
	 * Records stay while a domain they describe remains: they keep other
	 * projects off its memory, and let `down -p` finish the job.
	 */
	if (u->records && ret == EXIT_LEFTOVERS) {
		fprintf(stderr, "xenshm-compose: rollback: the records of project '%s' are kept "
			"for what remains; 'xenshm-compose down -p %s' removes both\n", t->name.s,
			t->name.s);
	} else if (u->records) {
		for (i = 0; ids && i < t->nmapped; i++)
			ids[i] = t->mapped[i]->id;
		if (!ids || xen_remove_records(x, t->name.s, ids, t->nmapped)) {
			fprintf(stderr, "xenshm-compose: rollback: %s; the records of project '%s' "
				"remain: 'xenshm-compose down -p %s' removes them\n",
				ids ? xen_error(x) : "out of memory", t->name.s, t->name.s);
			ret = EXIT_LEFTOVERS;
		}
	}
	free(ids);
	if (ret == EXIT_ROLLED_BACK)
		fprintf(stderr, "xenshm-compose: up failed; everything it changed was undone\n");
	else
		fprintf(stderr, "xenshm-compose: up failed and could not undo everything: what "
			"remains is listed above\n");
	return ret;
}

/* same topology already up, and every VM of it alive under its name */
static bool up_to_date(struct xen *x, const struct xs_project *p, const char *hash)
{
	char name[72];
	size_t i;

	if (strcmp(p->hash, hash))
		return false;
	for (i = 0; i < p->nvms; i++)
		if (xen_domain_name(x, p->vms[i].domid, name, sizeof(name)) ||
		    strcmp(name, p->vms[i].name))
			return false;
	return true;
}

/*
 * Host memory a domain already maps, whoever made it (xl create, plan.sh,
 * another project): up would scrub it under that guest. Returns the number
 * of conflicts (printed); up to this project's own records, no domain of
 * this project exists here.
 */
static int foreign_mappings(struct xen *x, const struct topology *t)
{
	struct xen_iomem *held = NULL;
	size_t nheld = 0, i;
	int n = 0;

	if (xen_iomem_list(x, &held, &nheld)) {
		fprintf(stderr, "xenshm-compose: %s\n", xen_error(x));
		return 1;
	}
	for (i = 0; i < t->nmapped; i++) {
		const struct region *r = t->mapped[i];
		const struct xen_iomem *h = iomem_holder(held, nheld, r->host_base, r->eff_size);
		if (!h)
			continue;
		fprintf(stderr, "xenshm-compose: region '%s' (host %s) is memory that domain %u "
			"('%s') maps (iomem %s-%s); up would zero it under that guest\n", r->id,
			haddr(r->host_base), h->domid, h->name, haddr(h->base),
			haddr(h->base + h->size - 1));
		n++;
	}
	free(held);
	return n;
}

/*
 * Refuses what would clash with another project or foreign domains, before
 * any change. Returns the number of conflicts (printed), or -1 on error.
 */
static int conflicts(struct xen *x, const struct topology *t)
{
	struct xs_region *rec = NULL;
	struct xen_domain *doms = NULL;
	size_t nrec = 0, ndoms = 0, i, j;
	int n = 0;

	if (xen_read_regions(x, &rec, &nrec) || xen_list(x, &doms, &ndoms)) {
		fprintf(stderr, "xenshm-compose: %s\n", xen_error(x));
		xs_regions_free(rec, nrec);
		return -1;
	}
	for (i = 0; i < nrec; i++) {
		if (!strcmp(rec[i].project, t->name.s))
			continue;
		for (j = 0; j < t->nmapped; j++) {
			const struct region *r = t->mapped[j];
			if (!strcmp(rec[i].id, r->id)) {
				fprintf(stderr, "xenshm-compose: region ID '%s' is already recorded by "
					"project '%s'\n", r->id, rec[i].project);
				n++;
			} else if (rec[i].has_host && r->host_placed &&
				   ranges_overlap(rec[i].host, rec[i].size, r->host_base, r->eff_size)) {
				fprintf(stderr, "xenshm-compose: region '%s' (host 0x%llx) overlaps "
					"region '%s' of project '%s' in host memory\n", r->id,
					(unsigned long long)r->host_base, rec[i].id, rec[i].project);
				n++;
			}
		}
	}
	for (i = 0; i < ndoms; i++)
		for (j = 0; j < t->nvms; j++)
			if (!strcmp(doms[i].name, t->vms[j]->name.s)) {
				fprintf(stderr, "xenshm-compose: VM name '%s' is taken by domain %u, "
					"which project '%s' did not create\n", doms[i].name,
					doms[i].domid, t->name.s);
				n++;
			}
	xs_regions_free(rec, nrec);
	free(doms);
	return n + foreign_mappings(x, t);
}

/* The steps of apply(), with the signals that could interrupt them held. */
static int apply_blocked(struct xen *x, const struct topology *t, const char *hash, bool scrub,
			 bool quiet)
{
	struct undo u = { 0 };
	struct xs_region *regions = NULL;
	struct xs_project project = { 0 };
	int ret = EXIT_ROLLED_BACK, n;
	size_t i;

	n = conflicts(x, t);
	if (n) {
		if (n > 0)
			fprintf(stderr, "xenshm-compose: up refused before any change (%d "
				"conflict%s)\n", n, n == 1 ? "" : "s");
		return n > 0 ? EXIT_ROLLED_BACK : EXIT_USAGE;
	}
	u.domids = calloc(t->nvms + 1, sizeof(*u.domids));
	u.created = calloc(t->nvms + 1, sizeof(*u.created));
	if (!u.domids || !u.created) {
		fprintf(stderr, "xenshm-compose: out of memory\n");
		goto cleanup;
	}
	/* no guest runs before every region of the topology is in place */
	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->start_order[i];
		if (xen_create_paused(x, t, vm, &u.domids[vm->index])) {
			fprintf(stderr, "xenshm-compose: %s\n", xen_error(x));
			goto fail;
		}
		u.created[vm->index] = true;
		if (!quiet)
			printf("created %s (domain %u, paused)\n", vm->name.s, u.domids[vm->index]);
	}
	for (i = 0; scrub && i < t->nmapped; i++) {
		const struct region *r = t->mapped[i];
		if (xen_scrub(x, r->host_base, r->eff_size)) {
			fprintf(stderr, "xenshm-compose: %s\n", xen_error(x));
			goto fail;
		}
	}
	if (records_build(t, u.domids, hash, &regions, &project)) {
		fprintf(stderr, "xenshm-compose: out of memory\n");
		goto fail;
	}
	/* one transaction: when it fails, nothing of it was written */
	if (xen_write_records(x, regions, t->nmapped, &project)) {
		fprintf(stderr, "xenshm-compose: %s\n", xen_error(x));
		goto fail;
	}
	u.records = true;
	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->start_order[i];
		if (xen_unpause(x, u.domids[vm->index])) {
			fprintf(stderr, "xenshm-compose: %s\n", xen_error(x));
			goto fail;
		}
	}
	if (!quiet)
		printf("up: project '%s': %zu VM%s running, %zu region%s recorded%s\n", t->name.s,
		       t->nvms, t->nvms == 1 ? "" : "s", t->nmapped, t->nmapped == 1 ? "" : "s",
		       scrub ? " (scrubbed)" : "");
	ret = EXIT_OK;
	goto cleanup;
fail:
	ret = rollback(x, t, &u);
cleanup:
	records_release(regions, t->nmapped, &project);
	free(u.domids);
	free(u.created);
	return ret;
}

/*
 * Applies the plan (spec 7). The model is checked; x is open; the lock is
 * held. INT, TERM and HUP wait until it is up or rolled back: an interrupted
 * run would leave paused domains nobody records.
 */
static int apply(struct xen *x, const struct topology *t, const char *hash, bool scrub,
		 bool quiet)
{
	sigset_t block, old;
	int ret, lock;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	/* every project's preflight, creation and records, one at a time (spec 7) */
	lock = host_lock(quiet);
	ret = lock < 0 ? EXIT_USAGE : apply_blocked(x, t, hash, scrub, quiet);
	project_unlock(lock);
	fflush(stdout);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

/* the backends whose artifacts are applied by other means than libxl iomem */
static int other_backend(const struct topology *t)
{
	if (t->backend == BACKEND_STATIC_SHM)
		fprintf(stderr, "xenshm-compose: up applies the iomem backend only; for static-shm, "
			"run 'xenshm-compose build' and start the VMs with xl in plan order "
			"(plan.sh): xl passes static_shm to a Xen that carries it\n");
	else
		fprintf(stderr, "xenshm-compose: up applies the iomem backend only; dom0less "
			"domains are built by Xen at boot: merge dom0less/xenshm.dtsi from "
			"'xenshm-compose build' into the host device tree\n");
	return EXIT_USAGE;
}

int up_main(int argc, char **argv)
{
	struct options o;
	struct compile c = { 0 };
	struct xs_project rec = { 0 };
	struct xen *x = NULL;
	char *hash = NULL;
	int ret, lock = -1;

	ret = parse_options(argc, argv, OPT_SCRUB | OPT_DRY_RUN | OPT_QUIET, usage, &o);
	if (ret)
		return ret;
	ret = compile_checked(&c, o.file, &o.diag, true);
	if (ret != EXIT_OK)
		goto cleanup;
	if (c.t.backend != BACKEND_IOMEM) {
		ret = other_backend(&c.t);
		goto cleanup;
	}
	hash = topology_hash(&c.t);
	if (o.dry_run) {
		ret = emit_plan_text(&c.t, hash, !o.no_scrub, stdout) ? EXIT_USAGE : EXIT_OK;
		goto cleanup;
	}
	if (runtime_open(&x, "up")) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	lock = project_lock(c.t.name.s);
	if (lock < 0) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	if (xen_read_project(x, c.t.name.s, &rec)) {
		fprintf(stderr, "xenshm-compose: %s\n", xen_error(x));
		ret = EXIT_USAGE;
	} else if (rec.name[0] && up_to_date(x, &rec, hash)) {
		if (!o.quiet)
			printf("project '%s' is up to date (%zu VMs, topology %.19s...)\n",
			       c.t.name.s, rec.nvms, hash);
		ret = EXIT_OK;
	} else if (rec.name[0]) {
		fprintf(stderr, "xenshm-compose: project '%s' is up with another topology (%.19s...) "
			"or partly gone; run 'xenshm-compose down' first\n", c.t.name.s, rec.hash);
		ret = EXIT_ROLLED_BACK;
	} else {
		ret = apply(x, &c.t, hash, !o.no_scrub, o.quiet);
	}
cleanup:
	xs_project_release(&rec);
	project_unlock(lock);
	xen_close(x);
	free(hash);
	compile_release(&c);
	return ret;
}
