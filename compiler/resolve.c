/*
 * The resolve stage, spec 3: names linked, sizes and alignments in force,
 * start order and owners, guest and host placement. It decides every
 * address; what it could not do stays recorded in the model for the checks
 * to report. It reports nothing itself.
 */
#include "resolve.h"
#include "freelist.h"
#include "order.h"
#include "parallel.h"
#include "xenfacts.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Names to objects the loader could not link as it read: depends_on may name a later VM. */
static void link_names(struct topology *t)
{
	size_t i, j;

	for (i = 0; i < t->nvms; i++) {
		struct vm *vm = t->vms[i];
		if (!vm->ndepends_on)
			continue;	/* most VMs: no allocation (a malloc of 0 is 32 bytes) */
		vm->deps = xcalloc(vm->ndepends_on, sizeof(*vm->deps));
		for (j = 0; j < vm->ndepends_on; j++)
			vm->deps[j] = topology_find_vm(t, vm->depends_on[j].s);
	}
}

/*
 * The size in force: the `regions` entry's, else the earliest mapping's
 * (a zero size is no size). The alignment in force: `align` when valid,
 * else a page.
 */
static void size_regions(struct topology *t)
{
	size_t i, j;

	for (i = 0; i < t->nregions; i++) {
		struct region *r = t->regions[i];
		const struct region_decl *dc = r->decl;

		uint64_t align = dc->align.pos.set && is_pow2(dc->align.v) && dc->align.v >= PAGE_SIZE ?
					 dc->align.v : PAGE_SIZE;

		r->align_shift = (uint8_t)__builtin_ctzll(align);
		r->size_from = dc->size.pos.set && dc->size.v ? &dc->size : NULL;
		for (j = 0; j < r->nmembers && !r->size_from; j++)
			if (mapping_given(r->members[j])->size.pos.set && mapping_given(r->members[j])->size.v)
				r->size_from = &mapping_given(r->members[j])->size;
		r->eff_size = r->size_from ? r->size_from->v : 0;
	}
}

/* appends [base, base + size) to obs when not empty; obs has room for it */
static void add_range(struct range *obs, size_t *n, uint64_t base, uint64_t size)
{
	if (size)
		obs[(*n)++] = (struct range){ base, size };
}

/*
 * Places the VM's mappings that have no `at` (spec 3, guest placement);
 * the ones that find no room are marked no_room.
 */
static void place_guest(const struct topology *t, struct vm *vm)
{
	struct named_range res[MAX_RESERVED];
	struct range win[MAX_WINDOWS], ram[2], ram0, few[32], *obs;
	uint64_t limit = topology_guest_limit(t);
	struct freelist low, high;
	/* every fixed mapping, passthrough range, the boot modules, reserved ranges, RAM */
	size_t most = vm->nmaps + vm_ex(vm)->npt_iomem + 1 + MAX_RESERVED + 2;
	size_t nres, nwin, nobs = 0, nfixed, i;
	bool static_shm = t->backend == BACKEND_STATIC_SHM;

	obs = most <= ARRAY_SIZE(few) ? few : xmalloc(sizeof(*obs) * most);
	guest_ram(t, vm, ram);
	ram0 = ram[0];
	nres = guest_reserved(t, vm, res);
	nwin = guest_windows(t, vm, win);
	for (i = 0; i < vm->nmaps; i++) {
		struct mapping *m = &vm->maps[i];
		uint64_t size = mapping_size(m);
		/* out of the address space: address-overflow; not a usable mapping */
		/* gaddr is `at` as written: a given address is its own */
		m->placed = mapping_given(m)->at_pos.set && m->gaddr < limit && limit - m->gaddr >= size;
		if (m->placed)
			add_range(obs, &nobs, m->gaddr, size);
	}
	for (i = 0; i < vm_ex(vm)->npt_iomem; i++)
		if (vm_ex(vm)->pt_iomem[i].ok)
			add_range(obs, &nobs, vm_ex(vm)->pt_iomem[i].gfn * PAGE_SIZE,
				  vm_ex(vm)->pt_iomem[i].num * PAGE_SIZE);
	/*
	 * static-shm owners go inside RAM0: the fixed mappings and the boot
	 * modules libxc loads there are in their way
	 */
	if (static_shm) {
		struct range mods = guest_module_area(t, vm);
		add_range(obs, &nobs, mods.base, mods.size);
	}
	nfixed = nobs;
	if (static_shm)
		freelist_init(&high, &ram0, 1, obs, nfixed);
	for (i = 0; i < nres; i++)
		add_range(obs, &nobs, res[i].base, res[i].size);
	add_range(obs, &nobs, ram[0].base, ram[0].size);
	add_range(obs, &nobs, ram[1].base, ram[1].size);
	freelist_init(&low, win, nwin, obs, nobs);

	for (i = 0; i < vm->nmaps; i++) {
		struct mapping *m = &vm->maps[i];
		uint64_t size = mapping_size(m), align;

		if (mapping_given(m)->at_pos.set || m->dup || !m->region || !size || !vm->k->memory.pos.set)
			continue;
		align = region_align(m->region);
		if (static_shm && mapping_is_owner(m))
			m->placed = freelist_take_high(&high, size, align, &m->gaddr);
		else
			m->placed = freelist_take_low(&low, size, align, &m->gaddr);
		m->no_room = !m->placed;
	}
	freelist_release(&low);
	if (static_shm)
		freelist_release(&high);
	if (obs != few)
		free(obs);
}

