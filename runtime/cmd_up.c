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

/*
 * One up: the journal as this run keeps it, what it found of each VM, and
 * what it changed, to report or undo. Arrays are indexed like t->start_order.
 */
struct run {
	struct xen *x;
	const struct topology *t;
	const char *hash;
	bool scrub, quiet;
	bool had_journal;	/* the project was (partly) up before this run */
	struct xs_project j;
	struct xen_domain *doms;
	size_t ndoms;
	struct vm_status *st;
	bool *created;		/* this run created its domain */
	uint32_t *domids;	/* indexed like t->vms, for records_build */
};

/* what became of VM i, in up's words */
static const char *health_text(const struct run *r, size_t i)
{
	switch (r->st[i].health) {
	case VM_RUNNING:
		return "running";
	case VM_PAUSED:
		return "paused";
	case VM_DEAD:
		return r->st[i].dom->crashed ? "crashed" : "dead";
	case VM_MISSING:
		break;
	}
	return r->j.vms[i].domid ? "gone" : "not created yet";
}

/*
 * Destroys what this run created, newest first. A fresh up also removes
 * its records and journal; a repair leaves the journal, which still
 * describes the VMs that were up before it. EXIT_ROLLED_BACK when that is
 * done, EXIT_LEFTOVERS (listing them) if not: records stay while a domain
 * they describe remains, so `down -p` can finish the job.
 */
static int rollback(struct run *r)
{
	const struct topology *t = r->t;
	char **ids = calloc(t->nmapped + 1, sizeof(*ids));
	int ret = EXIT_ROLLED_BACK;
	size_t i;

	for (i = t->nvms; i-- > 0;) {
		const struct xs_vm *vm = &r->j.vms[i];
		if (!r->created[i])
			continue;
		if (xen_destroy(r->x, vm->domid)) {
			fprintf(stderr, "xenshm-compose: rollback: %s; domain %u ('%s') remains: "
				"remove it with 'xenshm-compose down -p %s'\n", xen_error(r->x),
				vm->domid, vm->name, t->name.s);
			ret = EXIT_LEFTOVERS;
		}
	}
	if (!r->had_journal && ret == EXIT_ROLLED_BACK) {
		for (i = 0; ids && i < t->nmapped; i++)
			ids[i] = t->mapped[i]->id;
		if (!ids || xen_remove_records(r->x, t->name.s, ids, t->nmapped)) {
			fprintf(stderr, "xenshm-compose: rollback: %s; the records of project '%s' "
				"remain: 'xenshm-compose down -p %s' removes them\n",
				ids ? xen_error(r->x) : "out of memory", t->name.s, t->name.s);
			ret = EXIT_LEFTOVERS;
		}
	}
	free(ids);
	if (ret == EXIT_LEFTOVERS)
		fprintf(stderr, "xenshm-compose: up failed and could not undo everything: what "
			"remains is listed above\n");
	else if (r->had_journal)
		fprintf(stderr, "xenshm-compose: up failed; the domains it created were destroyed, "
			"and project '%s' stays as it was: 'xenshm-compose up' tries again, "
			"'xenshm-compose down -p %s' removes it\n", t->name.s, t->name.s);
	else
		fprintf(stderr, "xenshm-compose: up failed; everything it changed was undone\n");
	return ret;
}

/* whether domain d is one of this project's */
static bool own_domain(const struct run *r, uint32_t domid)
{
	size_t i;

	for (i = 0; i < r->t->nvms; i++)
		if (r->st[i].dom && r->st[i].dom->domid == domid)
			return true;
	return false;
}

/*
 * Host memory a domain other than this project's already maps, whoever made
 * it (xl create, plan.sh, another project): up would scrub it under that
 * guest. Returns the number of conflicts (printed).
 */
static int foreign_mappings(const struct run *r)
{
	const struct topology *t = r->t;
	struct xen_iomem *held = NULL;
	size_t nheld = 0, nforeign = 0, i;
	int n = 0;

	if (xen_iomem_list(r->x, &held, &nheld)) {
		fprintf(stderr, "xenshm-compose: %s\n", xen_error(r->x));
		return 1;
	}
	for (i = 0; i < nheld; i++)
		if (!own_domain(r, held[i].domid))
			held[nforeign++] = held[i];
	for (i = 0; i < t->nmapped; i++) {
		const struct region *g = t->mapped[i];
		const struct xen_iomem *h = iomem_holder(held, nforeign, g->host_base, g->eff_size);
		if (!h)
			continue;
		fprintf(stderr, "xenshm-compose: region '%s' (host %s) is memory that domain %u "
			"('%s') maps (iomem %s-%s); up would zero it under that guest\n", g->id,
			haddr(g->host_base), h->domid, h->name, haddr(h->base),
			haddr(h->base + h->size - 1));
		n++;
	}
	free(held);
	return n;
}

