/* Back end: the normalized topology (`config`), as YAML or JSON, and its hash. */
#include "emit.h"
#include "docwriter.h"
#include "text.h"
#include "units.h"

#include <stdlib.h>
#include <string.h>

/* Addresses and sizes: "0x..." strings, exact in 64 bits for every JSON reader. */
static void key_hex(struct dw *w, const char *key, uint64_t v)
{
	dw_key_hex(w, key, v, 1);
}

static void opt_str(struct dw *w, const char *key, const struct str_at *s)
{
	if (s->s)
		dw_key_string(w, key, s->s);
}

static void str_list(struct dw *w, const struct str_at *v, size_t n)
{
	size_t i;

	dw_array(w, false);
	for (i = 0; i < n; i++)
		dw_string(w, v[i].s);
	dw_end_array(w);
}

static void xen_doc(const struct topology *t, struct dw *w)
{
	char version[16];

	dw_object(w);
	dw_key_string(w, "arch", arch_name(t->arch));
	snprintf(version, sizeof(version), "4.%u", t->xen_minor);
	dw_key_string(w, "version", version);
	dw_key_string(w, "backend", backend_name(t->backend));
	if (t->arch == ARCH_ARM64) {
		dw_key(w, "gic");
		dw_int(w, (long long)t->gic.v);
	}
	dw_key(w, "gpaddr_bits");
	dw_int(w, (long long)t->gpaddr_bits.v);
	if (t->has_pool) {
		dw_key(w, "pool");
		dw_object(w);
		key_hex(w, "base", t->pool_base.v);
		key_hex(w, "size", t->pool_size.v);
		dw_end_object(w);
	}
	dw_end_object(w);
}

static void passthrough_doc(const struct vm *vm, struct dw *w)
{
	size_t i;

	dw_object(w);
	dw_key(w, "iomem");
	dw_array(w, false);
	for (i = 0; i < vm_ex(vm)->npt_iomem; i++)
		dw_string(w, vm_ex(vm)->pt_iomem[i].text.s);
	dw_end_array(w);
	dw_key(w, "irqs");
	dw_array(w, false);
	for (i = 0; i < vm_ex(vm)->npt_irqs; i++)
		dw_int(w, (long long)vm_ex(vm)->pt_irqs[i].v);
	dw_end_array(w);
	dw_key(w, "dtdev");
	str_list(w, vm_ex(vm)->pt_dtdev, vm_ex(vm)->npt_dtdev);
	dw_end_object(w);
}

/* the raw xl keys, in file order (the loader keeps the first of two) */
static void xl_doc(const struct vm *vm, struct dw *w)
{
	size_t i;
	uint64_t v;
	const char *why;

	dw_object(w);
	for (i = 0; i < vm_ex(vm)->nxl; i++) {
		const struct xl_extra *e = &vm_ex(vm)->xl[i];
		dw_key(w, e->key.s);
		if (e->kind == XL_LIST)
			str_list(w, e->items, e->nitems);
		else if (e->kind == XL_INT && !parse_number(e->value.s, &v, &why))
			dw_int(w, (long long)v);
		else
			dw_string(w, e->value.s);
	}
	dw_end_object(w);
}

static void vm_doc(const struct topology *t, const struct vm *vm, struct dw *w)
{
	size_t i;

	dw_object(w);
	dw_key_string(w, "name", vm->name.s);
	dw_key_word(w, "type", vm_type_name(vm->type));
	key_hex(w, "memory", vm->k->memory.v);
	dw_key(w, "vcpus");
	dw_int(w, (long long)vm->k->vcpus.v);
	opt_str(w, "kernel", &vm->k->kernel);
	opt_str(w, "ramdisk", &vm->k->ramdisk);
	opt_str(w, "cmdline", &vm->k->cmdline);
	opt_str(w, "device_tree", &vm->k->device_tree);
	opt_str(w, "vuart", &vm->k->vuart);
	if (vm->k->dom0less_node.s)
		opt_str(w, "dom0less_node", &vm->k->dom0less_node);
	else if (t->backend == BACKEND_DOM0LESS)
		dw_key_string(w, "dom0less_node", vm->name.s);
	if (vm_ex(vm)->passthrough_set) {
		dw_key(w, "passthrough");
		passthrough_doc(vm, w);
	}
	if (vm->ndepends_on) {
		dw_key(w, "depends_on");
		str_list(w, vm->depends_on, vm->ndepends_on);
	}
	dw_key(w, "shm");
	dw_array(w, vm->nmaps > 0);
	for (i = 0; i < vm->nmaps; i++) {
		const struct mapping *m = &vm->maps[i];
		dw_object(w);
		dw_key_string(w, "id", mapping_id(m));
		key_hex(w, "at", m->gaddr);
		key_hex(w, "size", m->region->eff_size);
		dw_key_word(w, "x-role", mapping_is_owner(m) ? "owner" : "borrower");
		dw_end_object(w);
	}
	dw_end_array(w);
	if (vm_ex(vm)->nxl) {
		dw_key(w, "xl");
		xl_doc(vm, w);
	}
	dw_end_object(w);
}

