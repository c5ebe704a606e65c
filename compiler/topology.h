/* The model: a topology of VMs and shared regions, every field with its srcpos. */
#ifndef XENSHM_TOPOLOGY_H
#define XENSHM_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srcpos.h"
#include "util.h"

#define PAGE_SIZE 4096ull
#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* Xen's DOMID_FIRST_RESERVED: no host runs more domains than this */
#define MAX_VMS 32752

enum arch { ARCH_ARM64, ARCH_X86_64 };
enum backend { BACKEND_IOMEM, BACKEND_STATIC_SHM, BACKEND_DOM0LESS };
enum vm_type { VM_PVH, VM_HVM, VM_PV };

/* A string value and where it was written. */
struct str_at {
	char *s;		/* NULL when absent; in the topology's arena */
	struct srcpos pos;
};

/* A number value; pos.set only when it was given and parsed. */
struct num_at {
	uint64_t v;
	struct srcpos pos;
};

struct range {
	uint64_t base, size;	/* [base, base + size) */
};

/* [a, a+as) and [b, b+bs) share a byte; safe when a range ends at 2^64 */
static inline bool ranges_overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return as && bs && (a >= b ? a - b < bs : b - a < as);
}

/*
 * The names the format allows (spec 2), each a character-class rule: the
 * characters allowed first and after, and the length.
 */
enum name_kind {
	NAME_PROJECT,		/* [a-z0-9][a-z0-9_-]{0,31}: names files and xenstore nodes */
	NAME_VM,		/* [A-Za-z0-9][A-Za-z0-9_.-]{0,63}, not all digits: xl domain names */
	NAME_REGION_ID,		/* [A-Za-z0-9_-]{1,15}: Xen's limit for a shm ID */
	NAME_DT_NODE,		/* [A-Za-z0-9,._+-]{1,31}: a device-tree node name */
	NAME_XL_KEY,		/* [a-z][a-z0-9_]*: an identifier for xl's lexer */
};
/* the characters are allowed (length aside) */
bool name_chars_valid(enum name_kind k, const char *s);
/* the characters and the length are allowed */
bool name_valid(enum name_kind k, const char *s);
/* the longest name of that kind */
size_t name_max(enum name_kind k);

/* One "START,NUM[@GFN]" entry of passthrough.iomem, parsed. */
struct pt_iomem {
	struct str_at text;
	uint64_t start, num, gfn;	/* page numbers */
	bool ok;
};

/* A key of a VM's raw `xl` mapping */
struct xl_extra {
	struct str_at key;
	enum { XL_STRING, XL_INT, XL_LIST } kind;
	struct str_at value;		/* XL_STRING, XL_INT */
	struct str_at *items;		/* XL_LIST */
	size_t nitems, alloc;
};

struct vm;
struct region;

/*
 * The keys a VM may take from `defaults`. A VM that gives none of them shares
 * the defaults' (or vm_no_keys), so a large topology of VMs that differ only
 * in name and mappings keeps one copy: 144 bytes fewer per VM.
 */
struct vm_keys {
	struct str_at type_text;
	struct num_at memory;
	struct num_at vcpus;
	struct str_at kernel, ramdisk, cmdline, device_tree, vuart, dom0less_node;
};
/* the keys of a VM that gives none and has no defaults: one vCPU */
extern const struct vm_keys vm_no_keys;

/* What few VMs give: passthrough and raw xl keys, kept apart from struct vm. */
struct vm_extra {
	struct pt_iomem *pt_iomem;
	size_t npt_iomem, pt_iomem_alloc;
	struct num_at *pt_irqs;
	size_t npt_irqs, pt_irqs_alloc;
	struct str_at *pt_dtdev;
	size_t npt_dtdev, pt_dtdev_alloc;
	bool passthrough_set;
	struct xl_extra *xl;
	size_t nxl, xl_alloc;
	bool xl_set;
	struct srcpos xl_pos;	/* the `xl` key */
};
/* the extra of a VM that gives none: nothing */
extern const struct vm_extra vm_no_extra;

/*
 * One `shm` entry: a VM maps a region at a guest address. A topology holds
 * up to a few hundred thousand: 40 bytes each. What an entry writes itself
 * beyond its ID, `at` and `size`, is in a mapping_given that only entries
 * giving one of them have: mapping_given().
 */
