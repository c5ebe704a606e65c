/* Semantics of spec section 3: linking, start order, owners, guest maps, placement. */
#include "layout.h"
#include "freelist.h"

#include <stdlib.h>
#include <string.h>

void layout_link(struct topology *t)
{
	size_t i, j, alloc = 0, seq = 0;

	for (i = 0; i < t->nvms; i++) {
		struct vm *vm = t->vms[i];
		size_t first;
		if (!vm->name.s)
			continue;
		if (!strmap_add(&t->vm_index, vm->name.s, i) &&
		    strmap_get(&t->vm_index, vm->name.s, &first))
			vm->dup_of = t->vms[first];
	}
	for (i = 0; i < t->nvms; i++) {
		struct vm *vm = t->vms[i];
		vm->deps = xcalloc(vm->ndepends_on, sizeof(*vm->deps));
		for (j = 0; j < vm->ndepends_on; j++)
			vm->deps[j] = topology_find_vm(t, vm->depends_on[j].s);
	}
	for (i = 0; i < t->nvms; i++) {
		struct vm *vm = t->vms[i];
		for (j = 0; j < vm->nmaps; j++) {
			struct mapping *m = &vm->maps[j];
			struct region *r;

			m->vm = vm;
			m->seq = seq++;
			if (!m->id.s || !m->id.s[0])
				continue;	/* invalid ID, reported by the loader */
			r = topology_region(t, m->id.s);
			m->region = r;
			if (r->last_map && r->last_map->vm == vm) {
				m->dup_of = r->last_map;
				continue;
			}
			r->last_map = m;
			if (!r->nmembers) {
				r->file_order = t->nmapped;
				ALLOC_GROW(t->mapped, t->nmapped + 1, alloc);
				t->mapped[t->nmapped++] = r;
			}
			ALLOC_GROW(r->members, r->nmembers + 1, r->members_alloc);
			r->members[r->nmembers++] = m;
		}
	}
	t->nmappings = seq;
	for (i = 0; i < t->nvms; i++)
		layout_vm_ram(t, t->vms[i]);
}

/* ---- start order ---- */

struct graph {
	size_t n;
	bool *cut;		/* per edge index: left out of cycle search */
	struct order_edge *edges;
	size_t nedges, alloc;
	size_t *first;		/* CSR: edges of node v are by_from[first[v] .. first[v+1]) */
	struct order_edge **by_from;
};

static void add_edge(struct graph *g, struct vm *from, struct vm *to, const struct srcpos *pos,
		     const struct region *r)
{
	ALLOC_GROW(g->edges, g->nedges + 1, g->alloc);
	g->edges[g->nedges++] = (struct order_edge){ from, to, pos, r };
}

static void graph_index(struct graph *g)
{
	size_t i, *fill;

	free(g->first);
	free(g->by_from);
	g->first = xcalloc(g->n + 1, sizeof(*g->first));
	g->by_from = xmalloc(sizeof(*g->by_from) * (g->nedges ? g->nedges : 1));
	for (i = 0; i < g->nedges; i++)
		g->first[g->edges[i].from->index + 1]++;
	for (i = 0; i < g->n; i++)
		g->first[i + 1] += g->first[i];
	fill = xmalloc(sizeof(*fill) * (g->n + 1));
	memcpy(fill, g->first, sizeof(*fill) * (g->n + 1));
	/* edges keep their insertion order within a node: deterministic cycles */
	for (i = 0; i < g->nedges; i++)
		g->by_from[fill[g->edges[i].from->index]++] = &g->edges[i];
	free(fill);
}

static void graph_release(struct graph *g)
{
	free(g->cut);
	free(g->edges);
	free(g->first);
	free(g->by_from);
}

static bool live(const struct graph *g, const struct order_edge *e)
{
	return !g->cut || !g->cut[e - g->edges];
}

/* min-heap of VM indices: Kahn always takes the earliest ready VM in the file */
static void heap_push(size_t *h, size_t *n, size_t v)
{
	size_t i = (*n)++;

	while (i && h[(i - 1) / 2] > v) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = v;
}

