/*
 * `import CONFIG...`: the topology of existing xl configs. Each is read by
 * xl's own parser (xlcfg.h); regions are the iomem ranges several configs
 * share and the static_shm entries; what xl cannot hold comes from the
 * import line of configs `build` wrote. The result is checked like any
 * topology. Decisions: docs/import.md.
 */
#include "cli.h"
#include "compile.h"
#include "docwriter.h"
#include "emit.h"
#include "output.h"
#include "text.h"
#include "units.h"
#include "util.h"
#include "xlcfg.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"xenshm-compose import CONFIG... [-o FILE] [--arch arm64|x86_64] [--name PROJECT] "
	"[-W NAME] [-Wno-NAME] [-E NAME] [-Werror]";

#define PAGE 4096ull

/* one shared-memory entry of one VM: an iomem range, a static_shm entry or an import-line item */
struct entry {
	size_t vm;		/* index into vms */
	uint64_t host, at, size;
	bool has_host;
	const char *id;		/* the region's ID once known */
	const char *text;	/* iomem: as written, kept when it is passthrough */
	struct srcpos pos;
	int role;		/* static_shm: 1 owner, 0 borrower */
	bool region;		/* shared memory, not passthrough */
	json_t *meta;		/* the import-line item that names it */
};

struct ivm {
	struct xlcfg x;
	struct diag_set d;
	json_t *meta;		/* the import line, checked; NULL for a hand-written config */
	struct strmap meta_range;	/* "HOST/AT/SIZE" -> its shm item */
	struct strmap meta_id;		/* ID -> its shm item */
	const char *name, *type, *kernel, *ramdisk, *device_tree, *vuart;
	char *cmdline;
	long memory, vcpus;
	const char **irqs, **dtdev;
	size_t nirqs, ndtdev;
	size_t order;		/* the position it is written at */
};

struct iregion {
	const char *id;
	uint64_t size, host;
	bool has_host;
	json_t *meta;		/* the first import-line item naming it */
	const char *owner;	/* static_shm's role=owner */
};

struct import {
	struct ivm *vms;
	size_t nvms;
	struct entry *e;
	size_t ne, ealloc;
	struct iregion *r;
	size_t nr, ralloc;
	const char *arch, *backend, *name, *gic;
	json_t *top;		/* the first import line: project-wide settings */
	struct strmap names;	/* VM name -> index */
	struct strmap region_ids;	/* region ID -> index in r */
	size_t *by_vm;		/* entry indices grouped by VM, in order; VM i's from vm_first[i] */
	size_t *vm_first;	/* nvms + 1 of them */
	char **owned;		/* strings made here, freed at the end */
	size_t nowned, owned_alloc;
};

static const char *own(struct import *im, char *s)
{
	ALLOC_GROW(im->owned, im->nowned + 1, im->owned_alloc);
	return im->owned[im->nowned++] = s;
}

static struct entry *new_entry(struct import *im, size_t vm, struct srcpos pos)
{
	struct entry *e;

	ALLOC_GROW(im->e, im->ne + 1, im->ealloc);
	e = &im->e[im->ne++];
	memset(e, 0, sizeof(*e));
	e->vm = vm;
	e->pos = pos;
	return e;
}

static struct srcpos key_pos(const struct ivm *v, const char *key)
{
	const struct xl_key *k = xlcfg_key(&v->x, key);

	return k ? k->pos : srcpos_at(1, 1, 0);
}

/* where item i of a list key is; the key when the scan saw fewer */
static struct srcpos item_pos(const struct ivm *v, const char *key, size_t i)
{
	const struct xl_key *k = xlcfg_key(&v->x, key);

	if (k && i < k->nitems)
		return k->items[i];
	return key_pos(v, key);
}

/* ---- the import line ---- */

static bool hex_field(json_t *o, const char *key, uint64_t *out)
{
	const char *why;
	json_t *v = json_object_get(o, key);

	return v && json_is_string(v) && !parse_number(json_string_value(v), out, &why);
}

/* the import line as emit_xl writes it, or NULL after saying what is wrong */
static json_t *read_import_line(struct ivm *v)
{
	json_error_t err;
	json_t *o, *shm, *deps, *item;
	uint64_t n;
	size_t i;

	if (!v->x.import_json)
		return NULL;
	o = json_loads(v->x.import_json, JSON_REJECT_DUPLICATES, &err);
	if (!o || json_unpack_ex(o, &err, JSON_VALIDATE_ONLY | JSON_STRICT,
				 "{s:s, s:s, s:s, s:s, s:i, s?{s:s, s:s}, s:i, s?o, s?s, s:o}",
				 "project", "arch", "backend", "version", "gpaddr_bits", "pool", "base",
				 "size", "vm", "depends_on", "dom0less_node", "shm"))
		goto bad;
	shm = json_object_get(o, "shm");
	deps = json_object_get(o, "depends_on");
	if (!json_is_array(shm) || (deps && !json_is_array(deps))) {
		snprintf(err.text, sizeof(err.text), "shm or depends_on is not a list");
		goto bad;
	}
	json_array_foreach(deps, i, item)
		if (!json_is_string(item)) {
			snprintf(err.text, sizeof(err.text), "depends_on item %zu is not a name", i);
			goto bad;
		}
	json_array_foreach(shm, i, item) {
		if (json_unpack_ex(item, &err, JSON_VALIDATE_ONLY | JSON_STRICT,
				   "{s:s, s:s, s:s, s:s, s:s, s?s, s?s}", "id", "at", "size", "owner",
				   "align", "host", "description") ||
		    !hex_field(item, "at", &n) || !hex_field(item, "size", &n) ||
		    !hex_field(item, "align", &n) ||
		    (json_object_get(item, "host") && !hex_field(item, "host", &n))) {
			snprintf(err.text, sizeof(err.text), "shm item %zu is not one", i);
			goto bad;
		}
	}
	return o;
bad:
	report(&v->d, C_TYPE, &v->x.import_pos, "this is not an import line xenshm-compose "
	       "writes (%s); delete it to import the config as a hand-written one", err.text);
	json_decref(o);
	return NULL;
}