struct mapping {
	struct vm *vm;
	struct region *region;
	uint64_t gaddr;		/* `at` as written, then the one placement chose */
	struct srcpos id_pos;	/* the ID: mapping_id() */
	uint32_t given;		/* 1 + its mapping_given in its VM's block; 0: none */
	bool dup;		/* the same VM mapped this ID earlier: mapping_first() */
	bool placed;		/* gaddr is known (explicit, or placed) */
	bool no_room;		/* guest placement was tried and found no room */
};

/*
 * A mapping's `at` and `size`: at_pos.set when `at` was given and parsed
 * (its value is the mapping's gaddr), size.pos.set likewise. A VM's are in
 * one block right after its mappings (vm->maps + vm->nmaps).
 */
struct mapping_given {
	struct srcpos at_pos;
	struct num_at size;
};
/* the given of a mapping that gives neither: nothing */
extern const struct mapping_given mapping_none_given;

struct vm {
	struct srcpos pos;	/* the sequence item */
	struct str_at name;
	struct vm *dup_of;	/* an earlier VM has the same name */

	/* keys that `defaults` may give: the VM's own once it gives one, else shared */
	union {
		const struct vm_keys *k;
		struct vm_keys *own_k;	/* the same, when keys_own */
	};
	struct vm_extra *extra;	/* passthrough and raw xl keys: read vm_ex(); NULL when none */

	struct str_at *depends_on;	/* in the arena */
	struct vm **deps;	/* resolved depends_on, NULL where unknown */
	uint32_t ndepends_on;

	uint32_t nmaps;
	struct mapping *maps;	/* at their final size (the loader grows its own array) */

	uint32_t index;		/* file order */
	enum vm_type type;
	bool name_ok;		/* valid syntax */
	bool keys_own;		/* k is the VM's own: vm_keys_own() */

	/* resolved */
	uint32_t start_index;
};

/* What a `regions` entry gives; most regions of a large topology have none. */
struct region_decl {
	struct num_at size, host, align;
	struct str_at owner_name, description;
	struct srcpos key_pos;	/* the `regions` key */
};
/* the entry of a region not in `regions`: nothing given */
extern const struct region_decl region_no_decl;

#define REGION_ID_MAX 15	/* Xen's limit for a shm ID (NAME_REGION_ID) */

static inline const struct vm_extra *vm_ex(const struct vm *vm)
{
	return vm->extra ? vm->extra : &vm_no_extra;
}

/* placement in the pool was tried and found no room: what the pool had left */
struct pool_miss {
	uint64_t free_total, largest_free;
};

struct region {
	char id[REGION_ID_MAX + 1];	/* inline: a lookup's compare reads the line it then uses */
	const struct region_decl *decl;	/* its `regions` entry; &region_no_decl when none */
	struct mapping **members;	/* in file order of the mappings: a slice of one block */

	/* resolved */
	uint64_t eff_size;	/* the size in force; 0 while unknown */
	const struct num_at *size_from;	/* where eff_size is given; NULL when nowhere */
	struct vm *owner;	/* explicit if valid, else the default owner */
	uint64_t host_base;
	const struct pool_miss *pool_miss;	/* NULL unless host placement found no room */

	uint32_t nmembers;
	uint32_t index;		/* order of first sighting, see topology.regions */
	uint32_t owner_index;	/* the owner's in members */
	uint32_t file_order;	/* by first mapping; UINT32_MAX when unmapped */
	uint32_t last_vm;	/* linking scratch: 1 + index of the latest VM mapping it */
	uint8_t align_shift;	/* the alignment in force, 2^align_shift; 0 while unknown: region_align() */
	bool declared;		/* has a `regions` entry */
	bool owner_explicit;	/* owner is a valid explicit owner */
	bool host_placed;	/* host_base is known (fixed, or placed in the pool) */
};

/* An edge of the start-order graph: 'from' must be created before 'to'. */
struct order_edge {
	struct vm *from, *to;
	const struct srcpos *pos;	/* the depends_on item or owner value */
	const struct region *region;	/* owner edges; NULL for depends_on */
};

/* A start-order cycle, starting at its earliest VM in the file. */
struct order_cycle {
	struct order_edge *edges;	/* in cycle order */
	size_t nedges;
};

struct topology {
	struct arena arena;	/* the VMs, regions, mappings and strings */
	bool for_up;		/* checking for `up`: raw xl keys are refused */
	struct source *src;