static size_t heap_pop(size_t *h, size_t *n)
{
	size_t top = h[0], v = h[--(*n)], i = 0;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1] < h[c])
			c++;
		if (h[c] >= v)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n)
		h[i] = v;
	return top;
}

/* Kahn's sort; returns how many VMs it ordered (< n means a cycle). */
static size_t kahn(const struct topology *t, const struct graph *g, struct vm **out)
{
	size_t *indeg = xcalloc(g->n + 1, sizeof(*indeg));
	size_t *heap = xmalloc(sizeof(*heap) * (g->n + 1));
	size_t nheap = 0, nout = 0, i;

	for (i = 0; i < g->nedges; i++)
		indeg[g->edges[i].to->index]++;
	for (i = 0; i < g->n; i++)
		if (!indeg[i])
			heap_push(heap, &nheap, i);
	while (nheap) {
		size_t v = heap_pop(heap, &nheap), e;
		out[nout++] = t->vms[v];
		for (e = g->first[v]; e < g->first[v + 1]; e++) {
			size_t w = g->by_from[e]->to->index;
			if (!--indeg[w])
				heap_push(heap, &nheap, w);
		}
	}
	free(indeg);
	free(heap);
	return nout;
}

/*
 * Tarjan's strongly connected components, iterative (32 752 VMs would
 * overflow a recursive walk). comp[v] receives a component number.
 */
static void tarjan(const struct graph *g, size_t *comp)
{
	size_t n = g->n, idx = 0, ncomp = 0, sp = 0, csp = 0, v;
	size_t *index = xmalloc(sizeof(*index) * (n + 1));
	size_t *low = xmalloc(sizeof(*low) * (n + 1));
	size_t *stack = xmalloc(sizeof(*stack) * (n + 1));
	bool *on = xcalloc(n + 1, sizeof(*on));
	struct frame { size_t v, e; } *call = xmalloc(sizeof(*call) * (n + 1));

	for (v = 0; v < n; v++)
		index[v] = SIZE_MAX;
	for (v = 0; v < n; v++) {
		if (index[v] != SIZE_MAX)
			continue;
		call[csp++] = (struct frame){ v, g->first[v] };
		index[v] = low[v] = idx++;
		stack[sp++] = v;
		on[v] = true;
		while (csp) {
			struct frame *f = &call[csp - 1];
			if (f->e < g->first[f->v + 1]) {
				const struct order_edge *ed = g->by_from[f->e++];
				size_t w = ed->to->index;
				if (!live(g, ed))
					continue;
				if (index[w] == SIZE_MAX) {
					index[w] = low[w] = idx++;
					stack[sp++] = w;
					on[w] = true;
					call[csp++] = (struct frame){ w, g->first[w] };
				} else if (on[w] && index[w] < low[f->v]) {
					low[f->v] = index[w];
				}
				continue;
			}
			if (low[f->v] == index[f->v]) {
				size_t w;
				do {
					w = stack[--sp];
					on[w] = false;
					comp[w] = ncomp;
				} while (w != f->v);
				ncomp++;
			}
			csp--;
			if (csp && low[f->v] < low[call[csp - 1].v])
				low[call[csp - 1].v] = low[f->v];
		}
	}
	free(index);
	free(low);
	free(stack);
	free(on);
	free(call);
}

/* A shortest cycle through start inside its component, by BFS. */
static struct order_cycle find_cycle(const struct graph *g, const size_t *comp, size_t start)
{
	struct order_edge **via = xcalloc(g->n + 1, sizeof(*via));
	size_t *queue = xmalloc(sizeof(*queue) * (g->n + 1));
	size_t head = 0, tail = 0, e;
	struct order_edge *closing = NULL;
	struct order_cycle c = { 0 };

