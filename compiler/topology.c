/* The model: construction, lookups, defaults and release. */
#include "topology.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct region_decl region_no_decl;

static const char *region_key(const void *t, size_t i)
{
	return ((const struct topology *)t)->regions[i]->id;
}

static const char *vm_key(const void *t, size_t i)
{
	return ((const struct topology *)t)->vms[i]->name.s;
}

void topology_init(struct topology *t, struct source *src)
{
	memset(t, 0, sizeof(*t));
	t->src = src;
	t->arch = ARCH_ARM64;
	t->backend = BACKEND_IOMEM;
	t->xen_minor = 17;
	t->gic.v = 3;
	t->gpaddr_bits.v = 40;
	t->defaults.k = &vm_no_keys;
	keyindex_init(&t->region_index, region_key, t);
	keyindex_init(&t->vm_index, vm_key, t);
}

/* what the arena does not hold: the lists still grown with ALLOC_GROW */
static void vm_release(struct vm *vm)
{
	struct vm_extra *ex = vm->extra;
	size_t i;

	if (ex) {
		free(ex->pt_iomem);
		free(ex->pt_irqs);
		free(ex->pt_dtdev);
		for (i = 0; i < ex->nxl; i++)
			free(ex->xl[i].items);
		free(ex->xl);
	}
	free(vm->deps);
}

const struct vm_extra vm_no_extra;

const struct vm_keys vm_no_keys = { .vcpus = { .v = 1 } };
const struct mapping_given mapping_none_given;

struct vm_keys *vm_keys_own(struct topology *t, struct vm *vm)
{
	struct vm_keys *k;

	if (vm->keys_own)
		return vm->own_k;
	k = arena_alloc(&t->arena, sizeof(*k));
	*k = *vm->k;
	vm->own_k = k;
	vm->keys_own = true;
	return k;
}

struct vm_extra *vm_extra_own(struct topology *t, struct vm *vm)
{
	if (!vm->extra)
		vm->extra = arena_alloc(&t->arena, sizeof(*vm->extra));
	return vm->extra;
}

void topology_release(struct topology *t)
{
	size_t i;

	vm_release(&t->defaults);
	for (i = 0; i < t->nvms; i++)
		vm_release(t->vms[i]);
	free(t->vms);
	free(t->regions);
	free(t->start_order);
	for (i = 0; i < t->ncycles; i++)
		free(t->cycles[i].edges);
	free(t->cycles);
	free(t->mapped);
	keyindex_release(&t->region_index);
	keyindex_release(&t->vm_index);
	arena_release(&t->arena);
	memset(t, 0, sizeof(*t));
}

struct vm *topology_add_vm(struct topology *t)
{
	struct vm *vm = arena_alloc(&t->arena, sizeof(*vm));

	vm->index = t->nvms;
	vm->type = VM_PVH;
	vm->k = &vm_no_keys;
	ALLOC_GROW(t->vms, t->nvms + 1, t->vms_alloc);
	t->vms[t->nvms++] = vm;
	return vm;
}

struct region *topology_region(struct topology *t, const char *id)
{
	struct region *r;
	size_t i;

	if (keyindex_get(&t->region_index, id, &i))
		return t->regions[i];
	r = arena_alloc(&t->arena, sizeof(*r));
	r->decl = &region_no_decl;
	r->index = t->nregions;
	snprintf(r->id, sizeof(r->id), "%s", id);	/* valid IDs only: at most 15 characters */
	r->file_order = UINT32_MAX;
	ALLOC_GROW(t->regions, t->nregions + 1, t->regions_alloc);
	t->regions[t->nregions++] = r;
	keyindex_add(&t->region_index, r->id, r->index);
	return r;
}

void topology_link_vm(struct topology *t, struct vm *vm)
{
	size_t j, first;

	if (vm->name.s && !keyindex_add(&t->vm_index, vm->name.s, vm->index) &&
	    keyindex_get(&t->vm_index, vm->name.s, &first))
		vm->dup_of = t->vms[first];
	for (j = 0; j < vm->nmaps; j++) {
		struct mapping *m = &vm->maps[j];
		struct region *r;

		m->vm = vm;
		t->nmappings++;
		r = m->region;	/* the loader's, from a valid ID */
		if (!r)
			continue;	/* invalid ID, reported by the loader */
		if (r->last_vm == vm->index + 1) {
			m->dup = true;
			continue;
		}
		r->last_vm = vm->index + 1;
		if (!r->nmembers) {
			r->file_order = t->nmapped;
			ALLOC_GROW(t->mapped, t->nmapped + 1, t->mapped_alloc);
			t->mapped[t->nmapped++] = r;
		}
		r->nmembers++;
	}
}