static void member_name(struct dw *w, size_t i, const void *r)
{
	dw_string(w, ((const struct region *)r)->members[i]->vm->name.s);
}

static void region_doc(const struct region *r, struct dw *w)
{
	size_t i;

	dw_key(w, r->id);
	dw_object(w);
	if (r->nmembers) {
		key_hex(w, "size", r->eff_size);
		dw_key_string(w, "owner", r->owner->name.s);
	} else if (r->decl->size.pos.set) {
		key_hex(w, "size", r->decl->size.v);
	}
	if (r->host_placed)
		key_hex(w, "host", r->host_base);
	key_hex(w, "align", region_align(r));
	opt_str(w, "description", &r->decl->description);
	dw_key(w, "x-members");
	dw_array(w, false);
	if (w->kind == DW_YAML)	/* a flow sequence: its lines wrap by column */
		for (i = 0; i < r->nmembers; i++)
			dw_string(w, r->members[i]->vm->name.s);
	else
		dw_items(w, r->nmembers, 12, member_name, r);
	dw_end_array(w);
	dw_end_object(w);
}

static void start_name(struct dw *w, size_t i, const void *t)
{
	dw_string(w, ((const struct topology *)t)->start_order[i]->name.s);
}

static void vm_item(struct dw *w, size_t i, const void *t)
{
	vm_doc(t, ((const struct topology *)t)->vms[i], w);
}

static void region_item(struct dw *w, size_t i, const void *t)
{
	region_doc(((const struct topology *)t)->mapped[i], w);
}

/* the normalized topology, written as it is walked */
static void config_doc(const struct topology *t, struct dw *w)
{
	size_t per_vm = 150 + 110 * (t->nvms ? t->nmappings / t->nvms : 0);
	size_t per_region = 100 + 12 * (t->nmapped ? t->nmappings / t->nmapped : 0);
	size_t i;

	dw_object(w);
	dw_key(w, "version");
	dw_int(w, 1);
	dw_key_string(w, "name", t->name.s);
	dw_key(w, "xen");
	xen_doc(t, w);
	dw_key(w, "x-start-order");
	dw_array(w, false);
	if (w->kind == DW_YAML)	/* a flow sequence: its lines wrap by column */
		for (i = 0; i < t->nvms; i++)
			dw_string(w, t->start_order[i]->name.s);
	else
		dw_items(w, t->nvms, 8, start_name, t);
	dw_end_array(w);
	dw_key(w, "vms");
	dw_array(w, t->nvms > 0);
	dw_items(w, t->nvms, per_vm, vm_item, t);
	dw_end_array(w);
	/* mapped regions in file order, then declared ones nobody maps */
	dw_key(w, "regions");
	dw_object(w);
	dw_items(w, t->nmapped, per_region, region_item, t);
	for (i = 0; i < t->nregions; i++)
		if (!t->regions[i]->nmembers)
			region_doc(t->regions[i], w);
	dw_end_object(w);
	dw_end_object(w);
}

int emit_config(const struct topology *t, enum config_format fmt, FILE *f)
{
	struct dw w;

	dw_open(&w, fmt == CONFIG_JSON ? DW_JSON : DW_YAML, f);
	config_doc(t, &w);
	return dw_close(&w, NULL) || fflush(f) ? -1 : 0;
}

/* SHA-256 of the compact JSON of the normalized topology, streamed: no copy of it in memory */
char *topology_hash(const struct topology *t)
{
	char hex[DW_SHA256_HEX];
	struct dw w;

	dw_open(&w, DW_JSON_SHA256, NULL);
	config_doc(t, &w);
	if (dw_close(&w, hex)) {
		fputs("xenshm-compose: cannot hash the topology\n", stderr);
		exit(1);
	}
	return xasprintf("sha256:%s", hex);
}