/* a region of t that clashes with another project's region id (by ID or host range) */
static int claim_conflicts(const struct topology *t, const char *id, bool has_host, uint64_t host,
			   uint64_t size, const char *project)
{
	int n = 0;
	size_t i;

	for (i = 0; i < t->nmapped; i++) {
		const struct region *g = t->mapped[i];
		if (!strcmp(id, g->id)) {
			fprintf(stderr, "xenshm-compose: region ID '%s' is already recorded by project "
				"'%s'\n", g->id, project);
			n++;
		} else if (has_host && g->host_placed &&
			   ranges_overlap(host, size, g->host_base, g->eff_size)) {
			fprintf(stderr, "xenshm-compose: region '%s' (host %s) overlaps region '%s' of "
				"project '%s' in host memory\n", g->id, haddr(g->host_base), id, project);
			n++;
		}
	}
	return n;
}

/* another project's claims: its journal (even of an interrupted up) */
static int project_conflicts(const struct run *r, char **names, size_t nnames)
{
	int n = 0;
	size_t i, k;

	for (i = 0; i < nnames; i++) {
		struct xs_project p;
		if (!strcmp(names[i], r->t->name.s))
			continue;
		if (xen_read_project(r->x, names[i], &p)) {
			fprintf(stderr, "xenshm-compose: %s\n", xen_error(r->x));
			return n + 1;
		}
		for (k = 0; k < p.nclaims; k++)
			n += claim_conflicts(r->t, p.claims[k].id, true, p.claims[k].host,
					     p.claims[k].size, p.name);
		xs_project_release(&p);
	}
	return n;
}

static bool listed(char **names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/*
 * Refuses what would clash with another project or foreign domains, before
 * any change. Returns the number of conflicts (printed), or -1 on error.
 */
static int conflicts(const struct run *r)
{
	const struct topology *t = r->t;
	struct xs_region *rec = NULL;
	char **names = NULL;
	size_t nrec = 0, nnames = 0, i, j;
	int n;

	if (xen_read_regions(r->x, &rec, &nrec) || xen_list_projects(r->x, &names, &nnames)) {
		fprintf(stderr, "xenshm-compose: %s\n", xen_error(r->x));
		xs_regions_free(rec, nrec);
		return -1;
	}
	n = project_conflicts(r, names, nnames);
	/* regions recorded by someone with no journal here: another tool, or a lost project */
	for (i = 0; i < nrec; i++)
		if (strcmp(rec[i].project, t->name.s) && !listed(names, nnames, rec[i].project))
			n += claim_conflicts(t, rec[i].id, rec[i].has_host, rec[i].host, rec[i].size,
					     rec[i].project);
	for (i = 0; i < r->ndoms; i++) {
		if (own_domain(r, r->doms[i].domid))
			continue;
		for (j = 0; j < t->nvms; j++)
			if (!strcmp(r->doms[i].name, t->vms[j]->name.s)) {
				fprintf(stderr, "xenshm-compose: VM name '%s' is taken by domain %u, "
					"which project '%s' did not create\n", r->doms[i].name,
					r->doms[i].domid, t->name.s);
				n++;
			}
	}
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	xs_regions_free(rec, nrec);
	return n + foreign_mappings(r);
}

/* a region none of whose members is alive and has run: nobody's data is in it */
static bool unused(const struct run *r, const struct region *g)
{
	size_t i, k;

	for (i = 0; i < g->nmembers; i++) {
		k = g->members[i]->vm->start_index;
		if (r->st[k].ran && !r->created[k])
			return false;
	}
	return true;
}

/* Kills the dead and creates the missing, in start order, journaling each. */
static int create_missing(struct run *r, size_t *nmade)
{
	const struct topology *t = r->t;
	size_t i;

	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->start_order[i];
		struct xs_vm *jv = &r->j.vms[i];
		enum vm_health h = r->st[i].health;
		const char *before;

		if (h == VM_DEAD) {
			if (xen_destroy(r->x, r->st[i].dom->domid))
				return -1;
			if (!r->quiet)
				printf("destroyed %s (domain %u, %s)\n", vm->name.s,
				       r->st[i].dom->domid, domain_state(r->st[i].dom));
		}
		if (h != VM_DEAD && h != VM_MISSING)
			continue;
		before = health_text(r, i);
		/* the UUID goes to the journal first: a kill right after the create still finds it */
		xen_uuid_new(jv->uuid);
		jv->domid = jv->started = 0;
		if (xen_journal_vm(r->x, t->name.s, jv) ||
		    xen_create_paused(r->x, t, vm, jv->uuid, &jv->domid))
			return -1;
		r->created[i] = true;
		(*nmade)++;
		if (xen_journal_vm(r->x, t->name.s, jv))
			return -1;
		if (!r->quiet)
			printf("created %s (domain %u, paused)%s%s\n", vm->name.s, jv->domid,
			       r->had_journal ? ": it was " : "", r->had_journal ? before : "");
	}
	return 0;
}