	queue[tail++] = start;
	while (head < tail && !closing) {
		size_t v = queue[head++];
		for (e = g->first[v]; e < g->first[v + 1]; e++) {
			struct order_edge *ed = g->by_from[e];
			size_t w = ed->to->index;
			if (!live(g, ed) || comp[w] != comp[start])
				continue;
			if (w == start) {
				closing = ed;
				break;
			}
			if (!via[w]) {
				via[w] = ed;
				queue[tail++] = w;
			}
		}
	}
	if (closing) {
		size_t n = 1, v = closing->from->index, i;
		c.closing = closing;
		while (v != start) {
			n++;
			v = via[v]->from->index;
		}
		c.edges = xmalloc(sizeof(*c.edges) * n);
		c.nedges = n;
		c.edges[n - 1] = *closing;
		for (i = n - 1, v = closing->from->index; v != start; v = via[v]->from->index)
			c.edges[--i] = *via[v];
	}
	free(via);
	free(queue);
	return c;
}

/*
 * One cycle per round: the cycle through the earliest VM of each strongly
 * connected part, then its closing edge is cut and the parts recomputed,
 * until none is left. Two cycles sharing a VM are two errors (spec 3).
 */
#define CYCLES_MAX 1000	/* as many as diagnostics are kept */

static void collect_cycles(struct graph *g, struct order_cycle **cycles, size_t *ncycles)
{
	size_t *comp = xmalloc(sizeof(*comp) * (g->n + 1));
	size_t *size = xmalloc(sizeof(*size) * (g->n + 1));
	bool *done = xmalloc(sizeof(*done) * (g->n + 1));
	size_t v, alloc = 0, e, found = 1;

	g->cut = xcalloc(g->nedges + 1, sizeof(*g->cut));
	while (found && *ncycles < CYCLES_MAX) {
		found = 0;
		tarjan(g, comp);
		memset(size, 0, sizeof(*size) * (g->n + 1));
		memset(done, 0, sizeof(*done) * (g->n + 1));
		for (v = 0; v < g->n; v++)
			size[comp[v]]++;
		/* walking VMs in file order meets each part at its earliest VM */
		for (v = 0; v < g->n && *ncycles < CYCLES_MAX; v++) {
			bool self = false;
			struct order_cycle c;
			if (done[comp[v]])
				continue;
			done[comp[v]] = true;
			for (e = g->first[v]; e < g->first[v + 1]; e++)
				self |= live(g, g->by_from[e]) && g->by_from[e]->to->index == v;
			if (size[comp[v]] < 2 && !self)
				continue;
			c = find_cycle(g, comp, v);
			if (!c.nedges)
				continue;
			g->cut[c.closing - g->edges] = true;
			ALLOC_GROW(*cycles, *ncycles + 1, alloc);
			(*cycles)[(*ncycles)++] = c;
			found++;
		}
	}
	free(comp);
	free(size);
	free(done);
}

void layout_cycles_free(struct order_cycle *cycles, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(cycles[i].edges);
	free(cycles);
}

/* Is the region's explicit owner usable: a known VM that maps it? */
static struct vm *explicit_owner(const struct topology *t, const struct region *r)
{
	struct vm *o;
	size_t i;

	if (!r->owner_name.s || !(o = topology_find_vm(t, r->owner_name.s)))
		return NULL;
	for (i = 0; i < r->nmembers; i++)
		if (r->members[i]->vm == o)
			return o;
	return NULL;
}

static void add_owner_edges(struct graph *g, struct region *r, struct vm *owner,
			    const struct srcpos *pos)
{
	size_t i;

	for (i = 0; i < r->nmembers; i++)
		if (r->members[i]->vm != owner)
			add_edge(g, owner, r->members[i]->vm, pos, r);
}

