/* Spec 3's start order and owners: Kahn's sort over depends_on and owners, and its cycles. */
#include "order.h"

#include <stdlib.h>
#include <string.h>


/*
 * An edge of the graph the cycle search walks (stored only when the sort
 * found a cycle): 12 bytes; order_edge (positions, region) is made only for
 * the edges of a cycle. ref is the depends_on item j of 'to', or OWNER_EDGE
 * with the region's index.
 */
struct gedge {
	uint32_t from, to, ref;
};
#define OWNER_EDGE 0x80000000u

struct graph {
	const struct topology *t;
	size_t n;
	bool *cut;		/* per edge index: left out of cycle search */
	struct gedge *edges;
	size_t nedges, alloc;
	uint32_t *first;	/* CSR: edges of node v are by_from[first[v] .. first[v+1]) */
	uint32_t *by_from;	/* edge indices */
};

static void add_edge(struct graph *g, const struct vm *from, const struct vm *to, uint32_t ref)
{
	ALLOC_GROW(g->edges, g->nedges + 1, g->alloc);
	g->edges[g->nedges++] = (struct gedge){ (uint32_t)from->index, (uint32_t)to->index, ref };
}

/* the edge with its VMs, where it is written, and its region */
static struct order_edge full_edge(const struct graph *g, const struct gedge *e)
{
	const struct topology *t = g->t;
	struct order_edge o = { t->vms[e->from], t->vms[e->to], NULL, NULL };

	if (e->ref & OWNER_EDGE) {
		const struct region *r = t->regions[e->ref & ~OWNER_EDGE];
		o.region = r;
		o.pos = r->owner_explicit ? &r->decl->owner_name.pos : region_pos(r);
	} else {
		o.pos = &o.to->depends_on[e->ref].pos;
	}
	return o;
}

static void graph_index(struct graph *g)
{
	size_t i;
	uint32_t *fill;

	free(g->first);
	free(g->by_from);
	g->first = xcalloc(g->n + 1, sizeof(*g->first));
	g->by_from = xmalloc(sizeof(*g->by_from) * (g->nedges ? g->nedges : 1));
	for (i = 0; i < g->nedges; i++)
		g->first[g->edges[i].from + 1]++;
	for (i = 0; i < g->n; i++)
		g->first[i + 1] += g->first[i];
	fill = xmalloc(sizeof(*fill) * (g->n + 1));
	memcpy(fill, g->first, sizeof(*fill) * (g->n + 1));
	/* edges keep their insertion order within a node: deterministic cycles */
	for (i = 0; i < g->nedges; i++)
		g->by_from[fill[g->edges[i].from]++] = (uint32_t)i;
	free(fill);
}

static void graph_release(struct graph *g)
{
	free(g->cut);
	free(g->edges);
	free(g->first);
	free(g->by_from);
}

