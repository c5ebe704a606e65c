/* The checks: each reads the resolved model and reports what is wrong; the runner. */
#include "checks.h"
#include "diag.h"
#include "parallel.h"
#include "text.h"
#include "topology.h"
#include "xenfacts.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* a VM's name for messages, safe when the name was invalid or missing */
static const char *vname(const struct vm *vm)
{
	return vm->name.s ? q(vm->name.s) : "?";
}

/* dom0less domains are /chosen nodes: two VMs on one node would merge */
static void check_duplicate_node(const struct topology *t, struct diag_set *d)
{
	struct strmap nodes;
	size_t i, first;

	strmap_init(&nodes);
	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->vms[i];
		const struct str_at *node = vm->k->dom0less_node.s ? &vm->k->dom0less_node : &vm->name;
		struct diagnostic *dg;
		if (!node->s || vm->dup_of || strmap_add(&nodes, node->s, i) ||
		    !strmap_get(&nodes, node->s, &first))
			continue;
		dg = report(d, C_DUPLICATE_VM, &node->pos,
			    "dom0less node /chosen/%s of VM '%s' is taken by VM '%s'; set a "
			    "distinct 'dom0less_node'", q(node->s), vname(vm), vname(t->vms[first]));
		diag_note(dg, t->vms[first]->k->dom0less_node.s ? &t->vms[first]->k->dom0less_node.pos
							      : &t->vms[first]->name.pos,
			  "'%s' is /chosen/%s", vname(t->vms[first]), q(node->s));
	}
	strmap_release(&nodes);
}

static void check_duplicate_vm(const struct topology *t, struct diag_set *d)
{
	size_t i;

	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->vms[i];
		struct diagnostic *dg;
		if (!vm->dup_of)
			continue;
		dg = report(d, C_DUPLICATE_VM, &vm->name.pos,
			    "duplicate VM name '%s': VM names are xl domain names and "
			    "must be unique", vname(vm));
		diag_note(dg, &vm->dup_of->name.pos, "'%s' first defined here", vname(vm));
	}
	if (t->backend == BACKEND_DOM0LESS)
		check_duplicate_node(t, d);
}

/* the VM name nearest to name, for did-you-mean; NULL when none is close */
static const char *near_vm(const struct topology *t, const char *name)
{
	struct suggest near;
	size_t i;

	if (t->nvms > 1000)	/* keep unknown names linear on huge topologies */
		return NULL;
	suggest_init(&near, name);
	for (i = 0; i < t->nvms; i++)
		if (t->vms[i]->name.s)
			suggest_consider(&near, t->vms[i]->name.s);
	return suggest_result(&near);
}

static void report_unknown(const struct topology *t, struct diag_set *d, const struct str_at *name,
			   const char *what)
{
	const char *near = near_vm(t, name->s);

	if (near)
		report(d, C_UNKNOWN_VM, &name->pos, "%s '%s' names no VM; did you mean '%s'?", what,
		       q(name->s), q(near));
	else
		report(d, C_UNKNOWN_VM, &name->pos, "%s '%s' names no VM", what, q(name->s));
}

static void check_unknown_vm(const struct topology *t, struct diag_set *d)
{
	size_t i, j;

	for (i = 0; i < t->nvms; i++)
		for (j = 0; j < t->vms[i]->ndepends_on; j++)
			if (!t->vms[i]->deps[j])
				report_unknown(t, d, &t->vms[i]->depends_on[j], "'depends_on' item");
	for (i = 0; i < t->nregions; i++) {
		const struct region *r = t->regions[i];
		if (r->decl->owner_name.s && !topology_find_vm(t, r->decl->owner_name.s))
			report_unknown(t, d, &r->decl->owner_name, "owner");
	}
}

static void check_duplicate_mapping(const struct topology *t, struct diag_set *d)
{
	size_t i, j;

	for (i = 0; i < t->nvms; i++) {
		for (j = 0; j < t->vms[i]->nmaps; j++) {
			const struct mapping *m = &t->vms[i]->maps[j];
			struct diagnostic *dg;
			if (!m->dup)
				continue;
			dg = report(d, C_DUPLICATE_MAPPING, &m->id_pos,
				    "region '%s' is mapped twice by VM '%s'; a region is mapped at most "
				    "once per VM", q(mapping_id(m)), vname(m->vm));
			diag_note(dg, &mapping_first(m)->id_pos, "first mapping of '%s' in '%s'",
				  q(mapping_id(m)), vname(m->vm));
		}
	}
}

static bool is_member(const struct region *r, const struct vm *vm)
{
	size_t i;

	for (i = 0; i < r->nmembers; i++)
		if (r->members[i]->vm == vm)
			return true;
	return false;
}

static void check_owner_not_member(const struct topology *t, struct diag_set *d)
{
	size_t i;

	for (i = 0; i < t->nregions; i++) {
		const struct region *r = t->regions[i];
		const struct vm *o;
		struct diagnostic *dg;

		if (!r->decl->owner_name.s || !(o = topology_find_vm(t, r->decl->owner_name.s)) ||
		    is_member(r, o))
			continue;
		dg = report(d, C_OWNER_NOT_MEMBER, &r->decl->owner_name.pos,
			    "owner '%s' of region '%s' does not map it; the owner must be one of "
			    "its members", vname(o), q(r->id));
		if (r->nmembers)
			diag_note(dg, region_pos(r), "'%s' is first mapped here, by '%s'", q(r->id),
				  vname(r->members[0]->vm));
	}
}