/* the owner's start index of a region to place in the pool; 0 without one */
static uint32_t host_rank(const struct region *r)
{
	return r->owner ? r->owner->start_index : 0;
}

/*
 * Places the regions without `host` in the pool (spec 3, host placement),
 * fixed ranges first, then in start order of their owners and file order;
 * the ones that find no room get a pool_miss.
 */
static void place_hosts(struct topology *t)
{
	uint32_t *first, *todo;
	struct range *obs, pool;
	struct freelist fl;
	size_t i, ntodo = 0, nobs = 0, nfixed = 0;
	bool in_order = true;	/* the regions to place come in their owners' start order already */
	uint32_t last = 0;

	for (i = 0; i < t->nmapped; i++) {
		struct region *r = t->mapped[i];
		r->host_placed = r->decl->host.pos.set;
		r->host_base = r->decl->host.v;
		if (r->host_placed) {
			nfixed++;
		} else if (r->eff_size) {
			in_order &= host_rank(r) >= last;
			last = host_rank(r);
			ntodo++;
		}
	}
	if (!topology_uses_pool(t) || !t->has_pool || !t->pool_base.pos.set || !t->pool_size.pos.set)
		return;
	pool = (struct range){ t->pool_base.v, t->pool_size.v };
	obs = xmalloc(sizeof(*obs) * (nfixed + 1));	/* the regions with `host` */
	for (i = 0; i < t->nmapped && nobs < nfixed; i++)
		if (t->mapped[i]->host_placed)
			add_range(obs, &nobs, t->mapped[i]->host_base, t->mapped[i]->eff_size);
	/*
	 * The order: t->mapped is in file order, so when the owners' start
	 * indices do not go down along it (a file in start order: most), it is
	 * the order itself; else a counting sort by owner start index, 4 bytes
	 * a VM and a region, where a sort of (key, region) pairs took 32.
	 */
	todo = xmalloc(sizeof(*todo) * (ntodo + 1));
	if (in_order) {
		for (i = 0, ntodo = 0; i < t->nmapped; i++)
			if (!t->mapped[i]->host_placed && t->mapped[i]->eff_size)
				todo[ntodo++] = (uint32_t)i;
	} else {
		first = xcalloc(t->nvms + 1, sizeof(*first));
		for (i = 0; i < t->nmapped; i++)
			if (!t->mapped[i]->host_placed && t->mapped[i]->eff_size)
				first[host_rank(t->mapped[i]) + 1]++;
		for (i = 0; i < t->nvms; i++)
			first[i + 1] += first[i];
		for (i = 0; i < t->nmapped; i++)
			if (!t->mapped[i]->host_placed && t->mapped[i]->eff_size)
				todo[first[host_rank(t->mapped[i])]++] = (uint32_t)i;
		free(first);
	}
	freelist_init(&fl, &pool, 1, obs, nobs);
	for (i = 0; i < ntodo; i++) {
		struct region *r = t->mapped[todo[i]];
		uint64_t align = region_align(r);
		r->host_placed = freelist_take_low(&fl, r->eff_size, align, &r->host_base);
		if (!r->host_placed) {
			struct pool_miss *miss = arena_alloc(&t->arena, sizeof(*miss));
			freelist_stats(&fl, &miss->free_total, &miss->largest_free);
			r->pool_miss = miss;
		}
	}
	freelist_release(&fl);
	free(todo);
	free(obs);
}

/* Each owner's place among its region's members, for the guest headers. */
static void index_owners(struct topology *t)
{
	size_t i, j;

	for (i = 0; i < t->nmapped; i++) {
		struct region *r = t->mapped[i];
		for (j = 0; j < r->nmembers; j++)
			if (r->members[j]->vm == r->owner)
				r->owner_index = j;
	}
}

/*
 * Guest and host placement share nothing (a VM's mappings; the regions'
 * host fields), so two threads do them at once: one places the hosts
 * first, then both take the VMs' guest placement in runs as they come free.
 */
#define PLACE_RUN 256
struct place_job {
	struct topology *t;
	atomic_size_t next;	/* the first VM not yet taken */
};

struct place_half {
	struct place_job *job;
	bool hosts;		/* this thread places the hosts first */
};

static void place_half(void *arg)
{
	const struct place_half *h = arg;
	struct topology *t = h->job->t;
	size_t from, j;

	if (h->hosts)
		place_hosts(t);
	while ((from = atomic_fetch_add(&h->job->next, PLACE_RUN)) < t->nvms)
		for (j = from; j < from + PLACE_RUN && j < t->nvms; j++)
			place_guest(t, t->vms[j]);
}

static void place_all(struct topology *t)
{
	struct place_job job = { .t = t };
	struct place_half a = { &job, true }, b = { &job, false };

	atomic_init(&job.next, 0);
	run_pair(place_half, &a, &b, t->nvms + t->nmappings >= PARALLEL_MIN_ITEMS);
}

void resolve_topology(struct topology *t)
{
	link_names(t);
	size_regions(t);
	order_resolve(t);
	index_owners(t);
	place_all(t);
}