static const char *meta_str(json_t *o, const char *key)
{
	json_t *v = o ? json_object_get(o, key) : NULL;

	return v && json_is_string(v) ? json_string_value(v) : NULL;
}

/* ---- one VM's keys ---- */

/* xl's reading of type and builder (xl_parse.c): a prefix of a type's name selects it */
static const char *domain_type(struct import *im, struct ivm *v)
{
	static const char *const types[] = { "hvm", "pv", "pvh" };
	const char *t = xlcfg_string(&v->x, "type"), *b = xlcfg_string(&v->x, "builder");
	const char *bt = NULL;
	size_t i;

	if (t) {
		for (i = 0; i < ARRAY_SIZE(types); i++)
			if (!strncmp(types[i], t, strlen(t)))
				break;
		if (i == ARRAY_SIZE(types)) {
			struct srcpos p = key_pos(v, "type");
			report(&v->d, C_TYPE, &p, "xl reads no domain type from '%s'", q(t));
			return NULL;
		}
		t = types[i];
	}
	if (b) {
		if (!strncmp("hvm", b, strlen(b)))
			bt = "hvm";
		else if (!strncmp("generic", b, strlen(b)))
			bt = "pv";
		if (!bt || (t && strcmp(t, bt))) {
			struct srcpos p = key_pos(v, "builder");
			report(&v->d, C_TYPE, &p, bt ? "'builder' contradicts 'type', as xl says" :
			       "xl reads no domain type from builder '%s'", q(b));
			return NULL;
		}
		t = bt;
	}
	if (!t)	/* xl's default: PV on x86, PVH on Arm */
		t = strcmp(im->arch, "arm64") ? "pv" : "pvh";
	return t;
}

/* xl's cmdline: cmdline, else root= and extra joined (xl_parse.c parse_cmdline) */
static char *command_line(struct ivm *v)
{
	const char *c = xlcfg_string(&v->x, "cmdline");
	const char *root = xlcfg_string(&v->x, "root"), *extra = xlcfg_string(&v->x, "extra");

	if (c)
		return xstrdup(c);
	if (root && extra)
		return xasprintf("root=%s %s", root, extra);
	if (root)
		return xasprintf("root=%s", root);
	return extra ? xstrdup(extra) : NULL;
}

/* maxmem and maxvcpus: only as a topology has them, equal to memory and vcpus */
static void same_as(struct ivm *v, const char *key, const char *as, long value)
{
	long l;
	struct srcpos p;

	if (!xlcfg_key(&v->x, key))
		return;
	p = key_pos(v, key);
	if (!xlcfg_long(&v->x, key, &l))
		report(&v->d, C_TYPE, &p, "'%s' is not a number xl reads", key);
	else if (l != value)
		report(&v->d, C_TYPE, &p, "'%s' (%ld) differs from '%s' (%ld): a topology's VM "
		       "has one; make them equal or remove '%s'", key, l, as, value, key);
}

static void read_iomem(struct import *im, size_t vi)
{
	struct ivm *v = &im->vms[vi];
	const char **items;
	size_t n = xlcfg_list(&v->x, "iomem", &items), i;

	for (i = 0; i < n; i++) {
		uint64_t start, num, gfn;
		int used = 0, got;
		struct srcpos p = item_pos(v, "iomem", i);
		struct entry *e;

		/* exactly xl's reading (xl_parse.c) */
		got = items[i] ? sscanf(items[i], "%" SCNx64 ",%" SCNx64 "%n@%" SCNx64 "%n", &start,
					&num, &used, &gfn, &used) : 0;
		if (got < 2 || items[i][used]) {
			report(&v->d, C_BAD_NUMBER, &p, "xl reads no iomem range from '%s': "
			       "START,NUM[@GFN] in hex pages", items[i] ? q(items[i]) : "a list");
			continue;
		}
		if (got < 3)
			gfn = start;
		if (!num || start > UINT64_MAX / PAGE - num || gfn > UINT64_MAX / PAGE - num) {
			report(&v->d, C_BAD_NUMBER, &p, "iomem '%s' is empty or past 2^64 bytes",
			       q(items[i]));
			continue;
		}
		e = new_entry(im, vi, p);
		e->host = start * PAGE;
		e->size = num * PAGE;
		e->at = gfn * PAGE;
		e->has_host = true;
		/* as a topology writes passthrough: hex pages without 0x, @GFN when given */
		e->text = own(im, got == 3 ? xasprintf("%" PRIx64 ",%" PRIx64 "@%" PRIx64, start, num, gfn)
					   : xasprintf("%" PRIx64 ",%" PRIx64, start, num));
	}
	free(items);
}