static void check_start_order_cycle(const struct topology *t, struct diag_set *d)
{
	size_t i, j;

	for (i = 0; i < t->ncycles; i++) {
		const struct order_cycle *c = &t->cycles[i];
		struct vm *first = c->edges[0].from;
		struct diagnostic *dg;
		char *path = xstrdup(vname(first));

		for (j = 0; j < c->nedges; j++) {
			char *p = xasprintf("%s -> %s", path, vname(c->edges[j].to));
			free(path);
			path = p;
		}
		dg = report(d, C_START_ORDER_CYCLE, &first->name.pos,
			    "start-order cycle: %s (each must be created before the next); "
			    "file order is used instead", path);
		free(path);
		for (j = 0; j < c->nedges; j++) {
			const struct order_edge *e = &c->edges[j];
			char *from = xstrdup(vname(e->from));
			if (e->region)
				diag_note(dg, e->pos, "'%s' owns region '%s', so it starts before '%s'",
					  from, q(e->region->id), vname(e->to));
			else
				diag_note(dg, e->pos, "'%s' depends on '%s'", vname(e->to), from);
			free(from);
		}
	}
}

/* memory the VM inherited: reported once, where `defaults` gives it */
static bool inherits_memory(const struct vm *vm, const struct topology *t)
{
	return t->has_defaults && srcpos_valid(&vm->k->memory.pos) &&
	       !srcpos_cmp(&vm->k->memory.pos, &t->defaults.k->memory.pos);
}

static void check_zero_size(const struct topology *t, struct diag_set *d)
{
	size_t i, j;

	if (t->pool_size.pos.set && !t->pool_size.v)
		report(d, C_ZERO_SIZE, &t->pool_size.pos, "the pool's size is 0");
	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->vms[i];
		if (vm->k->memory.pos.set && !vm->k->memory.v && !inherits_memory(vm, t))
			report(d, C_ZERO_SIZE, &vm->k->memory.pos, "memory of VM '%s' is 0 bytes",
			       vname(vm));
		for (j = 0; j < vm->nmaps; j++) {
			const struct num_at *size = &mapping_given(&vm->maps[j])->size;
			if (size->pos.set && !size->v)
				report(d, C_ZERO_SIZE, &size->pos, "mapping of '%s' in VM '%s' has size 0",
				       q(mapping_id(&vm->maps[j])), vname(vm));
		}
	}
	if (t->defaults.k->memory.pos.set && !t->defaults.k->memory.v)
		report(d, C_ZERO_SIZE, &t->defaults.k->memory.pos, "'defaults' give 0 bytes of memory");
	for (i = 0; i < t->nregions; i++)
		if (t->regions[i]->decl->size.pos.set && !t->regions[i]->decl->size.v)
			report(d, C_ZERO_SIZE, &t->regions[i]->decl->size.pos, "region '%s' has size 0",
			       q(t->regions[i]->id));
}

/* a note at a place that gives region r a size: a mapping's, or its `regions` entry */
static void size_note(struct diagnostic *dg, const struct region *r, const struct num_at *size)
{
	size_t i;

	for (i = 0; i < r->nmembers; i++)
		if (&mapping_given(r->members[i])->size == size) {
			diag_note(dg, &size->pos, "'%s' maps '%s' with size %s here",
				  vname(r->members[i]->vm), q(r->id), hsize(size->v));
			return;
		}
	diag_note(dg, &size->pos, "'regions' gives '%s' size %s here", q(r->id), hsize(size->v));
}

/*
 * Every mapping whose size disagrees with the size in force is one error,
 * at the later of the two places, with a note at the other.
 */
static void check_size_mismatch(const struct topology *t, struct diag_set *d)
{
	size_t i, j;

	for (i = 0; i < t->nregions; i++) {
		const struct region *r = t->regions[i];

		for (j = 0; r->size_from && j < r->nmembers; j++) {
			const struct num_at *later = &mapping_given(r->members[j])->size;
			const struct num_at *earlier = r->size_from;
			struct diagnostic *dg;

			if (!later->pos.set || !later->v || later->v == r->eff_size)
				continue;
			if (srcpos_cmp(&later->pos, &earlier->pos) < 0) {
				later = r->size_from;
				earlier = &mapping_given(r->members[j])->size;
			}
			dg = report(d, C_SIZE_MISMATCH, &later->pos,
				    "region '%s' has size %s here but %s at line %u", q(r->id),
				    hsize(later->v), hsize(earlier->v), earlier->pos.line);
			size_note(dg, r, earlier);
		}
	}
}

static void check_size_missing(const struct topology *t, struct diag_set *d)
{
	size_t i, j;

	for (i = 0; i < t->nmapped; i++) {
		const struct region *r = t->mapped[i];
		bool given = srcpos_valid(&r->decl->size.pos);

		for (j = 0; j < r->nmembers && !given; j++)
			given = srcpos_valid(&mapping_given(r->members[j])->size.pos);
		if (!given)
			report(d, C_SIZE_MISSING, region_pos(r),
			       "region '%s' has no size: give 'size' in one mapping or in "
			       "'regions'", q(r->id));
	}
}