/* The steps of up (spec 7), from the journal to the last unpause; 0 or -1 after x's error. */
static int steps(struct run *r, size_t *nmade, size_t *nresumed, size_t *nscrubbed)
{
	const struct topology *t = r->t;
	struct xs_region *regions = NULL;
	size_t i;
	int ret = -1;

	/* the journal is in xenstore before the first domain exists */
	if (xen_journal_begin(r->x, &r->j) || create_missing(r, nmade))
		return -1;
	if (xen_journal_state(r->x, t->name.s, JOURNAL_SCRUBBING))
		return -1;
	/* no guest runs before every region of the topology is in place */
	for (i = 0; r->scrub && i < t->nmapped; i++) {
		const struct region *g = t->mapped[i];
		if (!unused(r, g))
			continue;
		if (xen_scrub(r->x, g->host_base, g->eff_size))
			return -1;
		(*nscrubbed)++;
	}
	for (i = 0; i < t->nvms; i++)
		r->domids[t->start_order[i]->index] = r->j.vms[i].domid;
	if (records_build(t, r->domids, r->hash, &regions))
		return xen_oom(r->x);
	/* one transaction: when it fails, nothing of it was written */
	snprintf(r->j.state, sizeof(r->j.state), "%s", JOURNAL_STARTING);
	if (xen_write_records(r->x, regions, t->nmapped, &r->j))
		goto out;
	for (i = 0; i < t->nvms; i++) {
		struct xs_vm *jv = &r->j.vms[i];
		if (!r->created[i] && r->st[i].health != VM_PAUSED)
			continue;
		if (xen_unpause(r->x, jv->domid))
			goto out;
		jv->started = jv->domid;
		if (xen_journal_vm(r->x, t->name.s, jv))
			goto out;
		if (!r->created[i]) {
			(*nresumed)++;
			if (!r->quiet)
				printf("resumed %s (domain %u): it was paused\n", jv->name, jv->domid);
		}
	}
	ret = xen_journal_state(r->x, t->name.s, JOURNAL_UP);
out:
	xs_regions_free(regions, t->nmapped);
	return ret;
}

/*
 * Finishes what the journal says (nothing: a fresh up). Returns EXIT_OK
 * when every VM runs, EXIT_ROLLED_BACK when refused or undone.
 */
static int converge(struct run *r)
{
	const struct topology *t = r->t;
	size_t i, nmade = 0, nresumed = 0, nscrubbed = 0;
	bool healthy = r->had_journal && !strcmp(r->j.state, JOURNAL_UP);
	int n;

	for (i = 0; i < t->nvms; i++) {
		healthy = healthy && r->st[i].health == VM_RUNNING;
		if (r->had_journal && r->st[i].health != VM_RUNNING && !r->quiet)
			printf("%s: %s\n", r->j.vms[i].name, health_text(r, i));
	}
	if (healthy) {
		if (!r->quiet)
			printf("project '%s' is up to date (%zu VMs, topology %.19s...)\n", t->name.s,
			       t->nvms, r->hash);
		return EXIT_OK;
	}
	if (r->had_journal && !r->quiet)
		printf("project '%s' is %s: up finishes it\n", t->name.s,
		       strcmp(r->j.state, JOURNAL_UP) ? "an interrupted up" : "not all running");
	n = conflicts(r);
	if (n) {
		if (n > 0)
			fprintf(stderr, "xenshm-compose: up refused before any change (%d "
				"conflict%s)\n", n, n == 1 ? "" : "s");
		return n > 0 ? EXIT_ROLLED_BACK : EXIT_USAGE;
	}
	snprintf(r->j.state, sizeof(r->j.state), "%s", JOURNAL_CREATING);
	if (steps(r, &nmade, &nresumed, &nscrubbed)) {
		fprintf(stderr, "xenshm-compose: %s\n", xen_error(r->x));
		return rollback(r);
	}
	if (r->quiet)
		return EXIT_OK;
	if (r->had_journal)
		printf("up: project '%s': %zu VM%s recreated, %zu resumed, %zu running; %zu region%s "
		       "recorded (%zu scrubbed)\n", t->name.s, nmade, nmade == 1 ? "" : "s", nresumed,
		       t->nvms, t->nmapped, t->nmapped == 1 ? "" : "s", nscrubbed);
	else
		printf("up: project '%s': %zu VM%s running, %zu region%s recorded%s\n", t->name.s,
		       t->nvms, t->nvms == 1 ? "" : "s", t->nmapped, t->nmapped == 1 ? "" : "s",
		       r->scrub ? " (scrubbed)" : "");
	return EXIT_OK;
}

