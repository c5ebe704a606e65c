/* Back end: xl/VM.cfg, a complete xl config per VM, with its shared-memory lines. */
#include "emit.h"
#include "docwriter.h"
#include "xenfacts.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

static void put_str(struct textout *o, const char *key, const char *value)
{
	if (!value)
		return;
	to_str(o, key);
	to_lit(o, " = ");
	to_quoted(o, value, false);
	to_ch(o, '\n');
}

/* lists of quoted strings, one item a line, as xl users write them long lists */
static void list_open(struct textout *o, const char *key)
{
	to_str(o, key);
	to_lit(o, " = [");
}

static void list_item(struct textout *o, size_t i)
{
	if (i)
		to_ch(o, ',');
	to_lit(o, "\n    ");
}

static void list_close(struct textout *o)
{
	to_lit(o, ",\n]\n");
}

static void put_list(struct textout *o, const char *key, const struct str_at *items, size_t n)
{
	size_t i;

	if (!n)
		return;
	list_open(o, key);
	for (i = 0; i < n; i++) {
		list_item(o, i);
		to_quoted(o, items[i].s, false);
	}
	list_close(o);
}

/* a few names per region at most: every VM's config of a region shared by thousands stays small */
#define MEMBERS_SHOWN 8

static void members_text(const struct region *r, struct textout *o)
{
	size_t i;

	for (i = 0; i < r->nmembers && i < MEMBERS_SHOWN; i++) {
		if (i)
			to_lit(o, ", ");
		to_str(o, r->members[i]->vm->name.s);
	}
	if (r->nmembers > MEMBERS_SHOWN) {
		to_lit(o, " and ");
		to_dec(o, r->nmembers - MEMBERS_SHOWN);
		to_lit(o, " more (plan.json lists them all)");
	}
}

/* one comment line per region: what the next list entry is for */
static void region_comment(const struct mapping *m, struct textout *o)
{
	const struct region *r = m->region;

	to_lit(o, "# region '");
	to_str(o, r->id);
	to_str(o, mapping_is_owner(m) ? "': owner, " : "': borrower, ");
	to_str(o, hsize(r->eff_size));
	to_lit(o, " at guest 0x");
	to_hex(o, m->gaddr, 8);
	if (r->host_placed) {
		to_lit(o, ", host 0x");
		to_hex(o, r->host_base, 8);
	}
	to_lit(o, "; members: ");
	members_text(r, o);
	to_ch(o, '\n');
}

/* iomem entries: regions first (in shm order), then passthrough ranges */
static void put_iomem(const struct topology *t, const struct vm *vm, struct textout *o)
{
	size_t n = 0, i;

	if (t->backend == BACKEND_IOMEM)
		for (i = 0; i < vm->nmaps; i++) {
			const struct mapping *m = &vm->maps[i];

			if (!n)
				list_open(o, "iomem");
			list_item(o, n++);
			to_ch(o, '"');
			to_hex(o, m->region->host_base / PAGE_SIZE, 1);
			to_ch(o, ',');
			to_hex(o, m->region->eff_size / PAGE_SIZE, 1);
			to_ch(o, '@');
			to_hex(o, m->gaddr / PAGE_SIZE, 1);
			to_ch(o, '"');
		}
	for (i = 0; i < vm_ex(vm)->npt_iomem; i++) {
		if (!n)
			list_open(o, "iomem");
		list_item(o, n++);
		to_quoted(o, vm_ex(vm)->pt_iomem[i].text.s, false);
	}
	if (n)
		list_close(o);
}

static void put_static_shm(const struct vm *vm, struct textout *o)
{
	size_t i;

	if (!vm->nmaps)
		return;
	list_open(o, "static_shm");
	for (i = 0; i < vm->nmaps; i++) {
		const struct mapping *m = &vm->maps[i];
		bool owner = mapping_is_owner(m);
		char *entry = xasprintf("id=%s, begin=0x%llx, size=0x%llx, role=%s%s", mapping_id(m),
					(unsigned long long)m->gaddr,
					(unsigned long long)m->region->eff_size,
					owner ? "owner" : "borrower",
					owner ? ", cache_policy=ARM_normal" : "");

		list_item(o, i);
		to_quoted(o, entry, false);
		free(entry);
	}
	list_close(o);
}

static void put_extra(struct textout *o, const struct xl_extra *x)
{
	switch (x->kind) {
	case XL_INT:
		to_str(o, x->key.s);
		to_lit(o, " = ");
		to_str(o, x->value.s);
		to_ch(o, '\n');
		break;
	case XL_STRING:
		put_str(o, x->key.s, x->value.s);
		break;
	case XL_LIST:
		if (!x->nitems) {
			to_str(o, x->key.s);
			to_lit(o, " = []\n");
			break;
		}
		put_list(o, x->key.s, x->items, x->nitems);
		break;
	}
}

/*
 * The import line: what the topology says and an xl config cannot hold
 * (project, Xen settings, file order, depends_on, each region's name, owner,
 * alignment and description), as one JSON object in a comment that xl skips,
 * so that `import` gives back the topology (docs/import.md). The xl keys stay
 * the truth for what they hold.
 */