	struct num_at version;
	struct str_at name;
	struct srcpos xen_pos;	/* the `xen` key */
	bool has_xen;
	enum arch arch;
	struct str_at arch_text;
	unsigned xen_minor;	/* 17 for "4.17" */
	struct str_at xen_version;
	enum backend backend;
	struct str_at backend_text;
	struct num_at gic;
	struct num_at gpaddr_bits;
	bool has_pool;
	struct srcpos pool_pos;
	struct num_at pool_base, pool_size;

	struct vm defaults;
	bool has_defaults;

	struct vm **vms;
	size_t nvms, vms_alloc;
	size_t vms_dropped;	/* beyond MAX_VMS, not kept */

	/* every region, mapped or declared, in order of first mention in the file */
	struct region **regions;
	size_t nregions, regions_alloc;
	struct keyindex region_index;	/* the loader's: released once it is done */
	struct keyindex vm_index;	/* name -> first VM with it */

	/* resolved */
	struct region **mapped;		/* regions somebody maps, in file order */
	size_t nmapped, mapped_alloc;
	struct vm **start_order;	/* all VMs; file order when there is a cycle */
	bool order_has_cycle;
	struct order_cycle *cycles;	/* one per cycle found, for start-order-cycle */
	size_t ncycles;
	size_t nmappings;
};

void topology_init(struct topology *t, struct source *src);
void topology_release(struct topology *t);

struct vm *topology_add_vm(struct topology *t);
/* The VM's own extra, made in the arena on first need. */
struct vm_extra *vm_extra_own(struct topology *t, struct vm *vm);
/* the VM's own keys, made from those it shares on first need (the loader's) */
struct vm_keys *vm_keys_own(struct topology *t, struct vm *vm);
/* The region with that ID, created (undeclared, unmapped) when new; the loader's only. */
struct region *topology_region(struct topology *t, const char *id);
struct vm *topology_find_vm(const struct topology *t, const char *name);
/*
 * Once the loader has read a VM whole (its mappings no longer move): its
 * name in the index, each mapping with a region (the loader's, found or made
 * at the ID) numbered and counted a member, a repeat of an ID to the VM's
 * first, and the mapped regions in file order.
 */
void topology_link_vm(struct topology *t, struct vm *vm);
/*
 * Once every VM is linked: each region's members, counted while linking,
 * as slices of one block in the arena (one allocation instead of a growing
 * array per region). The ID index goes: topology_region is the loader's.
 */
void topology_gather_members(struct topology *t);

/* Fills VM fields not given from `defaults`, keeping the defaults' positions. */
void topology_apply_defaults(struct topology *t);

/* Does the backend put regions in the pool (spec 3)? */
bool topology_uses_pool(const struct topology *t);

/* 2^gpaddr_bits, or UINT64_MAX + 1 saturated: the first guest address out of range */
uint64_t topology_guest_limit(const struct topology *t);

static inline bool mapping_is_owner(const struct mapping *m)
{
	return m->region && m->region->owner == m->vm;
}
/* the region's alignment in force; a page while unknown */
static inline uint64_t region_align(const struct region *r)
{
	return r->align_shift ? (uint64_t)1 << r->align_shift : PAGE_SIZE;
}
/* the index of m's VM in its region's members (m linked, not a dup) */
size_t mapping_member_index(const struct mapping *m);
/* the region ID the mapping gives: "" where it is missing or invalid (reported) */
static inline const char *mapping_id(const struct mapping *m)
{
	return m->region ? m->region->id : "";
}
/* the VM's first mapping of m's region: m itself unless m->dup */
const struct mapping *mapping_first(const struct mapping *m);
/* the mapping's `at` and `size` as written; mapping_none_given when neither */
static inline const struct mapping_given *mapping_given(const struct mapping *m)
{
	if (!m->given)
		return &mapping_none_given;
	return (const struct mapping_given *)(m->vm->maps + m->vm->nmaps) + (m->given - 1);
}
/* the mapping's size: its own when given, else its region's size in force; 0 while unknown */
static inline uint64_t mapping_size(const struct mapping *m)
{
	const struct mapping_given *g = mapping_given(m);

	return g->size.pos.set ? g->size.v : m->region ? m->region->eff_size : 0;
}
/* where to point for address problems: `at` when explicit, else the ID */
const struct srcpos *mapping_addr_pos(const struct mapping *m);
/* the region's anchor: its first mapping's ID, else its `regions` key */
const struct srcpos *region_pos(const struct region *r);

const char *arch_name(enum arch a);
const char *backend_name(enum backend b);
const char *vm_type_name(enum vm_type t);

#endif