/* Reads the journal and the domains into r; EXIT_OK, or an exit code after a message. */
static int survey(struct run *r)
{
	struct xs_project found;
	size_t i, k;

	if (journal_build(r->t, r->hash, &r->j))
		return fprintf(stderr, "xenshm-compose: out of memory\n"), EXIT_USAGE;
	if (xen_read_project(r->x, r->t->name.s, &found) || xen_list(r->x, &r->doms, &r->ndoms)) {
		fprintf(stderr, "xenshm-compose: %s\n", xen_error(r->x));
		return EXIT_USAGE;
	}
	r->had_journal = found.name[0] != '\0';
	if (r->had_journal && strcmp(found.hash, r->hash)) {
		fprintf(stderr, "xenshm-compose: project '%s' is %s with another topology (%.19s...); "
			"run 'xenshm-compose down' first\n", r->t->name.s,
			strcmp(found.state, JOURNAL_UP) ? "partly up (an interrupted up)" : "up",
			found.hash);
		xs_project_release(&found);
		return EXIT_ROLLED_BACK;
	}
	/* same hash, so the same VMs in the same order: take over what the journal knows */
	for (i = 0; i < r->j.nvms; i++)
		for (k = 0; k < found.nvms; k++)
			if (!strcmp(found.vms[k].name, r->j.vms[i].name))
				r->j.vms[i] = found.vms[k];
	snprintf(r->j.state, sizeof(r->j.state), "%s", r->had_journal ? found.state : "");
	xs_project_release(&found);
	project_status(&r->j, r->doms, r->ndoms, r->st);
	/* a domain found by its UUID alone gets its domid journaled with the rest */
	for (i = 0; i < r->j.nvms; i++)
		if (r->st[i].dom)
			r->j.vms[i].domid = r->st[i].dom->domid;
	return EXIT_OK;
}

/*
 * Applies the plan (spec 7) under the host lock. The model is checked; x is
 * open; the project's lock is held. INT, TERM and HUP wait until it is up or
 * rolled back; a SIGKILL leaves the journal, from which the next up or down
 * goes on.
 */
static int apply(struct xen *x, const struct topology *t, const char *hash, bool scrub,
		 bool quiet)
{
	struct run r = { .x = x, .t = t, .hash = hash, .scrub = scrub, .quiet = quiet };
	sigset_t block, old;
	int ret, lock;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	r.st = calloc(t->nvms + 1, sizeof(*r.st));
	r.created = calloc(t->nvms + 1, sizeof(*r.created));
	r.domids = calloc(t->nvms + 1, sizeof(*r.domids));
	/* every project's survey, creation and records, one at a time (spec 7) */
	lock = host_lock(quiet);
	if (lock < 0)
		ret = EXIT_USAGE;
	else if (!r.st || !r.created || !r.domids)
		ret = (fprintf(stderr, "xenshm-compose: out of memory\n"), EXIT_USAGE);
	else if ((ret = survey(&r)) == EXIT_OK)
		ret = converge(&r);
	project_unlock(lock);
	fflush(stdout);
	sigprocmask(SIG_SETMASK, &old, NULL);
	xs_project_release(&r.j);
	free(r.doms);
	free(r.st);
	free(r.created);
	free(r.domids);
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
	struct xen *x = NULL;
	char *hash = NULL;
	int ret, lock = -1;

	ret = parse_options(argc, argv, OPT_SCRUB | OPT_DRY_RUN | OPT_QUIET, usage, &o);
	if (ret || o.help)
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
	ret = lock < 0 ? EXIT_USAGE : apply(x, &c.t, hash, !o.no_scrub, o.quiet);
cleanup:
	project_unlock(lock);
	xen_close(x);
	free(hash);
	compile_release(&c);
	return ret;
}