static void import_line(const struct topology *t, const struct vm *vm, struct textout *o)
{
	char version[16];
	struct dw w;
	size_t i;

	to_lit(o, "# what 'xenshm-compose import' needs besides the xl keys:\n"
		  "# " XL_IMPORT_TAG " ");
	textout_flush(o);	/* the writer writes to o's file itself */
	dw_open(&w, DW_JSON_COMPACT, o->f);
	dw_object(&w);
	dw_key_string(&w, "project", t->name.s);
	dw_key_word(&w, "arch", arch_name(t->arch));
	dw_key_word(&w, "backend", backend_name(t->backend));
	snprintf(version, sizeof(version), "4.%u", t->xen_minor);
	dw_key_word(&w, "version", version);
	dw_key(&w, "gpaddr_bits");
	dw_int(&w, (long long)t->gpaddr_bits.v);
	if (t->has_pool) {
		dw_key(&w, "pool");
		dw_object(&w);
		dw_key_word(&w, "base", hex(t->pool_base.v));
		dw_key_word(&w, "size", hex(t->pool_size.v));
		dw_end_object(&w);
	}
	dw_key(&w, "vm");
	dw_int(&w, (long long)vm->index);
	if (vm->ndepends_on) {
		dw_key(&w, "depends_on");
		dw_array(&w, false);
		for (i = 0; i < vm->ndepends_on; i++)
			dw_string(&w, vm->depends_on[i].s);
		dw_end_array(&w);
	}
	if (vm->k->dom0less_node.s)
		dw_key_string(&w, "dom0less_node", vm->k->dom0less_node.s);
	dw_key(&w, "shm");
	dw_array(&w, false);
	for (i = 0; i < vm->nmaps; i++) {
		const struct mapping *m = &vm->maps[i];
		const struct region *r = m->region;

		dw_object(&w);
		dw_key_string(&w, "id", mapping_id(m));
		dw_key_word(&w, "at", hex(m->gaddr));
		dw_key_word(&w, "size", hex(r->eff_size));
		dw_key_string(&w, "owner", r->owner->name.s);
		dw_key_word(&w, "align", hex(region_align(r)));
		if (r->host_placed)
			dw_key_word(&w, "host", hex(r->host_base));
		if (r->decl->description.s)
			dw_key_string(&w, "description", r->decl->description.s);
		dw_end_object(&w);
	}
	dw_end_array(&w);
	dw_end_object(&w);
	dw_close(&w, NULL);	/* a write error is the file's: textout_finish reports it */
	to_ch(o, '\n');
}

int emit_xl(const struct topology *t, const struct vm *vm, const char *hash, FILE *f)
{
	struct textout o;
	size_t i;

	textout_init(&o, f);
	to_lit(&o, "# xl config of VM '");
	to_str(&o, vm->name.s);
	to_lit(&o, "' in project '");
	to_str(&o, t->name.s);
	to_lit(&o, "' (");
	to_str(&o, backend_name(t->backend));
	to_lit(&o, " backend, ");
	to_str(&o, arch_name(t->arch));
	to_lit(&o, ")\n# Generated by xenshm-compose from topology ");
	to_str(&o, hash);
	to_lit(&o, ": do not edit,\n"
		   "# change the topology and run 'xenshm-compose build' again.\n");
	import_line(t, vm, &o);
	to_ch(&o, '\n');
	put_str(&o, "name", vm->name.s);
	put_str(&o, "type", vm_type_name(vm->type));
	to_lit(&o, "memory = ");
	to_dec(&o, vm->k->memory.v / MiB);
	to_lit(&o, "\nvcpus = ");
	to_dec(&o, vm->k->vcpus.v);
	to_ch(&o, '\n');
	put_str(&o, "kernel", vm->k->kernel.s);
	put_str(&o, "ramdisk", vm->k->ramdisk.s);
	put_str(&o, "cmdline", vm->k->cmdline.s);
	if (vm->k->device_tree.s) {
		put_str(&o, "device_tree", vm->k->device_tree.s);
	} else if (wants_guest_dtb(t, vm)) {
		char *dtb = xasprintf(GUEST_DTB_PATH, vm->name.s);

		to_lit(&o, "# the regions' /passthrough nodes, found by ID in the guest's device tree;\n"
			   "# relative to the build directory, where plan.sh runs xl\n");
		put_str(&o, "device_tree", dtb);
		free(dtb);
	}
	put_str(&o, "vuart", vm->k->vuart.s);
	if (t->arch == ARCH_ARM64 && t->gic.pos.set)
		put_str(&o, "gic_version", t->gic.v == 2 ? "v2" : "v3");

	if (vm->nmaps)
		to_ch(&o, '\n');
	for (i = 0; i < vm->nmaps; i++)
		region_comment(&vm->maps[i], &o);
	if (t->backend == BACKEND_STATIC_SHM) {
		put_static_shm(vm, &o);
	} else if (t->backend == BACKEND_DOM0LESS && vm->nmaps) {
		to_lit(&o, "# dom0less: Xen maps these regions at boot from /chosen/");
		to_comment(&o, vm->k->dom0less_node.s ? vm->k->dom0less_node.s : vm->name.s);
		to_lit(&o, " in dom0less/xenshm.dtsi\n");
	}
	put_iomem(t, vm, &o);

	if (vm_ex(vm)->npt_irqs) {
		to_lit(&o, "irqs = [ ");
		for (i = 0; i < vm_ex(vm)->npt_irqs; i++) {
			if (i)
				to_lit(&o, ", ");
			to_dec(&o, vm_ex(vm)->pt_irqs[i].v);
		}
		to_lit(&o, " ]\n");
	}
	put_list(&o, "dtdev", vm_ex(vm)->pt_dtdev, vm_ex(vm)->npt_dtdev);
	if (vm_ex(vm)->nxl) {
		to_lit(&o, "\n# raw keys from the topology's 'xl'\n");
		for (i = 0; i < vm_ex(vm)->nxl; i++)
			put_extra(&o, &vm_ex(vm)->xl[i]);
	}
	return textout_finish(&o);
}