static void want_multiple(struct diag_set *d, const struct num_at *n, uint64_t of,
			  const char *what, const char *why)
{
	if (n->pos.set && n->v % of)
		report(d, C_ALIGNMENT, &n->pos, "%s %s is not a multiple of %s%s", what,
		       hex(n->v), hsize(of), why);
}

static void check_alignment(const struct topology *t, struct diag_set *d)
{
	size_t i, j;

	want_multiple(d, &t->pool_base, PAGE_SIZE, "pool base", " (a page)");
	want_multiple(d, &t->pool_size, PAGE_SIZE, "pool size", " (a page)");
	if (t->has_defaults)
		want_multiple(d, &t->defaults.k->memory, MiB, "memory of 'defaults'",
			      " (xl gives memory in MiB)");
	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->vms[i];
		if (!inherits_memory(vm, t))
			want_multiple(d, &vm->k->memory, MiB, "memory", " (xl gives memory in MiB)");
		for (j = 0; j < vm->nmaps; j++) {
			const struct mapping *m = &vm->maps[j];
			const struct mapping_given *g = mapping_given(m);
			const struct num_at at = { m->gaddr, g->at_pos };
			uint64_t a = m->region ? region_align(m->region) : PAGE_SIZE;
			want_multiple(d, &g->size, PAGE_SIZE, "size", " (a page)");
			want_multiple(d, &at, a, "guest address",
				      a > PAGE_SIZE ? " (the region's align)" : " (a page)");
		}
	}
	for (i = 0; i < t->nregions; i++) {
		const struct region *r = t->regions[i];
		if (r->decl->align.pos.set && (!is_pow2(r->decl->align.v) || r->decl->align.v < PAGE_SIZE))
			report(d, C_ALIGNMENT, &r->decl->align.pos,
			       "align %s of region '%s' must be a power of two of at least 4 KiB",
			       hex(r->decl->align.v), q(r->id));
		want_multiple(d, &r->decl->size, PAGE_SIZE, "size", " (a page)");
		want_multiple(d, &r->decl->host, region_align(r), "host address",
			      region_align(r) > PAGE_SIZE ? " (the region's align)" : " (a page)");
	}
}

/* the host physical address bits Xen maps on the topology's arch */
static unsigned host_bits(const struct topology *t)
{
	return t->arch == ARCH_ARM64 ? ARM64_PADDR_BITS : X86_64_PADDR_BITS;
}

/* a host range past what Xen can map on this arch; wraps are reported apart */
static bool past_host_limit(const struct topology *t, uint64_t base, uint64_t size)
{
	return base + (size - 1) >= base && (base + (size - 1)) >> host_bits(t);
}

static void check_address_overflow(const struct topology *t, struct diag_set *d)
{
	uint64_t limit = topology_guest_limit(t);
	size_t i, j;

	/* a range may end exactly at 2^64: only its last byte must be addressable */
	if (t->pool_base.pos.set && t->pool_size.pos.set && t->pool_size.v &&
	    t->pool_base.v + (t->pool_size.v - 1) < t->pool_base.v)
		report(d, C_ADDRESS_OVERFLOW, &t->pool_base.pos,
		       "pool %s + %s wraps past the end of the address space",
		       hex(t->pool_base.v), hsize(t->pool_size.v));
	else if (t->pool_base.pos.set && t->pool_size.pos.set && t->pool_size.v &&
		 past_host_limit(t, t->pool_base.v, t->pool_size.v))
		report(d, C_ADDRESS_OVERFLOW, &t->pool_base.pos,
		       "pool %s + %s ends past 2^%u, the host physical address limit of %s "
		       "Xen: mapping it fails (EINVAL)", hex(t->pool_base.v),
		       hsize(t->pool_size.v), host_bits(t), arch_name(t->arch));
	for (i = 0; i < t->nmapped; i++) {
		const struct region *r = t->mapped[i];
		if (r->decl->host.pos.set && r->eff_size && r->decl->host.v + (r->eff_size - 1) < r->decl->host.v)
			report(d, C_ADDRESS_OVERFLOW, &r->decl->host.pos,
			       "host range %s + %s of '%s' wraps past the end of the address space",
			       hex(r->decl->host.v), hsize(r->eff_size), q(r->id));
		else if (r->decl->host.pos.set && r->eff_size && past_host_limit(t, r->decl->host.v, r->eff_size))
			report(d, C_ADDRESS_OVERFLOW, &r->decl->host.pos,
			       "host range %s + %s of '%s' ends past 2^%u, the host physical "
			       "address limit of %s Xen: mapping it fails (EINVAL)", hex(r->decl->host.v),
			       hsize(r->eff_size), q(r->id), host_bits(t), arch_name(t->arch));
	}
	for (i = 0; i < t->nvms; i++) {
		for (j = 0; j < t->vms[i]->nmaps; j++) {
			const struct mapping *m = &t->vms[i]->maps[j];
			uint64_t size = mapping_size(m);
			if (!mapping_given(m)->at_pos.set || (m->gaddr < limit && limit - m->gaddr >= size))
				continue;
			report(d, C_ADDRESS_OVERFLOW, &mapping_given(m)->at_pos,
			       "'%s' at %s + %s in VM '%s' ends past the guest address space "
			       "(2^%llu bytes, xen.gpaddr_bits)", q(mapping_id(m)),
			       hex(m->gaddr), hsize(size), vname(m->vm),
			       (unsigned long long)(t->gpaddr_bits.v ? t->gpaddr_bits.v : 40));
		}
	}
}