void layout_start_order(struct topology *t, struct order_cycle **cycles, size_t *ncycles)
{
	struct graph g = { .n = t->nvms };
	size_t i, j, *rank;

	*cycles = NULL;
	*ncycles = 0;
	free(t->start_order);
	t->start_order = xmalloc(sizeof(*t->start_order) * (t->nvms + 1));
	for (i = 0; i < t->nvms; i++)
		for (j = 0; j < t->vms[i]->ndepends_on; j++)
			if (t->vms[i]->deps[j])
				add_edge(&g, t->vms[i]->deps[j], t->vms[i],
					 &t->vms[i]->depends_on[j].pos, NULL);
	for (i = 0; i < t->nmapped; i++) {
		struct region *r = t->mapped[i];
		r->owner = explicit_owner(t, r);
		r->owner_explicit = r->owner != NULL;
		if (r->owner)
			add_owner_edges(&g, r, r->owner, &r->owner_name.pos);
	}
	graph_index(&g);

	if (kahn(t, &g, t->start_order) < t->nvms) {
		collect_cycles(&g, cycles, ncycles);
		t->order_has_cycle = true;
		for (i = 0; i < t->nvms; i++)
			t->start_order[i] = t->vms[i];
		for (i = 0; i < t->nmapped; i++)
			if (!t->mapped[i]->owner)
				t->mapped[i]->owner = t->mapped[i]->members[0]->vm;
		goto done;
	}

	/* default owner: the member first in that order; it adds no cycle */
	rank = xmalloc(sizeof(*rank) * (t->nvms + 1));
	for (i = 0; i < t->nvms; i++)
		rank[t->start_order[i]->index] = i;
	for (i = 0; i < t->nmapped; i++) {
		struct region *r = t->mapped[i];
		if (r->owner)
			continue;
		r->owner = r->members[0]->vm;
		for (j = 1; j < r->nmembers; j++)
			if (rank[r->members[j]->vm->index] < rank[r->owner->index])
				r->owner = r->members[j]->vm;
		add_owner_edges(&g, r, r->owner, region_pos(r));
	}
	free(rank);
	graph_index(&g);
	kahn(t, &g, t->start_order);
done:
	for (i = 0; i < t->nvms; i++)
		t->start_order[i]->start_index = i;
	graph_release(&g);
}

/* ---- guest memory maps ---- */

#define ARM_RAM0_BASE 0x40000000ull
#define ARM_RAM0_MAX (3 * GiB)
#define ARM_RAM1_BASE 0x200000000ull
#define ARM_RAM1_MAX (1016 * GiB)
#define X86_4G (4 * GiB)

static uint64_t x86_low_ceiling(const struct vm *vm)
{
	return vm->type == VM_HVM ? 0xF0000000ull : 0xFC000000ull;
}

void layout_vm_ram(const struct topology *t, struct vm *vm)
{
	uint64_t mem = vm->memory.set ? vm->memory.v : 0, low;

	memset(vm->ram, 0, sizeof(vm->ram));
	if (t->arch == ARCH_ARM64) {
		low = mem < ARM_RAM0_MAX ? mem : ARM_RAM0_MAX;
		vm->ram[0] = (struct range){ ARM_RAM0_BASE, low };
		vm->ram[1] = (struct range){ ARM_RAM1_BASE, mem - low };
	} else {
		uint64_t ceil = x86_low_ceiling(vm);
		low = mem < ceil ? mem : ceil;
		vm->ram[0] = (struct range){ 0, low };
		vm->ram[1] = (struct range){ X86_4G, mem - low };
	}
}