/* "id=ID, begin=0x..., size=0x..., role=owner|borrower[, cache_policy=ARM_normal]" */
static void read_static_shm(struct import *im, size_t vi)
{
	struct ivm *v = &im->vms[vi];
	const char **items;
	size_t n = xlcfg_list(&v->x, "static_shm", &items), i;

	for (i = 0; i < n; i++) {
		struct srcpos p = item_pos(v, "static_shm", i);
		char *copy, *field, *save = NULL;
		const char *id = NULL, *why = NULL;
		uint64_t begin = 0, size = 0;
		bool has_begin = false, has_size = false;
		int role = 0;
		struct entry *e;

		if (!items[i]) {
			report(&v->d, C_TYPE, &p, "a static_shm entry is a string, not a list");
			continue;
		}
		copy = xstrdup(items[i]);
		for (field = strtok_r(copy, ",", &save); field && !why;
		     field = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(field, '='), *k = field, *val;

			while (*k == ' ' || *k == '\t')
				k++;
			if (!eq) {
				why = "a field without '='";
				break;
			}
			*eq = 0;
			val = eq + 1;
			k[strcspn(k, " \t")] = 0;
			while (*val == ' ' || *val == '\t')
				val++;
			val[strcspn(val, " \t")] = 0;
			if (!strcmp(k, "id"))
				id = own(im, xstrdup(val));
			else if (!strcmp(k, "begin"))
				has_begin = !parse_number(val, &begin, &why);
			else if (!strcmp(k, "size"))
				has_size = !parse_number(val, &size, &why);
			else if (!strcmp(k, "role") && (!strcmp(val, "owner") || !strcmp(val, "borrower")))
				role = !strcmp(val, "owner");
			else if (strcmp(k, "cache_policy") || strcmp(val, "ARM_normal"))
				why = own(im, xasprintf("'%s=%s' is not one xenshm-compose writes", q(k), q(val)));
		}
		free(copy);
		if (!why && (!id || !has_begin || !has_size))
			why = "id, begin and size are needed";
		if (why) {
			report(&v->d, C_TYPE, &p, "static_shm entry '%s': %s", q(items[i]), why);
			continue;
		}
		e = new_entry(im, vi, p);
		e->id = id;
		e->at = begin;
		e->size = size;
		e->role = role;
		e->region = true;
	}
	free(items);
}

/* keys the topology models, read above; the others are kept under `xl:` */
static const char *const modelled[] = {
	"name", "type", "builder", "memory", "maxmem", "vcpus", "maxvcpus", "kernel", "ramdisk",
	"cmdline", "root", "extra", "device_tree", "vuart", "gic_version", "iomem", "irqs", "dtdev",
	"static_shm",
};

static bool is_modelled(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(modelled); i++)
		if (!strcmp(key, modelled[i]))
			return true;
	return false;
}

static void read_vm(struct import *im, size_t vi)
{
	struct ivm *v = &im->vms[vi];
	const struct xl_key *k;
	size_t i;

	v->name = xlcfg_string(&v->x, "name");
	if (!v->name) {
		struct srcpos p = srcpos_at(1, 1, 0);
		report(&v->d, C_MISSING_KEY, &p, "no 'name': xl needs one, and so does a topology");
	}
	v->type = domain_type(im, v);
	if (!xlcfg_key(&v->x, "memory"))
		v->memory = 32;	/* libxl's default, in MiB */
	else if (!xlcfg_long(&v->x, "memory", &v->memory) || v->memory <= 0) {
		struct srcpos p = key_pos(v, "memory");
		report(&v->d, C_TYPE, &p, "'memory' is not a number of MiB xl reads");
	}
	same_as(v, "maxmem", "memory", v->memory);
	v->vcpus = 1;
	if (xlcfg_key(&v->x, "vcpus") && !xlcfg_long(&v->x, "vcpus", &v->vcpus)) {
		struct srcpos p = key_pos(v, "vcpus");
		report(&v->d, C_TYPE, &p, "'vcpus' is not a number xl reads");
	}
	same_as(v, "maxvcpus", "vcpus", v->vcpus);
	v->kernel = xlcfg_string(&v->x, "kernel");
	v->ramdisk = xlcfg_string(&v->x, "ramdisk");
	v->cmdline = command_line(v);
	v->device_tree = xlcfg_string(&v->x, "device_tree");
	/* the partial device tree build wrote for the regions: build writes it again */
	if (v->device_tree && v->name) {
		char *ours = xasprintf(GUEST_DTB_PATH, v->name);
		if (!strcmp(ours, v->device_tree))
			v->device_tree = NULL;
		free(ours);
	}
	v->vuart = xlcfg_string(&v->x, "vuart");
	v->nirqs = xlcfg_list(&v->x, "irqs", &v->irqs);
	for (i = 0; i < v->nirqs; i++) {
		char *end;
		struct srcpos p = item_pos(v, "irqs", i);
		/* xl: strtoul, base 10, to 32 bits */
		if (!v->irqs[i] || !*v->irqs[i] || strtoul(v->irqs[i], &end, 10) > UINT32_MAX || *end)
			report(&v->d, C_BAD_NUMBER, &p, "xl reads no IRQ from '%s'",
			       v->irqs[i] ? q(v->irqs[i]) : "a list");
	}
	v->ndtdev = xlcfg_list(&v->x, "dtdev", &v->dtdev);
	read_iomem(im, vi);
	read_static_shm(im, vi);
	for (i = 0; i < v->x.nkeys; i++) {
		k = &v->x.keys[i];
		if (is_modelled(k->name))
			continue;
		if (!name_valid(NAME_XL_KEY, k->name))
			report(&v->d, C_TYPE, &k->pos, "'%s' cannot be kept under 'xl': a topology "
			       "takes xl keys of [a-z][a-z0-9_]*", q(k->name));
		else if (k->nested)
			report(&v->d, C_TYPE, &k->pos, "'%s' holds lists in a list, which a "
			       "topology's 'xl' cannot carry", k->name);
	}
}