static void check_single_member(const struct topology *t, struct diag_set *d)
{
	size_t i;

	for (i = 0; i < t->nmapped; i++)
		if (t->mapped[i]->nmembers == 1)
			report(d, C_SINGLE_MEMBER, region_pos(t->mapped[i]),
			       "region '%s' is mapped by '%s' only: nothing shares it",
			       q(t->mapped[i]->id), vname(t->mapped[i]->members[0]->vm));
}

static void check_unused_region(const struct topology *t, struct diag_set *d)
{
	size_t i;

	for (i = 0; i < t->nregions; i++)
		if (t->regions[i]->declared && !t->regions[i]->nmembers)
			report(d, C_UNUSED_REGION, &t->regions[i]->decl->key_pos,
			       "region '%s' is declared but no VM maps it", q(t->regions[i]->id));
}

static void check_backend_unsupported(const struct topology *t, struct diag_set *d)
{
	size_t i;

	if (t->arch == ARCH_X86_64 && t->backend != BACKEND_IOMEM)
		report(d, C_BACKEND_UNSUPPORTED, &t->backend_text.pos,
		       "the %s backend is Arm-only; x86_64 supports 'iomem'",
		       backend_name(t->backend));
	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->vms[i];
		if (vm->type == VM_PV && vm->nmaps)
			report(d, C_BACKEND_UNSUPPORTED, &vm->k->type_text.pos,
			       "'pv' VM '%s' maps regions: xl iomem gives a PV guest only "
			       "permission, no mapping; use 'pvh' or 'hvm'", vname(vm));
		if (t->for_up && vm_ex(vm)->nxl)
			report(d, C_BACKEND_UNSUPPORTED, &vm_ex(vm)->xl_pos,
			       "raw 'xl' keys of VM '%s' cannot be applied by 'up' through libxl; "
			       "remove them or use the generated plan.sh", vname(vm));
	}
	if (t->backend == BACKEND_STATIC_SHM)
		for (i = 0; i < t->nregions; i++)
			if (t->regions[i]->decl->host.pos.set)
				report(d, C_BACKEND_UNSUPPORTED, &t->regions[i]->decl->host.pos,
				       "the static-shm backend cannot honour 'host' of '%s': Xen "
				       "allocates the owner's memory", q(t->regions[i]->id));
}

static void check_id_charset(const struct topology *t, struct diag_set *d)
{
	size_t i;

	if (t->backend != BACKEND_STATIC_SHM)
		return;
	/* declared regions too: the ID is wrong before anybody maps it */
	for (i = 0; i < t->nregions; i++)
		if (strchr(t->regions[i]->id, '-'))
			report(d, C_ID_CHARSET, region_pos(t->regions[i]),
			       "region ID '%s' has '-', which xl's static_shm refuses "
			       "(IDs are [_a-zA-Z0-9]+)", q(t->regions[i]->id));
}

static void check_guest_space_exhausted(const struct topology *t, struct diag_set *d)
{
	size_t i, j;

	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->vms[i];
		for (j = 0; j < vm->nmaps; j++) {
			const struct mapping *m = &vm->maps[j];
			if (!m->no_room)
				continue;
			report(d, C_GUEST_SPACE_EXHAUSTED, &m->id_pos,
			       "no room for '%s' (%s, aligned to %s) in the guest address space of "
			       "'%s'; give it an explicit 'at'", q(mapping_id(m)), hsize(mapping_size(m)),
			       hsize(region_align(m->region)), vname(vm));
		}
	}
}

/* a range to sweep, and what it belongs to */
struct span {
	uint64_t base, last;	/* last byte, so a range ending at 2^64 is fine */
	size_t seq;		/* ties by input order: deterministic pairs */
	const void *obj;
};