static bool live(const struct graph *g, uint32_t e)
{
	return !g->cut || !g->cut[e];
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

/*
 * The sort's view of the graph, without an edge stored: a VM's edges out are
 * the VMs that depend on it (a CSR of the depends_on items, few) and the
 * other members of each region it owns (a CSR of region indices, in file
 * order of the regions). At Xen's limit that is 4 bytes per region where
 * stored edges took 16 per owner edge. The edges themselves are made only
 * when the sort finds a cycle, to search it (struct graph).
 */
struct view {
	size_t n;
	uint32_t *dep_first, *dep_to;	/* VM v's dependents: dep_to[dep_first[v] .. dep_first[v+1]) */
	uint32_t *own_first, *own;	/* regions v owns: own[own_first[v] .. own_first[v+1]) */
};

/* both CSRs of the view: a counting pass, then a filling pass, in file order */
static void view_build(const struct topology *t, struct view *w)
{
	size_t i, j, *fill, nd = 0, no = 0;

	w->n = t->nvms;
	w->dep_first = xcalloc(t->nvms + 2, sizeof(*w->dep_first));
	w->own_first = xcalloc(t->nvms + 2, sizeof(*w->own_first));
	for (i = 0; i < t->nvms; i++)
		for (j = 0; j < t->vms[i]->ndepends_on; j++)
			if (t->vms[i]->deps[j]) {
				w->dep_first[t->vms[i]->deps[j]->index + 1]++;
				nd++;
			}
	for (i = 0; i < t->nmapped; i++)
		if (t->mapped[i]->owner) {
			w->own_first[t->mapped[i]->owner->index + 1]++;
			no++;
		}
	for (i = 0; i < t->nvms; i++) {
		w->dep_first[i + 1] += w->dep_first[i];
		w->own_first[i + 1] += w->own_first[i];
	}
	w->dep_to = xmalloc(sizeof(*w->dep_to) * (nd + 1));
	w->own = xmalloc(sizeof(*w->own) * (no + 1));
	fill = xmalloc(sizeof(*fill) * (t->nvms + 1));
	for (i = 0; i < t->nvms; i++)
		fill[i] = w->dep_first[i];
	for (i = 0; i < t->nvms; i++)
		for (j = 0; j < t->vms[i]->ndepends_on; j++)
			if (t->vms[i]->deps[j])
				w->dep_to[fill[t->vms[i]->deps[j]->index]++] = (uint32_t)i;
	for (i = 0; i < t->nvms; i++)
		fill[i] = w->own_first[i];
	for (i = 0; i < t->nmapped; i++)
		if (t->mapped[i]->owner)
			w->own[fill[t->mapped[i]->owner->index]++] = (uint32_t)i;
	free(fill);
}

static void view_release(struct view *w)
{
	free(w->dep_first);
	free(w->dep_to);
	free(w->own_first);
	free(w->own);
}

/* Kahn's sort over the view; returns how many VMs it ordered (< n means a cycle). */
static size_t kahn(const struct topology *t, const struct view *w, struct vm **out)
{
	size_t *indeg = xcalloc(w->n + 1, sizeof(*indeg));
	size_t *heap = xmalloc(sizeof(*heap) * (w->n + 1));
	size_t nheap = 0, nout = 0, i, e, k;

	for (i = 0; i < w->dep_first[w->n]; i++)
		indeg[w->dep_to[i]]++;
	for (i = 0; i < w->own_first[w->n]; i++) {
		const struct region *r = t->mapped[w->own[i]];
		for (k = 0; k < r->nmembers; k++)
			if (r->members[k]->vm != r->owner)
				indeg[r->members[k]->vm->index]++;
	}
	for (i = 0; i < w->n; i++)
		if (!indeg[i])
			heap_push(heap, &nheap, i);
	while (nheap) {
		size_t v = heap_pop(heap, &nheap);
		out[nout++] = t->vms[v];
		for (e = w->dep_first[v]; e < w->dep_first[v + 1]; e++)
			if (!--indeg[w->dep_to[e]])
				heap_push(heap, &nheap, w->dep_to[e]);
		for (e = w->own_first[v]; e < w->own_first[v + 1]; e++) {
			const struct region *r = t->mapped[w->own[e]];
			for (k = 0; k < r->nmembers; k++) {
				size_t x = r->members[k]->vm->index;
				if (x != v && !--indeg[x])
					heap_push(heap, &nheap, x);
			}
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
				uint32_t ed = g->by_from[f->e++];
				size_t w = g->edges[ed].to;
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

/*
 * A shortest cycle through start inside its component, by BFS; *closing
 * receives the index of its edge back to start, UINT32_MAX when none.
 */
static struct order_cycle find_cycle(const struct graph *g, const size_t *comp, size_t start,
				     uint32_t *closing_out)
{
	uint32_t *via = xmalloc(sizeof(*via) * (g->n + 1));	/* edge into each VM reached */
	size_t *queue = xmalloc(sizeof(*queue) * (g->n + 1));
	size_t head = 0, tail = 0, e;
	uint32_t closing = UINT32_MAX;
	struct order_cycle c = { 0 };

	memset(via, 0xff, sizeof(*via) * (g->n + 1));
	queue[tail++] = start;
	while (head < tail && closing == UINT32_MAX) {
		size_t v = queue[head++];
		for (e = g->first[v]; e < g->first[v + 1]; e++) {
			uint32_t ed = g->by_from[e];
			size_t w = g->edges[ed].to;
			if (!live(g, ed) || comp[w] != comp[start])
				continue;
			if (w == start) {
				closing = ed;
				break;
			}
			if (via[w] == UINT32_MAX) {
				via[w] = ed;
				queue[tail++] = w;
			}
		}
	}
	*closing_out = closing;
	if (closing != UINT32_MAX) {
		size_t n = 1, v = g->edges[closing].from, i;
		while (v != start) {
			n++;
			v = g->edges[via[v]].from;
		}
		c.edges = xmalloc(sizeof(*c.edges) * n);
		c.nedges = n;
		c.edges[n - 1] = full_edge(g, &g->edges[closing]);
		for (i = n - 1, v = g->edges[closing].from; v != start; v = g->edges[via[v]].from)
			c.edges[--i] = full_edge(g, &g->edges[via[v]]);
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
			uint32_t closing;
			struct order_cycle c;
			if (done[comp[v]])
				continue;
			done[comp[v]] = true;
			for (e = g->first[v]; e < g->first[v + 1]; e++)
				self |= live(g, g->by_from[e]) && g->edges[g->by_from[e]].to == v;
			if (size[comp[v]] < 2 && !self)
				continue;
			c = find_cycle(g, comp, v, &closing);
			if (!c.nedges)
				continue;
			g->cut[closing] = true;
			ALLOC_GROW(*cycles, *ncycles + 1, alloc);
			(*cycles)[(*ncycles)++] = c;
			found++;
		}
	}
	free(comp);
	free(size);
	free(done);
}

/* Is the region's explicit owner usable: a known VM that maps it? */
static struct vm *explicit_owner(const struct topology *t, const struct region *r)
{
	struct vm *o;
	size_t i;

	if (!r->decl->owner_name.s || !(o = topology_find_vm(t, r->decl->owner_name.s)))
		return NULL;
	for (i = 0; i < r->nmembers; i++)
		if (r->members[i]->vm == o)
			return o;
	return NULL;
}

static void add_owner_edges(struct graph *g, const struct region *r, const struct vm *owner)
{
	size_t i;

	for (i = 0; i < r->nmembers; i++)
		if (r->members[i]->vm != owner)
			add_edge(g, owner, r->members[i]->vm, OWNER_EDGE | r->index);
}

/*
 * Does every edge the file gives (depends_on, explicit owners) point to a
 * later VM? Then file order is the start order: Kahn's sort, taking the
 * earliest ready VM each time, gives the smallest order in the file's
 * terms, and file order itself is one when no edge points back; each
 * default owner is then its region's earliest member, whose edges point
 * forward too. Most topologies are written so, and at 32 752 VMs the two
 * sorts took half of resolve.
 */
static bool file_order_holds(const struct topology *t)
{
	size_t i, j;

	for (i = 0; i < t->nvms; i++)
		for (j = 0; j < t->vms[i]->ndepends_on; j++)
			if (t->vms[i]->deps[j] && t->vms[i]->deps[j]->index >= i)
				return false;
	for (i = 0; i < t->nmapped; i++) {
		const struct region *r = t->mapped[i];
		for (j = 0; r->owner && j < r->nmembers; j++)
			if (r->members[j]->vm->index < r->owner->index)
				return false;
	}
	return true;
}

/* each region without an owner gets its member first in start order (rank[VM index]; NULL: file order) */
static void default_owners(struct topology *t, const size_t *rank)
{
	size_t i, j;

	for (i = 0; i < t->nmapped; i++) {
		struct region *r = t->mapped[i];
		if (r->owner)
			continue;
		r->owner = r->members[0]->vm;
		for (j = 1; j < r->nmembers; j++) {
			size_t a = r->members[j]->vm->index, b = r->owner->index;
			if (rank ? rank[a] < rank[b] : a < b)
				r->owner = r->members[j]->vm;
		}
	}
}

void order_resolve(struct topology *t)
{
	struct view w;
	size_t i, j, *rank;

	free(t->start_order);
	t->start_order = xmalloc(sizeof(*t->start_order) * (t->nvms + 1));
	for (i = 0; i < t->nmapped; i++) {
		struct region *r = t->mapped[i];
		r->owner = explicit_owner(t, r);
		r->owner_explicit = r->owner != NULL;
	}
	if (file_order_holds(t)) {
		for (i = 0; i < t->nvms; i++) {
			t->start_order[i] = t->vms[i];
			t->vms[i]->start_index = i;
		}
		default_owners(t, NULL);
		return;
	}
	view_build(t, &w);

	if (kahn(t, &w, t->start_order) < t->nvms) {
		/* a cycle: its edges, stored this once, to search and report */
		struct graph g = { .t = t, .n = t->nvms };
		for (i = 0; i < t->nvms; i++)
			for (j = 0; j < t->vms[i]->ndepends_on; j++)
				if (t->vms[i]->deps[j])
					add_edge(&g, t->vms[i]->deps[j], t->vms[i], (uint32_t)j);
		for (i = 0; i < t->nmapped; i++)
			if (t->mapped[i]->owner)
				add_owner_edges(&g, t->mapped[i], t->mapped[i]->owner);
		graph_index(&g);
		collect_cycles(&g, &t->cycles, &t->ncycles);
		graph_release(&g);
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
	default_owners(t, rank);
	free(rank);
	view_release(&w);
	view_build(t, &w);
	kahn(t, &w, t->start_order);
done:
	for (i = 0; i < t->nvms; i++)
		t->start_order[i]->start_index = i;
	view_release(&w);
}