/* ---- project-wide: arch, backend, gic ---- */

struct evidence {
	const char *arch;
	size_t vm;
	const char *key;
};

static bool arch_evidence(const struct import *im, size_t vi, struct evidence *ev)
{
	static const struct {
		const char *key, *arch;
	} keys[] = {
		{ "gic_version", "arm64" }, { "vuart", "arm64" }, { "device_tree", "arm64" },
		{ "dtdev", "arm64" }, { "static_shm", "arm64" }, { "builder", "x86_64" },
	};
	const struct ivm *v = &im->vms[vi];
	const char *t = xlcfg_string(&v->x, "type");
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (xlcfg_key(&v->x, keys[i].key)) {
			*ev = (struct evidence){ keys[i].arch, vi, keys[i].key };
			return true;
		}
	if (t && *t && (!strncmp("hvm", t, strlen(t)) || !strcmp("pv", t))) {
		*ev = (struct evidence){ "x86_64", vi, "type" };
		return true;
	}
	return false;
}

/* --arch, the import line, then keys only one arch has; -1 when none tells */
static int pick_arch(struct import *im, const char *given)
{
	struct evidence first = { 0 }, ev;
	size_t i;

	if (given) {
		im->arch = given;
		return 0;
	}
	if (meta_str(im->top, "arch")) {
		im->arch = meta_str(im->top, "arch");
		return 0;
	}
	for (i = 0; i < im->nvms; i++) {
		if (!arch_evidence(im, i, &ev))
			continue;
		if (!first.arch) {
			first = ev;
		} else if (strcmp(first.arch, ev.arch)) {
			struct srcpos p = key_pos(&im->vms[i], ev.key);
			report(&im->vms[i].d, C_TYPE, &p, "'%s' is %s's, but '%s' in '%s' is %s's: "
			       "give --arch", ev.key, ev.arch, first.key,
			       q(im->vms[first.vm].x.src.name), first.arch);
			break;	/* reported; the first goes on, so that every problem is */
		}
	}
	im->arch = first.arch;
	return first.arch ? 0 : -1;
}

static void pick_gic(struct import *im)
{
	size_t i, first = 0;

	for (i = 0; i < im->nvms; i++) {
		const char *g = xlcfg_string(&im->vms[i].x, "gic_version");
		struct srcpos p = key_pos(&im->vms[i], "gic_version");

		if (!g || !strcmp(g, "default"))
			continue;
		if (strcmp(g, "v2") && strcmp(g, "v3")) {
			report(&im->vms[i].d, C_TYPE, &p, "gic_version '%s' is not v2 or v3", q(g));
		} else if (!im->gic) {
			im->gic = g;
			first = i;
		} else if (strcmp(im->gic, g)) {
			report(&im->vms[i].d, C_TYPE, &p, "gic_version %s, but %s in '%s': a topology "
			       "has one GIC version for every VM", g, im->gic,
			       q(im->vms[first].x.src.name));
		}
	}
}

/* ---- regions ---- */

static int by_host(const void *a, const void *b)
{
	const struct entry *x = *(struct entry *const *)a, *y = *(struct entry *const *)b;

	if (x->host != y->host)
		return x->host < y->host ? -1 : 1;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	if (x->vm != y->vm)
		return x->vm < y->vm ? -1 : 1;
	return srcpos_cmp(&x->pos, &y->pos);
}

/* the later of two entries in file order (argument order, then line) */
static bool later(const struct entry *a, const struct entry *b)
{
	return a->vm != b->vm ? a->vm > b->vm : srcpos_cmp(&a->pos, &b->pos) > 0;
}

/* "HOST/AT/SIZE": how the import line's items are found by range */
#define RANGE_KEY_MAX 64
static void range_key(char key[RANGE_KEY_MAX], uint64_t host, uint64_t at, uint64_t size)
{
	snprintf(key, RANGE_KEY_MAX, "%" PRIx64 "/%" PRIx64 "/%" PRIx64, host, at, size);
}

/* the import line's items of a VM, by range and by ID, looked up once each */
static void index_meta(struct import *im, struct ivm *v)
{
	json_t *item;
	uint64_t host, at, size;
	char key[RANGE_KEY_MAX];
	size_t i;

	strmap_init(&v->meta_range);
	strmap_init(&v->meta_id);
	if (!v->meta)
		return;
	json_array_foreach(json_object_get(v->meta, "shm"), i, item) {
		if (hex_field(item, "host", &host) && hex_field(item, "at", &at) &&
		    hex_field(item, "size", &size)) {
			range_key(key, host, at, size);
			strmap_add(&v->meta_range, own(im, xstrdup(key)), i);
		}
		strmap_add(&v->meta_id, meta_str(item, "id"), i);
	}
}