static int cmp_span(const void *pa, const void *pb)
{
	const struct span *a = pa, *b = pb;

	if (a->base != b->base)
		return a->base < b->base ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* more pairs than anyone reads: stop there, whatever their severity */
#define PAIRS_MAX 1000000

/*
 * Calls fn for every pair of overlapping spans: sorted by base, each span
 * is compared with the spans still open, so the cost is the sort plus the
 * pairs there are, never every pair of spans.
 */
static void overlapping_pairs(struct span *v, size_t n, struct diag_set *d,
			      void (*fn)(struct diag_set *d, const void *a, const void *b))
{
	size_t few[16], *open = n <= ARRAY_SIZE(few) ? few : xmalloc(sizeof(*open) * n);
	size_t nopen = 0, i, k, keep, pairs = 0;

	sort_small(v, n, sizeof(*v), cmp_span);
	for (i = 0; i < n && pairs < PAIRS_MAX; i++) {
		for (k = keep = 0; k < nopen; k++)
			if (v[open[k]].last >= v[i].base)
				open[keep++] = open[k];
		nopen = keep;
		for (k = 0; k < nopen && pairs++ < PAIRS_MAX; k++)
			fn(d, v[open[k]].obj, v[i].obj);
		open[nopen++] = i;
	}
	if (open != few)
		free(open);
}

/* placed, sized, non-duplicate mappings */
static bool usable(const struct mapping *m)
{
	return m->placed && !m->dup && m->region && mapping_size(m);
}

static void report_guest_overlap(struct diag_set *d, const void *pa, const void *pb)
{
	const struct mapping *later = pb, *earlier = pa;
	struct diagnostic *dg;

	if (srcpos_cmp(mapping_addr_pos(earlier), mapping_addr_pos(later)) > 0) {
		later = pa;
		earlier = pb;
	}
	dg = report(d, C_GUEST_OVERLAP, mapping_addr_pos(later),
		    "'%s' at %s-%s overlaps '%s' in VM '%s'", q(mapping_id(later)),
		    hex(later->gaddr),
		    hex(later->gaddr + mapping_size(later) - 1), q(mapping_id(earlier)),
		    vname(later->vm));
	diag_note(dg, mapping_addr_pos(earlier), "'%s' is at %s-%s", q(mapping_id(earlier)),
		  hex(earlier->gaddr),
		  hex(earlier->gaddr + mapping_size(earlier) - 1));
}

/* every overlapping pair of one VM's mappings */
static void check_guest_overlap(const struct topology *t, struct diag_set *d)
{
	struct span *v = NULL;
	size_t alloc = 0, i, j;

	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->vms[i];
		size_t n = 0;

		for (j = 0; j < vm->nmaps; j++) {
			const struct mapping *m = &vm->maps[j];
			if (!usable(m))
				continue;
			ALLOC_GROW(v, n + 1, alloc);
			v[n++] = (struct span){ m->gaddr, m->gaddr + mapping_size(m) - 1, j, m };
		}
		overlapping_pairs(v, n, d, report_guest_overlap);
	}
	free(v);
}

static void check_guest_ram_overlap(const struct topology *t, struct diag_set *d)
{
	size_t i, j, k;

	if (t->backend == BACKEND_STATIC_SHM)
		return;
	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->vms[i];
		struct range ram[2];
		guest_ram(t, vm, ram);
		for (j = 0; j < vm->nmaps; j++) {
			const struct mapping *m = &vm->maps[j];
			if (!usable(m) || !vm->k->memory.pos.set)
				continue;
			for (k = 0; k < 2; k++) {
				if (!ranges_overlap(m->gaddr, mapping_size(m), ram[k].base, ram[k].size))
					continue;
				report(d, C_GUEST_RAM_OVERLAP, mapping_addr_pos(m),
				       "'%s' at %s-%s overlaps the RAM of VM '%s' "
				       "(%s-%s, %s)", q(mapping_id(m)), hex(m->gaddr),
				       hex(m->gaddr + mapping_size(m) - 1), vname(vm),
				       hex(ram[k].base), hex(ram[k].base + ram[k].size - 1),
				       hsize(vm->k->memory.v));
				break;
			}
		}
	}
}

static void check_guest_reserved_overlap(const struct topology *t, struct diag_set *d)
{
	struct named_range res[MAX_RESERVED];
	size_t i, j, k, n;

	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->vms[i];
		n = guest_reserved(t, vm, res);
		for (j = 0; j < vm->nmaps; j++) {
			const struct mapping *m = &vm->maps[j];
			if (!usable(m))
				continue;
			for (k = 0; k < n; k++) {
				if (!ranges_overlap(m->gaddr, mapping_size(m), res[k].base, res[k].size))
					continue;
				report(d, C_GUEST_RESERVED_OVERLAP, mapping_addr_pos(m),
				       "'%s' at %s-%s overlaps the %s at %s-%s, "
				       "reserved in %s", q(mapping_id(m)),
				       hex(m->gaddr),
				       hex(m->gaddr + mapping_size(m) - 1), res[k].name,
				       hex(res[k].base),
				       hex(res[k].base + res[k].size - 1),
				       res[k].vpci ? "a guest with PCI devices (xl 'pci' gives it vPCI)"
				       : t->arch == ARCH_ARM64 ? "every arm64 guest" : "every x86_64 guest");
				break;
			}
		}
	}
}

static void check_extended_region_overlap(const struct topology *t, struct diag_set *d)
{
	struct named_range ext[2];
	unsigned fixed_in = t->backend == BACKEND_DOM0LESS ? XEN_DOM0LESS_EXT_REGIONS
							   : XEN_LIBXL_EXT_REGIONS;
	size_t i, j, k, n;

	if (t->arch != ARCH_ARM64 || t->xen_minor >= fixed_in)
		return;
	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->vms[i];
		if (!vm->k->memory.pos.set)
			continue;
		n = guest_extended_space(t, vm, ext);
		for (j = 0; j < vm->nmaps; j++) {
			const struct mapping *m = &vm->maps[j];
			if (!usable(m))
				continue;
			for (k = 0; k < n; k++) {
				if (!ranges_overlap(m->gaddr, mapping_size(m), ext[k].base, ext[k].size))
					continue;
				report(d, C_EXTENDED_REGION_OVERLAP, mapping_addr_pos(m),
				       "'%s' at %s lies in %s space above the RAM of VM '%s', which "
				       "Xen 4.%u advertises to the guest as free (extended regions, "
				       "fixed in 4.%u)", q(mapping_id(m)), hex(m->gaddr),
				       ext[k].name, vname(vm), t->xen_minor, fixed_in);
				break;
			}
		}
	}
}