size_t layout_reserved(const struct topology *t, const struct vm *vm, struct named_range *out)
{
	size_t n = 0;

	if (t->arch == ARCH_ARM64) {
		out[n++] = (struct named_range){ 0x02000000, 1 * MiB, "virtio-mmio" };
		if (t->gic.v == 2) {
			out[n++] = (struct named_range){ 0x03001000, 0x3000, "GICv2 distributor and CPU interface" };
		} else {
			out[n++] = (struct named_range){ 0x03001000, 64 << 10, "GICv3 distributor" };
			out[n++] = (struct named_range){ 0x03020000, 16 * MiB, "GICv3 redistributors" };
		}
		out[n++] = (struct named_range){ 0x10000000, 256 * MiB, "vPCI ECAM" };
		out[n++] = (struct named_range){ 0x20000000, 32 * MiB, "ACPI tables" };
		out[n++] = (struct named_range){ 0x22000000, 4 << 10, "PL011 vuart" };
		out[n++] = (struct named_range){ 0x23000000, 256 * MiB, "vPCI MMIO" };
		out[n++] = (struct named_range){ 0x38000000, 16 * MiB, "grant table" };
		out[n++] = (struct named_range){ 0x39000000, 16 * MiB, "magic pages" };
		out[n++] = (struct named_range){ 0x100000000ull, 4 * GiB, "vPCI prefetchable MMIO" };
	} else {
		uint64_t ceil = x86_low_ceiling(vm);
		if (vm->type == VM_HVM)
			out[n++] = (struct named_range){ 0xA0000, 0x60000, "VGA hole and BIOS" };
		out[n++] = (struct named_range){ ceil, X86_4G - ceil,
			vm->type == VM_HVM ? "PCI hole, IOAPIC, LAPIC and special pages"
					   : "MMIO hole, ACPI, IOAPIC, LAPIC and special pages" };
	}
	return n;
}

size_t layout_windows(const struct topology *t, const struct vm *vm, struct range *out)
{
	uint64_t limit = topology_guest_limit(t), start;

	if (t->arch == ARCH_ARM64) {
		out[0] = (struct range){ 0x05000000, 0x10000000 - 0x05000000 };
		out[1] = (struct range){ 0x33000000, 0x38000000 - 0x33000000 };
		out[2] = (struct range){ 0x3A000000, 0x40000000 - 0x3A000000 };
		return 3;
	}
	start = vm->ram[1].size ? vm->ram[1].base + vm->ram[1].size : X86_4G;
	if (!align_up(start, GiB, &start))
		return 0;
	/* hvmloader may move 64-bit PCI BARs right above RAM */
	if (vm->type == VM_HVM)
		start += GiB;
	if (start >= limit)
		return 0;
	out[0] = (struct range){ start, limit - start };
	return 1;
}

size_t layout_extended_space(const struct topology *t, const struct vm *vm, struct named_range *out)
{
	if (t->arch != ARCH_ARM64)
		return 0;
	out[0] = (struct named_range){ vm->ram[0].base + vm->ram[0].size,
				       ARM_RAM0_MAX - vm->ram[0].size, "RAM0" };
	out[1] = (struct named_range){ vm->ram[1].base + vm->ram[1].size,
				       ARM_RAM1_MAX - (vm->ram[1].size < ARM_RAM1_MAX ?
						       vm->ram[1].size : ARM_RAM1_MAX), "RAM1" };
	return 2;
}

/* ---- placement ---- */

static void add_range(struct range **v, size_t *n, size_t *alloc, uint64_t base, uint64_t size)
{
	if (!size)
		return;
	ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[(*n)++] = (struct range){ base, size };
}