/* the import line's item for an iomem entry: same guest and host range */
static json_t *meta_item(struct import *im, const struct ivm *v, const struct entry *e)
{
	char key[RANGE_KEY_MAX];
	size_t i;

	if (!v->meta)
		return NULL;
	range_key(key, e->host, e->at, e->size);
	return strmap_get(&v->meta_range, key, &i) ?
		json_array_get(json_object_get(v->meta, "shm"), i) : NULL;
}

/*
 * Groups the iomem entries by host range: a range several VMs (or an import
 * line) share is a region, one VM's alone is passthrough; ranges that
 * overlap without being the same are an error naming both configs.
 */
static void group_iomem(struct import *im)
{
	struct entry **s = xcalloc(im->ne + 1, sizeof(*s));
	size_t n = 0, i, j;
	const struct entry *reach = NULL;	/* the entry reaching furthest so far */

	for (i = 0; i < im->ne; i++)
		if (im->e[i].text)
			s[n++] = &im->e[i];
	qsort(s, n, sizeof(*s), by_host);
	for (i = 0; i < n; i = j) {
		bool shared = false;
		const char *id = NULL;

		for (j = i; j < n && s[j]->host == s[i]->host && s[j]->size == s[i]->size; j++) {
			s[j]->meta = meta_item(im, &im->vms[s[j]->vm], s[j]);
			shared |= s[j]->vm != s[i]->vm || s[j]->meta;
		}
		/* one VM's own ranges may overlap: xl passes them through as they are */
		if (reach && s[i]->host < reach->host + reach->size && s[i]->vm != reach->vm) {
			const struct entry *a = later(s[i], reach) ? s[i] : reach;
			const struct entry *b = a == s[i] ? reach : s[i];
			report(&im->vms[a->vm].d, C_HOST_OVERLAP, &a->pos, "host range %s-%s "
			       "(iomem '%s') overlaps %s-%s ('%s' line %u, iomem '%s') and is not the "
			       "same range: memory shared by several configs must be the same host "
			       "frames in each", hex(a->host), hex(a->host + a->size - 1), q(a->text),
			       hex(b->host), hex(b->host + b->size - 1), q(im->vms[b->vm].x.src.name),
			       b->pos.line, q(b->text));
		}
		if (!reach || s[i]->host + s[i]->size > reach->host + reach->size)
			reach = s[i];
		if (!shared)
			continue;
		/* named by the first import line that names it, in file order */
		for (size_t k = i; k < j; k++)
			if (s[k]->meta && !id)
				id = meta_str(s[k]->meta, "id");
		if (!id)
			id = own(im, xasprintf("r%" PRIx64, s[i]->host));
		for (size_t k = i; k < j; k++) {
			s[k]->id = id;
			s[k]->region = true;
		}
	}
	free(s);
}

/* dom0less: Xen maps the regions from the device tree, so only import lines have them */
static void dom0less_entries(struct import *im)
{
	json_t *item;
	size_t vi, i;

	for (vi = 0; vi < im->nvms; vi++) {
		struct ivm *v = &im->vms[vi];
		if (!v->meta)
			continue;
		json_array_foreach(json_object_get(v->meta, "shm"), i, item) {
			struct entry *e = new_entry(im, vi, v->x.import_pos);
			e->id = meta_str(item, "id");
			hex_field(item, "at", &e->at);
			hex_field(item, "size", &e->size);
			e->has_host = hex_field(item, "host", &e->host);
			e->meta = item;
			e->region = true;
		}
	}
}

/* static_shm: the import line adds what xl cannot say (alignment, description) */
static void static_shm_meta(struct import *im)
{
	size_t i, k;

	for (i = 0; i < im->ne; i++) {
		struct entry *e = &im->e[i];
		const struct ivm *v = &im->vms[e->vm];
		if (!e->text && v->meta && strmap_get(&v->meta_id, e->id, &k))
			e->meta = json_array_get(json_object_get(v->meta, "shm"), k);
	}
}

static struct iregion *region_of(struct import *im, const char *id)
{
	size_t i;

	if (strmap_get(&im->region_ids, id, &i))
		return &im->r[i];
	strmap_add(&im->region_ids, id, im->nr);
	ALLOC_GROW(im->r, im->nr + 1, im->ralloc);
	memset(&im->r[im->nr], 0, sizeof(im->r[0]));
	im->r[im->nr].id = id;
	return &im->r[im->nr++];
}

static int by_order(const void *a, const void *b)
{
	const struct ivm *x = *(struct ivm *const *)a, *y = *(struct ivm *const *)b;

	return x->order < y->order ? -1 : x->order > y->order;
}

/* the configs' order: the topology's (import lines) when every one has it, else as given */
static struct ivm **vm_order(struct import *im)
{
	struct ivm **o = xcalloc(im->nvms + 1, sizeof(*o));
	bool all = true;
	size_t i, j;

	for (i = 0; i < im->nvms; i++) {
		json_t *n = im->vms[i].meta ? json_object_get(im->vms[i].meta, "vm") : NULL;
		im->vms[i].order = n ? (size_t)json_integer_value(n) : i;
		all &= n != NULL;
		for (j = 0; all && j < i; j++)
			all = im->vms[j].order != im->vms[i].order;
	}
	for (i = 0; i < im->nvms; i++) {
		if (!all)
			im->vms[i].order = i;
		o[i] = &im->vms[i];
	}
	qsort(o, im->nvms, sizeof(*o), by_order);
	return o;
}