static bool inside(uint64_t a, uint64_t as, const struct range *r)
{
	return r->size && a >= r->base && as <= r->size && a - r->base <= r->size - as;
}

static void check_static_shm_owner_range(const struct topology *t, struct diag_set *d)
{
	size_t i, j;

	if (t->backend != BACKEND_STATIC_SHM)
		return;
	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->vms[i];
		struct range mods = guest_module_area(t, vm);
		struct range ram[2];
		guest_ram(t, vm, ram);
		for (j = 0; j < vm->nmaps; j++) {
			const struct mapping *m = &vm->maps[j];
			bool in;
			if (!usable(m) || !vm->k->memory.pos.set)
				continue;
			in = inside(m->gaddr, mapping_size(m), &ram[0]) ||
			     inside(m->gaddr, mapping_size(m), &ram[1]);
			if (mapping_is_owner(m) && !in)
				report(d, C_STATIC_SHM_OWNER_RANGE, mapping_addr_pos(m),
				       "'%s' at %s is owned by '%s' but not inside its RAM: "
				       "static_shm takes an owner's range from its own RAM", q(mapping_id(m)),
				       hex(m->gaddr), vname(vm));
			else if (mapping_is_owner(m) &&
				 ranges_overlap(m->gaddr, mapping_size(m), mods.base, mods.size))
				report(d, C_STATIC_SHM_OWNER_RANGE, mapping_addr_pos(m),
				       "'%s' at %s-%s is owned by '%s' but lies where libxc loads its "
				       "device tree%s (%s-%s), which would overwrite it at boot",
				       q(mapping_id(m)), hex(m->gaddr), hex(m->gaddr + mapping_size(m) - 1),
				       vname(vm), vm->k->ramdisk.s ? " and ramdisk" : "", hex(mods.base),
				       hex(mods.base + mods.size - 1));
			else if (!mapping_is_owner(m) &&
				 (ranges_overlap(m->gaddr, mapping_size(m), ram[0].base, ram[0].size) ||
				  ranges_overlap(m->gaddr, mapping_size(m), ram[1].base, ram[1].size)))
				report(d, C_STATIC_SHM_OWNER_RANGE, mapping_addr_pos(m),
				       "'%s' at %s is borrowed by '%s' but overlaps its RAM: a "
				       "borrower's range must lie outside its RAM", q(mapping_id(m)),
				       hex(m->gaddr), vname(vm));
		}
	}
}

static void check_guest_device_tree(const struct topology *t, struct diag_set *d)
{
	size_t i;

	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->vms[i];
		if (vm->k->device_tree.s && wants_guest_dtb(t, vm))
			report(d, C_GUEST_DEVICE_TREE, &vm->k->device_tree.pos,
			       "'%s' boots with its own partial device tree, not guest/%s/xenshm.dtb: "
			       "its kernel finds the regions by ID only if that tree's /passthrough "
			       "holds their nodes", vname(vm), vm->name.s);
	}
}

static const struct srcpos *xen_pos(const struct topology *t)
{
	static const struct srcpos top = { 1, 1, 0, 0 };

	return srcpos_valid(&t->xen_pos) ? &t->xen_pos : &top;
}

static void check_pool_required(const struct topology *t, struct diag_set *d)
{
	/* spec 3: "iomem needs one as soon as any region exists", declared or mapped */
	if (t->backend == BACKEND_IOMEM && t->nregions && !t->has_pool)
		report(d, C_POOL_REQUIRED, xen_pos(t),
		       "the iomem backend needs 'xen.pool', the host range regions are placed "
		       "in (the topology has %zu region%s)", t->nregions,
		       t->nregions == 1 ? "" : "s");
}

static void check_host_outside_pool(const struct topology *t, struct diag_set *d)
{
	struct range pool = { t->pool_base.v, t->pool_size.v };
	size_t i;

	if (!topology_uses_pool(t) || !t->pool_base.pos.set || !t->pool_size.pos.set)
		return;
	for (i = 0; i < t->nregions; i++) {
		const struct region *r = t->regions[i];
		uint64_t size = r->eff_size ? r->eff_size : 1;
		struct diagnostic *dg;
		if (!r->decl->host.pos.set || inside(r->decl->host.v, size, &pool))
			continue;
		dg = report(d, C_HOST_OUTSIDE_POOL, &r->decl->host.pos,
			    "host range %s + %s of '%s' is not inside the pool",
			    hex(r->decl->host.v), hsize(r->eff_size), q(r->id));
		diag_note(dg, &t->pool_base.pos, "the pool is %s-%s",
			  hex(pool.base),
			  hex(pool.base + pool.size - 1));
	}
}