size_t layout_place_guest(const struct topology *t, struct vm *vm)
{
	struct named_range res[MAX_RESERVED];
	struct range win[MAX_WINDOWS], ram0 = vm->ram[0];
	uint64_t limit = topology_guest_limit(t);
	struct range *obs = NULL;
	struct freelist low, high;
	size_t nres, nwin, nobs = 0, alloc = 0, nfixed, i, failed = 0;
	bool static_shm = t->backend == BACKEND_STATIC_SHM;

	nres = layout_reserved(t, vm, res);
	nwin = layout_windows(t, vm, win);
	for (i = 0; i < vm->nmaps; i++) {
		struct mapping *m = &vm->maps[i];
		uint64_t size = mapping_size(m);
		/* out of the address space: address-overflow; not a usable mapping */
		m->placed = m->at.set && m->at.v < limit && limit - m->at.v >= size;
		m->gaddr = m->at.v;
		if (m->placed)
			add_range(&obs, &nobs, &alloc, m->at.v, size);
	}
	for (i = 0; i < vm->npt_iomem; i++)
		if (vm->pt_iomem[i].ok)
			add_range(&obs, &nobs, &alloc, vm->pt_iomem[i].gfn * PAGE_SIZE,
				  vm->pt_iomem[i].num * PAGE_SIZE);
	/* static-shm owners go inside RAM0: only the fixed mappings are in their way */
	nfixed = nobs;
	freelist_init(&high, &ram0, 1, obs, nfixed);
	for (i = 0; i < nres; i++)
		add_range(&obs, &nobs, &alloc, res[i].base, res[i].size);
	add_range(&obs, &nobs, &alloc, vm->ram[0].base, vm->ram[0].size);
	add_range(&obs, &nobs, &alloc, vm->ram[1].base, vm->ram[1].size);
	freelist_init(&low, win, nwin, obs, nobs);

	for (i = 0; i < vm->nmaps; i++) {
		struct mapping *m = &vm->maps[i];
		uint64_t size = mapping_size(m), align;

		if (m->at.set || m->dup_of || !m->region || !size || !vm->memory.set)
			continue;
		align = m->region->eff_align ? m->region->eff_align : PAGE_SIZE;
		if (static_shm && mapping_is_owner(m))
			m->placed = freelist_take_high(&high, size, align, &m->gaddr);
		else
			m->placed = freelist_take_low(&low, size, align, &m->gaddr);
		if (!m->placed)
			failed++;
	}
	freelist_release(&low);
	freelist_release(&high);
	free(obs);
	return failed;
}

bool layout_uses_pool(const struct topology *t)
{
	return t->backend == BACKEND_IOMEM || (t->backend == BACKEND_DOM0LESS && t->has_pool);
}

static int cmp_host_order(const void *pa, const void *pb)
{
	const struct region *a = *(struct region *const *)pa, *b = *(struct region *const *)pb;
	size_t sa = a->owner ? a->owner->start_index : 0, sb = b->owner ? b->owner->start_index : 0;

	if (sa != sb)
		return sa < sb ? -1 : 1;
	return a->file_order < b->file_order ? -1 : a->file_order > b->file_order;
}

struct pool_failure *layout_place_hosts(struct topology *t, size_t *nfail)
{
	struct pool_failure *fail = NULL;
	struct region **todo;
	struct range *obs = NULL, pool;
	struct freelist fl;
	size_t i, ntodo = 0, nobs = 0, obs_alloc = 0, alloc = 0;

	*nfail = 0;
	for (i = 0; i < t->nmapped; i++) {
		struct region *r = t->mapped[i];
		r->host_placed = r->host.set;
		r->host_base = r->host.v;
	}
	if (!layout_uses_pool(t) || !t->has_pool || !t->pool_base.set || !t->pool_size.set)
		return NULL;
	pool = (struct range){ t->pool_base.v, t->pool_size.v };
	todo = xmalloc(sizeof(*todo) * (t->nmapped + 1));
	for (i = 0; i < t->nmapped; i++) {
		struct region *r = t->mapped[i];
		if (r->host.set)
			add_range(&obs, &nobs, &obs_alloc, r->host.v, r->eff_size);
		else if (r->eff_size)
			todo[ntodo++] = r;
	}
	freelist_init(&fl, &pool, 1, obs, nobs);
	qsort(todo, ntodo, sizeof(*todo), cmp_host_order);
	for (i = 0; i < ntodo; i++) {
		struct region *r = todo[i];
		uint64_t align = r->eff_align ? r->eff_align : PAGE_SIZE;
		r->host_placed = freelist_take_low(&fl, r->eff_size, align, &r->host_base);
		if (r->host_placed)
			continue;
		ALLOC_GROW(fail, *nfail + 1, alloc);
		fail[*nfail].region = r;
		freelist_stats(&fl, &fail[*nfail].free_total, &fail[*nfail].largest_free);
		(*nfail)++;
	}
	freelist_release(&fl);
	free(todo);
	free(obs);
	return fail;
}