/* regions in the order a topology's are: by first mapping, VMs in order */
static void collect_regions(struct import *im, struct ivm **order)
{
	size_t i, k, vi;

	for (i = 0; i < im->nvms; i++)
		for (vi = (size_t)(order[i] - im->vms), k = im->vm_first[vi]; k < im->vm_first[vi + 1]; k++) {
			struct entry *e = &im->e[im->by_vm[k]];
			struct iregion *r;

			if (!e->region)
				continue;
			r = region_of(im, e->id);
			if (!r->size) {
				r->size = e->size;
				r->host = e->host;
				r->has_host = e->has_host;
			}
			if (!r->meta)
				r->meta = e->meta;
			if (e->role == 1 && !r->owner)
				r->owner = im->vms[e->vm].name;
		}
}

/* ---- writing ---- */

/* "64M": a size in the largest unit it is a whole number of */
static const char *size_text(uint64_t v)
{
	static const char units[] = "KMGT";
	static _Thread_local char buf[32];
	int u = -1;

	while (v && u < 3 && !(v & 1023)) {
		v >>= 10;
		u++;
	}
	if (u < 0)
		return hex(v);
	snprintf(buf, sizeof(buf), "%" PRIu64 "%c", v, units[u]);
	return buf;
}

static bool is_vm_name(const struct import *im, const char *name)
{
	size_t i;

	return strmap_get(&im->names, name, &i);
}

static void write_list(struct dw *w, const char *key, const char **items, size_t n)
{
	size_t i;

	dw_key(w, key);
	dw_array(w, false);
	for (i = 0; i < n; i++)
		dw_string(w, items[i] ? items[i] : "");
	dw_end_array(w);
}

static void write_xl_keys(struct dw *w, const struct ivm *v)
{
	bool any = false;
	size_t i;

	for (i = 0; i < v->x.nkeys; i++) {
		const struct xl_key *k = &v->x.keys[i];
		const char *why, **items;
		uint64_t n;
		size_t count;

		if (is_modelled(k->name))
			continue;
		if (!any) {
			dw_key(w, "xl");
			dw_object(w);
			any = true;
		}
		if (k->kind == XLK_LIST) {
			count = xlcfg_list(&v->x, k->name, &items);
			write_list(w, k->name, items, count);
			free(items);
		} else if (k->kind == XLK_NUMBER &&
			   !parse_number(xlcfg_string(&v->x, k->name), &n, &why) && n <= INT64_MAX) {
			dw_key(w, k->name);
			dw_int(w, (long long)n);
		} else {
			dw_key_string(w, k->name, xlcfg_string(&v->x, k->name));
		}
	}
	if (any)
		dw_end_object(w);
}

static void write_vm(struct import *im, struct dw *w, const struct ivm *v)
{
	size_t i, k, npt = 0, vi = (size_t)(v - im->vms);
	json_t *deps = v->meta ? json_object_get(v->meta, "depends_on") : NULL, *d;
	const char **pt = xcalloc(im->vm_first[vi + 1] - im->vm_first[vi] + 1, sizeof(*pt));

	dw_object(w);
	dw_key_string(w, "name", v->name);
	dw_key_word(w, "type", v->type);
	dw_key_word(w, "memory", size_text((uint64_t)v->memory << 20));
	dw_key(w, "vcpus");
	dw_int(w, v->vcpus);
	if (v->kernel)
		dw_key_string(w, "kernel", v->kernel);
	if (v->ramdisk)
		dw_key_string(w, "ramdisk", v->ramdisk);
	if (v->cmdline)
		dw_key_string(w, "cmdline", v->cmdline);
	if (v->device_tree)
		dw_key_string(w, "device_tree", v->device_tree);
	if (v->vuart)
		dw_key_string(w, "vuart", v->vuart);
	if (meta_str(v->meta, "dom0less_node"))
		dw_key_string(w, "dom0less_node", meta_str(v->meta, "dom0less_node"));
	for (k = im->vm_first[vi]; k < im->vm_first[vi + 1]; k++)
		if (im->e[im->by_vm[k]].text && !im->e[im->by_vm[k]].region)
			pt[npt++] = im->e[im->by_vm[k]].text;
	if (npt || v->nirqs || v->ndtdev) {
		dw_key(w, "passthrough");
		dw_object(w);
		if (npt)
			write_list(w, "iomem", pt, npt);
		if (v->nirqs) {
			dw_key(w, "irqs");
			dw_array(w, false);
			for (i = 0; i < v->nirqs; i++)
				dw_int(w, (long long)strtoul(v->irqs[i], NULL, 10));
			dw_end_array(w);
		}
		if (v->ndtdev)
			write_list(w, "dtdev", v->dtdev, v->ndtdev);
		dw_end_object(w);
	}
	free(pt);
	if (json_array_size(deps)) {
		dw_key(w, "depends_on");
		dw_array(w, false);
		json_array_foreach(deps, i, d)
			if (json_is_string(d) && is_vm_name(im, json_string_value(d)))
				dw_string(w, json_string_value(d));
		dw_end_array(w);
	}
	dw_key(w, "shm");
	dw_array(w, true);
	for (k = im->vm_first[vi]; k < im->vm_first[vi + 1]; k++) {
		const struct entry *e = &im->e[im->by_vm[k]];
		if (!e->region)
			continue;
		dw_object(w);
		dw_key_string(w, "id", e->id);
		dw_key_word(w, "at", haddr(e->at));
		dw_key_word(w, "size", size_text(e->size));
		dw_end_object(w);
	}
	dw_end_array(w);
	write_xl_keys(w, v);
	dw_end_object(w);
}