static void report_host_overlap(struct diag_set *d, const void *pa, const void *pb)
{
	const struct region *later = pb, *earlier = pa;
	struct diagnostic *dg;

	if (srcpos_cmp(&earlier->decl->host.pos, &later->decl->host.pos) > 0) {
		later = pa;
		earlier = pb;
	}
	dg = report(d, C_HOST_OVERLAP, &later->decl->host.pos,
		    "host range %s + %s of '%s' overlaps '%s': two regions would share host "
		    "memory", hex(later->decl->host.v), hsize(later->eff_size),
		    q(later->id), q(earlier->id));
	diag_note(dg, &earlier->decl->host.pos, "'%s' is at %s + %s", q(earlier->id),
		  hex(earlier->decl->host.v), hsize(earlier->eff_size));
}

/* every overlapping pair of fixed host ranges */
static void check_host_overlap(const struct topology *t, struct diag_set *d)
{
	struct span *v = xmalloc(sizeof(*v) * (t->nregions + 1));
	size_t n = 0, i;

	for (i = 0; i < t->nregions; i++) {
		const struct region *r = t->regions[i];
		if (r->decl->host.pos.set && r->eff_size && r->decl->host.v + (r->eff_size - 1) >= r->decl->host.v)
			v[n++] = (struct span){ r->decl->host.v, r->decl->host.v + r->eff_size - 1, i, r };
	}
	overlapping_pairs(v, n, d, report_host_overlap);
	free(v);
}

static void check_pool_exhausted(const struct topology *t, struct diag_set *d)
{
	size_t i;

	for (i = 0; i < t->nmapped; i++) {
		const struct region *r = t->mapped[i];
		struct diagnostic *dg;
		if (!r->pool_miss)
			continue;
		dg = report(d, C_POOL_EXHAUSTED, region_pos(r),
			    "region '%s' does not fit in the pool: it needs %s aligned to %s; "
			    "%s is free, the largest free block is %s", q(r->id), hsize(r->eff_size),
			    hsize(region_align(r)), hsize(r->pool_miss->free_total),
			    hsize(r->pool_miss->largest_free));
		diag_note(dg, &t->pool_size.pos, "the pool holds %s", hsize(t->pool_size.v));
	}
}

/* a host range of shared memory: the pool, or a region's placed host range */
struct host_use {
	uint64_t base, size;
	const struct region *region;	/* NULL: the pool */
};

static int cmp_use(const void *pa, const void *pb)
{
	const struct host_use *a = pa, *b = pb;

	return a->base < b->base ? -1 : a->base > b->base;
}

static void check_passthrough_overlap(const struct topology *t, struct diag_set *d)
{
	struct host_use *use;
	struct mapping **maps = NULL;
	size_t nuse = 0, alloc = 0, i, j, k;

	for (i = 0; i < t->nvms && !vm_ex(t->vms[i])->npt_iomem; i++)
		;
	if (i == t->nvms)
		return;	/* no passthrough: no table of the host ranges to build */
	use = xmalloc(sizeof(*use) * (t->nmapped + 2));
	if (t->has_pool && t->pool_base.pos.set && t->pool_size.pos.set)
		use[nuse++] = (struct host_use){ t->pool_base.v, t->pool_size.v, NULL };
	for (i = 0; i < t->nmapped; i++)
		if (t->mapped[i]->host_placed && t->mapped[i]->eff_size)
			use[nuse++] = (struct host_use){ t->mapped[i]->host_base,
							 t->mapped[i]->eff_size, t->mapped[i] };
	qsort(use, nuse, sizeof(*use), cmp_use);

	for (i = 0; i < t->nvms; i++) {
		const struct vm *vm = t->vms[i];
		size_t nmaps = 0;
		if (!vm_ex(vm)->npt_iomem)
			continue;
		for (j = 0; j < vm->nmaps; j++) {
			if (!usable(&vm->maps[j]))
				continue;
			ALLOC_GROW(maps, nmaps + 1, alloc);
			maps[nmaps++] = &vm->maps[j];
		}
		for (j = 0; j < vm_ex(vm)->npt_iomem; j++) {
			const struct pt_iomem *p = &vm_ex(vm)->pt_iomem[j];
			uint64_t hb = p->start * PAGE_SIZE, gb = p->gfn * PAGE_SIZE;
			uint64_t sz = p->num * PAGE_SIZE;
			struct diagnostic *dg = NULL;
			if (!p->ok)
				continue;
			/* the pool and regions: few enough per passthrough entry to scan */
			for (k = 0; k < nuse && use[k].base < hb + sz && !dg; k++) {
				if (!ranges_overlap(hb, sz, use[k].base, use[k].size))
					continue;
				dg = report(d, C_PASSTHROUGH_OVERLAP, &p->text.pos,
					    "passthrough iomem host range %s-%s of '%s' "
					    "overlaps %s%s%s", hex(hb),
					    hex(hb + sz - 1), vname(vm),
					    use[k].region ? "the host range of region '" : "the pool",
					    use[k].region ? q(use[k].region->id) : "",
					    use[k].region ? "'" : "");
				diag_note(dg, use[k].region ? region_pos(use[k].region) : &t->pool_base.pos,
					  "%s is %s-%s", use[k].region ? "the region" : "the pool",
					  hex(use[k].base),
					  hex(use[k].base + use[k].size - 1));
			}
			for (k = 0; k < nmaps; k++) {
				if (!ranges_overlap(gb, sz, maps[k]->gaddr, mapping_size(maps[k])))
					continue;
				dg = report(d, C_PASSTHROUGH_OVERLAP, &p->text.pos,
					    "passthrough iomem guest range %s-%s of '%s' "
					    "overlaps its mapping of '%s'", hex(gb),
					    hex(gb + sz - 1), vname(vm),
					    q(mapping_id(maps[k])));
				diag_note(dg, mapping_addr_pos(maps[k]), "'%s' is at %s-%s",
					  q(mapping_id(maps[k])), hex(maps[k]->gaddr),
					  hex(maps[k]->gaddr + mapping_size(maps[k]) - 1));
				break;
			}
		}
	}
	free(maps);
	free(use);
}