void topology_gather_members(struct topology *t)
{
	struct mapping **all = arena_alloc(&t->arena, sizeof(*all) * (t->nmappings + 1));
	size_t i, j, at = 0;

	keyindex_release(&t->region_index);	/* no region is made after the load */
	for (i = 0; i < t->nregions; i++) {
		t->regions[i]->members = all + at;
		at += t->regions[i]->nmembers;
		t->regions[i]->nmembers = 0;	/* counted again as they are put in */
	}
	for (i = 0; i < t->nvms; i++)
		for (j = 0; j < t->vms[i]->nmaps; j++) {
			struct mapping *m = &t->vms[i]->maps[j];
			if (m->region && !m->dup)
				m->region->members[m->region->nmembers++] = m;
		}
}

struct vm *topology_find_vm(const struct topology *t, const char *name)
{
	size_t i;

	return keyindex_get(&t->vm_index, name, &i) ? t->vms[i] : NULL;
}

/*
 * A key the VM does not give takes the default, valid or not: a bad default
 * was reported once where it is written, and must not read as missing.
 */
static void inherit_str(struct str_at *dst, const struct str_at *src)
{
	if (!dst->s && !srcpos_valid(&dst->pos) && srcpos_valid(&src->pos)) {
		dst->s = src->s;	/* the arena's: shared, never freed alone */
		dst->pos = src->pos;
	}
}

static void inherit_num(struct num_at *dst, const struct num_at *src)
{
	if (!dst->pos.set && !srcpos_valid(&dst->pos) && srcpos_valid(&src->pos))
		*dst = *src;
}

/*
 * Lists (passthrough, xl) are taken whole from defaults when the VM has none:
 * merging item by item would make it impossible to remove a default entry.
 */
static void inherit_lists(struct topology *t, struct vm *vm, const struct vm_extra *d)
{
	const struct vm_extra *has = vm_ex(vm);
	struct vm_extra *ex;
	size_t i, j;

	if (!has->passthrough_set && d->passthrough_set) {
		ex = vm_extra_own(t, vm);
		ex->passthrough_set = true;
		for (i = 0; i < d->npt_iomem; i++) {
			ALLOC_GROW(ex->pt_iomem, ex->npt_iomem + 1, ex->pt_iomem_alloc);
			ex->pt_iomem[ex->npt_iomem++] = d->pt_iomem[i];
		}
		for (i = 0; i < d->npt_irqs; i++) {
			ALLOC_GROW(ex->pt_irqs, ex->npt_irqs + 1, ex->pt_irqs_alloc);
			ex->pt_irqs[ex->npt_irqs++] = d->pt_irqs[i];
		}
		for (i = 0; i < d->npt_dtdev; i++) {
			ALLOC_GROW(ex->pt_dtdev, ex->npt_dtdev + 1, ex->pt_dtdev_alloc);
			ex->pt_dtdev[ex->npt_dtdev++] = d->pt_dtdev[i];
		}
	}
	if (!has->xl_set && d->xl_set) {
		ex = vm_extra_own(t, vm);
		ex->xl_set = true;
		ex->xl_pos = d->xl_pos;
		for (i = 0; i < d->nxl; i++) {
			struct xl_extra *x;
			ALLOC_GROW(ex->xl, ex->nxl + 1, ex->xl_alloc);
			x = &ex->xl[ex->nxl++];
			*x = d->xl[i];
			x->items = NULL;	/* the strings are shared, the list is the VM's own */
			x->nitems = x->alloc = 0;
			for (j = 0; j < d->xl[i].nitems; j++) {
				ALLOC_GROW(x->items, x->nitems + 1, x->alloc);
				x->items[x->nitems++] = d->xl[i].items[j];
			}
		}
	}
}

void topology_apply_defaults(struct topology *t)
{
	const struct vm *d = &t->defaults;
	const struct vm_keys *dk = d->k;
	size_t i;

	if (!t->has_defaults)
		return;
	for (i = 0; i < t->nvms; i++) {
		struct vm *vm = t->vms[i];
		struct vm_keys *k;
		inherit_lists(t, vm, vm_ex(d));
		if (!vm->keys_own) {	/* gives none: takes them all, shared */
			vm->k = dk;
			vm->type = d->type;
			continue;
		}
		k = vm_keys_own(t, vm);
		if (!k->type_text.s && !srcpos_valid(&k->type_text.pos)) {
			inherit_str(&k->type_text, &dk->type_text);
			vm->type = d->type;
		}
		inherit_num(&k->memory, &dk->memory);
		inherit_num(&k->vcpus, &dk->vcpus);
		inherit_str(&k->kernel, &dk->kernel);
		inherit_str(&k->ramdisk, &dk->ramdisk);
		inherit_str(&k->cmdline, &dk->cmdline);
		inherit_str(&k->device_tree, &dk->device_tree);
		inherit_str(&k->vuart, &dk->vuart);
		inherit_str(&k->dom0less_node, &dk->dom0less_node);
	}
}