static void write_region(struct import *im, struct dw *w, const struct iregion *r)
{
	const char *owner = r->owner ? r->owner : meta_str(r->meta, "owner");
	const char *desc = meta_str(r->meta, "description");
	uint64_t align;

	dw_key(w, r->id);
	dw_object(w);
	dw_key_word(w, "size", size_text(r->size));
	if (owner && is_vm_name(im, owner))
		dw_key_string(w, "owner", owner);
	if (r->has_host)
		dw_key_word(w, "host", haddr(r->host));
	if (hex_field(r->meta, "align", &align) && align > PAGE)
		dw_key_word(w, "align", size_text(align));
	if (desc)
		dw_key_string(w, "description", desc);
	dw_end_object(w);
}

/* iomem without an import line's pool: the smallest range holding every region */
static bool pool_span(const struct import *im, uint64_t *base, uint64_t *size)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	size_t i;

	for (i = 0; i < im->nr; i++) {
		if (!im->r[i].has_host)
			continue;
		lo = im->r[i].host < lo ? im->r[i].host : lo;
		hi = im->r[i].host + im->r[i].size > hi ? im->r[i].host + im->r[i].size : hi;
	}
	*base = lo;
	*size = hi - lo;
	return hi > 0;
}

static void write_topology(struct import *im, struct ivm **order, FILE *f, char **paths, int n)
{
	json_t *pool = im->top ? json_object_get(im->top, "pool") : NULL;
	uint64_t base, size;
	struct dw w;
	size_t i;

	fputs("# Imported by xenshm-compose from the xl configs", f);
	for (i = 0; i < (size_t)n; i++) {
		char *path = comment_text(paths[i]);	/* a newline in a name ends no comment */
		fprintf(f, "%s %s", i ? "," : "", path);
		free(path);
	}
	fputs(".\n", f);
	dw_open(&w, DW_YAML, f);
	dw_object(&w);
	dw_key(&w, "version");
	dw_int(&w, 1);
	dw_key_string(&w, "name", im->name);
	dw_key(&w, "xen");
	dw_object(&w);
	dw_key_string(&w, "arch", im->arch);
	if (meta_str(im->top, "version"))
		dw_key_string(&w, "version", meta_str(im->top, "version"));
	dw_key_string(&w, "backend", im->backend);
	if (im->gic) {
		dw_key(&w, "gic");
		dw_int(&w, im->gic[1] - '0');
	}
	if (im->top && json_object_get(im->top, "gpaddr_bits")) {
		dw_key(&w, "gpaddr_bits");
		dw_int(&w, json_integer_value(json_object_get(im->top, "gpaddr_bits")));
	}
	if (pool && hex_field(pool, "base", &base) && hex_field(pool, "size", &size)) {
		/* as the topology had it */
	} else if (!(strcmp(im->backend, "iomem") == 0 && pool_span(im, &base, &size))) {
		size = 0;
	}
	if (size) {
		dw_key(&w, "pool");
		dw_object(&w);
		dw_key_word(&w, "base", haddr(base));
		dw_key_word(&w, "size", size_text(size));
		dw_end_object(&w);
	}
	dw_end_object(&w);
	dw_key(&w, "vms");
	dw_array(&w, true);
	for (i = 0; i < im->nvms; i++)
		write_vm(im, &w, order[i]);
	dw_end_array(&w);
	if (im->nr) {
		dw_key(&w, "regions");
		dw_object(&w);
		for (i = 0; i < im->nr; i++)
			write_region(im, &w, &im->r[i]);
		dw_end_object(&w);
	}
	dw_end_object(&w);
	if (dw_close(&w, NULL))
		die_oom();
}

static void import_release(struct import *im)
{
	size_t i;

	for (i = 0; i < im->nvms; i++) {
		struct ivm *v = &im->vms[i];
		free(v->cmdline);
		free(v->irqs);
		free(v->dtdev);
		json_decref(v->meta);
		strmap_release(&v->meta_range);
		strmap_release(&v->meta_id);
		diag_release(&v->d);
		xlcfg_release(&v->x);
	}
	for (i = 0; i < im->nowned; i++)
		free(im->owned[i]);
	free(im->owned);
	strmap_release(&im->names);
	strmap_release(&im->region_ids);
	free(im->by_vm);
	free(im->vm_first);
	free(im->vms);
	free(im->e);
	free(im->r);
}

/* the entries of each VM, in the order they were made: a counting sort */
static void entries_by_vm(struct import *im)
{
	size_t i, *next = xcalloc(im->nvms + 1, sizeof(*next));

	im->vm_first = xcalloc(im->nvms + 1, sizeof(*im->vm_first));
	im->by_vm = xcalloc(im->ne + 1, sizeof(*im->by_vm));
	for (i = 0; i < im->ne; i++)
		im->vm_first[im->e[i].vm + 1]++;
	for (i = 0; i < im->nvms; i++)
		im->vm_first[i + 1] += im->vm_first[i];
	memcpy(next, im->vm_first, im->nvms * sizeof(*next));
	for (i = 0; i < im->ne; i++)
		im->by_vm[next[im->e[i].vm]++] = i;
	free(next);
}