static void check_dom0less_limits(const struct topology *t, struct diag_set *d)
{
	size_t i, j;

	if (t->backend != BACKEND_DOM0LESS)
		return;
	if (t->nmapped > DOM0LESS_MAX_REGIONS)
		report(d, C_DOM0LESS_LIMITS, region_pos(t->mapped[DOM0LESS_MAX_REGIONS]),
		       "region '%s' is the %dth: dom0less Xen supports at most %d shared "
		       "regions", q(t->mapped[DOM0LESS_MAX_REGIONS]->id), DOM0LESS_MAX_REGIONS + 1,
		       DOM0LESS_MAX_REGIONS);
	for (i = 0; i < t->nvms; i++) {
		size_t n = 0;
		for (j = 0; j < t->vms[i]->nmaps; j++) {
			const struct mapping *m = &t->vms[i]->maps[j];
			if (m->dup || !m->region || ++n != DOM0LESS_MAX_REGIONS + 1)
				continue;
			report(d, C_DOM0LESS_LIMITS, &m->id_pos,
			       "more than %d regions in VM '%s', dom0less Xen's limit per domain",
			       DOM0LESS_MAX_REGIONS, vname(t->vms[i]));
		}
	}
	if (t->xen_minor >= XEN_DOM0LESS_ALLOCATES)
		return;
	for (i = 0; i < t->nmapped; i++)
		if (!t->mapped[i]->host_placed && t->mapped[i]->eff_size)
			report(d, C_DOM0LESS_LIMITS, region_pos(t->mapped[i]),
			       "region '%s' has no host address: Xen 4.%u needs one in the "
			       "device tree (4.19 allocates it); set 'host' or 'xen.pool'",
			       q(t->mapped[i]->id), t->xen_minor);
}

typedef void (*check_fn)(const struct topology *t, struct diag_set *d);

/* the functions of checks.def, by id; NULL for the checks the loader reports */
static const check_fn check_fns[C__COUNT] = {
#define CHECK(id, name, sev, fn, after, kind) [C_##id] = fn,
#include "checks.def"
#undef CHECK
};

/* Runs c after its prerequisites, unless one of them fired (dtc's rule). */
static void run_check(enum check_id c, const struct topology *t, struct diag_set *d, bool *done)
{
	uint64_t after = check_info(c)->after;
	size_t p;

	if (done[c])
		return;
	done[c] = true;
	for (p = 0; p < C__COUNT; p++)
		if (after & (UINT64_C(1) << p))
			run_check((enum check_id)p, t, d, done);
	for (p = 0; p < C__COUNT; p++)
		if ((after & (UINT64_C(1) << p)) && d->fired[p])
			return;
	if (check_fns[c])
		check_fns[c](t, d);
}

/*
 * The checks without prerequisites, shared by two workers: each takes the
 * next one in the table until none is left, and reports into its own set.
 */
struct check_worker {
	const struct topology *t;
	struct diag_set *d;
	atomic_size_t *next;
	bool *done;		/* written only for the checks this worker took */
};

static void take_checks(void *arg)
{
	struct check_worker *w = arg;
	size_t c;

	while ((c = atomic_fetch_add(w->next, 1)) < C__COUNT) {
		if (check_info(c)->after)
			continue;	/* after the merge, when its prerequisites' sets are one */
		w->done[c] = true;
		if (check_fns[c])
			check_fns[c](w->t, w->d);
	}
}

/*
 * Checks only read the model and report into a set that printing sorts
 * (diag.c), so on a large topology they share two threads; the result is
 * the same, which tests/checks.sh holds with the table reversed.
 */
void checks_run(const struct topology *t, struct diag_set *d, enum check_order order)
{
	bool done[C__COUNT] = { false };
	size_t i;

	if (order == CHECKS_IN_ORDER && t->nvms + t->nmappings >= PARALLEL_MIN_ITEMS &&
	    threads_allowed()) {
		atomic_size_t next = 0;
		struct diag_set other;
		struct check_worker a = { t, d, &next, done }, b = { t, &other, &next, done };

		diag_init(&other, d->src, d->cfg);
		run_pair(take_checks, &a, &b, true);
		diag_merge(d, &other);
	}
	for (i = 0; i < C__COUNT; i++)
		run_check(order == CHECKS_REVERSED ? C__COUNT - 1 - i : i, t, d, done);
}