bool topology_uses_pool(const struct topology *t)
{
	return t->backend == BACKEND_IOMEM || (t->backend == BACKEND_DOM0LESS && t->has_pool);
}

uint64_t topology_guest_limit(const struct topology *t)
{
	unsigned bits = t->gpaddr_bits.v ? (unsigned)t->gpaddr_bits.v : 40;

	return bits >= 64 ? UINT64_MAX : 1ull << bits;
}

#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGIT "0123456789"

static const struct name_rule {
	const char *first, *rest;
	size_t min, max;
} name_rules[] = {
	[NAME_PROJECT] = { LOWER DIGIT, LOWER DIGIT "_-", 1, 32 },
	[NAME_VM] = { UPPER LOWER DIGIT, UPPER LOWER DIGIT "_.-", 1, 64 },
	[NAME_REGION_ID] = { UPPER LOWER DIGIT "_-", UPPER LOWER DIGIT "_-", 1, 15 },
	[NAME_DT_NODE] = { UPPER LOWER DIGIT ",._+-", UPPER LOWER DIGIT ",._+-", 1, 31 },
	[NAME_XL_KEY] = { LOWER, LOWER DIGIT "_", 1, SIZE_MAX },	/* xl's lexer: [a-z][_0-9a-z]* */
};

/*
 * Each rule as a byte map, built once: glibc's strspn builds one on every
 * call for sets this large, which showed in the profile of big topologies.
 */
static unsigned char name_map[ARRAY_SIZE(name_rules)][2][256];

static void name_maps_init(void)
{
	static bool done;
	const unsigned char *c;
	size_t k;

	if (done)
		return;
	for (k = 0; k < ARRAY_SIZE(name_rules); k++) {
		for (c = (const unsigned char *)name_rules[k].first; *c; c++)
			name_map[k][0][*c] = 1;
		for (c = (const unsigned char *)name_rules[k].rest; *c; c++)
			name_map[k][1][*c] = 1;
	}
	done = true;
}

bool name_chars_valid(enum name_kind k, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	name_maps_init();
	if (*p && !name_map[k][0][*p++])
		return false;
	while (*p && name_map[k][1][*p])
		p++;
	return !*p;
}

bool name_valid(enum name_kind k, const char *s)
{
	size_t n = strlen(s);

	/* xl reads a VM name of digits only as a domain ID */
	if (k == NAME_VM && strspn(s, DIGIT) == n)
		return false;
	return n >= name_rules[k].min && n <= name_rules[k].max && name_chars_valid(k, s);
}

size_t name_max(enum name_kind k)
{
	return name_rules[k].max;
}

const struct mapping *mapping_first(const struct mapping *m)
{
	const struct mapping *f = m->vm->maps;

	while (f < m && f->region != m->region)
		f++;
	return f;
}

size_t mapping_member_index(const struct mapping *m)
{
	struct mapping *const *mem = m->region->members;
	size_t lo = 0, hi = m->region->nmembers;

	/* members are in file order of their VMs, one per VM */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (mem[mid]->vm->index < m->vm->index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct srcpos *mapping_addr_pos(const struct mapping *m)
{
	const struct mapping_given *g = mapping_given(m);

	return g->at_pos.set ? &g->at_pos : &m->id_pos;
}

const struct srcpos *region_pos(const struct region *r)
{
	return r->nmembers ? &r->members[0]->id_pos : &r->decl->key_pos;
}

const char *arch_name(enum arch a)
{
	return a == ARCH_ARM64 ? "arm64" : "x86_64";
}

const char *backend_name(enum backend b)
{
	switch (b) {
	case BACKEND_STATIC_SHM:
		return "static-shm";
	case BACKEND_DOM0LESS:
		return "dom0less";
	default:
		return "iomem";
	}
}

const char *vm_type_name(enum vm_type t)
{
	switch (t) {
	case VM_HVM:
		return "hvm";
	case VM_PV:
		return "pv";
	default:
		return "pvh";
	}
}