/*
 * Problems of the configs themselves stop the import whatever -W and -Wno-
 * made of them: what they hold cannot be written as a topology.
 */
static bool configs_fired(const struct import *im)
{
	size_t i, c;

	for (i = 0; i < im->nvms; i++)
		for (c = 0; c < C__COUNT; c++)
			if (im->vms[i].d.fired[c])
				return true;
	return false;
}

/* reads and groups the configs; EXIT_OK, or the exit code after the diagnostics */
static int import_configs(struct import *im, const struct options *o)
{
	size_t i;
	int ret = EXIT_OK;

	for (i = 0; i < im->nvms; i++) {
		struct ivm *v = &im->vms[i];
		char *err;

		if (xlcfg_read(&v->x, o->files[i], &err)) {
			fprintf(stderr, "xenshm-compose: %s\n", err);
			free(err);
			return EXIT_USAGE;
		}
		diag_init(&v->d, &v->x.src, &o->diag);
		v->meta = read_import_line(v);
		index_meta(im, v);
		if (v->meta && !im->top)
			im->top = v->meta;
	}
	if (pick_arch(im, o->arch)) {
		fprintf(stderr, "xenshm-compose: no key of these configs tells arm64 from x86_64: "
			"give --arch arm64 or --arch x86_64\n");
		return EXIT_USAGE;
	}
	for (i = 0; i < im->nvms; i++) {
		read_vm(im, i);
		if (im->vms[i].name)
			strmap_add(&im->names, im->vms[i].name, i);
	}
	pick_gic(im);
	im->backend = meta_str(im->top, "backend");
	if (!im->backend) {
		im->backend = "iomem";
		for (i = 0; i < im->ne; i++)
			if (!im->e[i].text)
				im->backend = "static-shm";
	}
	if (!strcmp(im->backend, "iomem"))
		group_iomem(im);
	else if (!strcmp(im->backend, "dom0less"))
		dom0less_entries(im);
	else
		static_shm_meta(im);
	im->name = o->name ? o->name : meta_str(im->top, "project") ? meta_str(im->top, "project")
								   : "imported";
	for (i = 0; i < im->nvms; i++) {
		diag_print(&im->vms[i].d, FORMAT_TEXT, stdout, stderr);
		if (diag_exit_code(&im->vms[i].d) > ret)
			ret = diag_exit_code(&im->vms[i].d);
	}
	if (ret == EXIT_OK && configs_fired(im)) {
		fprintf(stderr, "xenshm-compose: import stopped: the configs hold what a topology "
			"cannot, as the checks silenced or demoted by -W/-Wno- found\n");
		ret = EXIT_CHECKS;
	}
	if (ret == EXIT_OK)
		entries_by_vm(im);
	return ret;
}

int import_main(int argc, char **argv)
{
	struct options o;
	struct import im = { 0 };
	struct ivm **order = NULL;
	struct compile c = { 0 };
	char *text = NULL, *tmp = NULL;
	size_t len = 0;
	FILE *mem, *out;
	int ret;

	ret = parse_options(argc, argv, OPT_FILES | OPT_OUTPUT | OPT_ARCH | OPT_NAME, usage, &o);
	if (ret || o.help)
		return ret;
	if (o.saw_stdin) {
		fprintf(stderr, "xenshm-compose: import reads xl configs from files, not - \n"
			"usage: %s\n", usage);
		return EXIT_USAGE;
	}
	im.nvms = (size_t)o.nfiles;
	im.vms = xcalloc(im.nvms, sizeof(*im.vms));
	strmap_init(&im.names);
	strmap_init(&im.region_ids);
	ret = import_configs(&im, &o);
	if (ret)
		goto done;
	order = vm_order(&im);
	collect_regions(&im, order);
	mem = open_memstream(&text, &len);
	if (!mem)
		die_oom();
	write_topology(&im, order, mem, o.files, o.nfiles);
	if (fclose(mem))
		die_oom();
	/* what was written is a topology like any other: checked the same way */
	compile_buffer(&c, o.output ? o.output : "<import>", text, len, &o.diag, false);
	if (diag_exit_code(&c.d) == EXIT_USAGE) {	/* not even YAML: a defect of ours, kept out of files */
		diag_print(&c.d, FORMAT_TEXT, stdout, stderr);
		ret = EXIT_USAGE;
		goto done;
	}
	out = o.output ? output_open(o.output, &tmp) : stdout;
	if (!out) {
		ret = EXIT_USAGE;
		goto done;
	}
	if (fwrite(text, 1, len, out) != len || (o.output ? output_commit(out, tmp, o.output)
							   : fflush(out))) {
		fprintf(stderr, "xenshm-compose: cannot write the topology\n");
		ret = EXIT_USAGE;
		goto done;
	}
	diag_print(&c.d, FORMAT_TEXT, stdout, stderr);
	diag_print_summary(&c.d, stderr);
	ret = diag_exit_code(&c.d);
done:
	compile_release(&c);
	free(text);
	free(order);
	import_release(&im);
	return ret;
}
