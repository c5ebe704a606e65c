/* Back end: xl/VM.cfg, a complete xl config per VM, with its shared-memory lines. */
#include "emit.h"
#include "docwriter.h"
#include "xenfacts.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

static void put_str(FILE *f, const char *key, const char *value)
{
	char *v;

	if (!value)
		return;
	v = xl_quote(value);
	fprintf(f, "%s = %s\n", key, v);
	free(v);
}

/* a list of quoted strings, one per line when long, as xl users write them */
static void put_list(FILE *f, const char *key, char **items, size_t n)
{
	size_t i;

	if (!n)
		return;
	fprintf(f, "%s = [", key);
	for (i = 0; i < n; i++) {
		char *v = xl_quote(items[i]);
		fprintf(f, "%s\n    %s", i ? "," : "", v);
		free(v);
	}
	fputs(",\n]\n", f);
}

/* a few names per region at most: every VM's config of a region shared by thousands stays small */
#define MEMBERS_SHOWN 8

static void members_text(const struct region *r, FILE *f)
{
	size_t i;

	for (i = 0; i < r->nmembers && i < MEMBERS_SHOWN; i++)
		fprintf(f, "%s%s", i ? ", " : "", r->members[i]->vm->name.s);
	if (r->nmembers > MEMBERS_SHOWN)
		fprintf(f, " and %zu more (plan.json lists them all)", (size_t)r->nmembers - MEMBERS_SHOWN);
}

/* one comment line per region: what the next list entry is for */
static void region_comment(const struct mapping *m, FILE *f)
{
	const struct region *r = m->region;

	fprintf(f, "# region '%s': %s, %s at guest %s", r->id,
		mapping_is_owner(m) ? "owner" : "borrower", hsize(r->eff_size), haddr(m->gaddr));
	if (r->host_placed)
		fprintf(f, ", host %s", haddr(r->host_base));
	fputs("; members: ", f);
	members_text(r, f);
	fputc('\n', f);
}

/* iomem entries: regions first (in shm order), then passthrough ranges */
static size_t iomem_entries(const struct topology *t, const struct vm *vm, char ***out)
{
	char **v = xcalloc(vm->nmaps + vm_ex(vm)->npt_iomem + 1, sizeof(*v));
	size_t n = 0, i;

	if (t->backend == BACKEND_IOMEM)
		for (i = 0; i < vm->nmaps; i++) {
			const struct mapping *m = &vm->maps[i];
			v[n++] = xasprintf("%llx,%llx@%llx",
					   (unsigned long long)(m->region->host_base / PAGE_SIZE),
					   (unsigned long long)(m->region->eff_size / PAGE_SIZE),
					   (unsigned long long)(m->gaddr / PAGE_SIZE));
		}
	for (i = 0; i < vm_ex(vm)->npt_iomem; i++)
		v[n++] = xstrdup(vm_ex(vm)->pt_iomem[i].text.s);
	*out = v;
	return n;
}

static size_t static_shm_entries(const struct vm *vm, char ***out)
{
	char **v = xcalloc(vm->nmaps + 1, sizeof(*v));
	size_t i;

	for (i = 0; i < vm->nmaps; i++) {
		const struct mapping *m = &vm->maps[i];
		bool owner = mapping_is_owner(m);
		v[i] = xasprintf("id=%s, begin=0x%llx, size=0x%llx, role=%s%s", mapping_id(m),
				 (unsigned long long)m->gaddr,
				 (unsigned long long)m->region->eff_size,
				 owner ? "owner" : "borrower",
				 owner ? ", cache_policy=ARM_normal" : "");
	}
	*out = v;
	return vm->nmaps;
}

static void free_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void put_extra(FILE *f, const struct xl_extra *x)
{
	char **items;
	size_t i;

	switch (x->kind) {
	case XL_INT:
		fprintf(f, "%s = %s\n", x->key.s, x->value.s);
		break;
	case XL_STRING:
		put_str(f, x->key.s, x->value.s);
		break;
	case XL_LIST:
		if (!x->nitems) {
			fprintf(f, "%s = []\n", x->key.s);
			break;
		}
		items = xcalloc(x->nitems, sizeof(*items));
		for (i = 0; i < x->nitems; i++)
			items[i] = x->items[i].s;
		put_list(f, x->key.s, items, x->nitems);
		free(items);
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
static void import_line(const struct topology *t, const struct vm *vm, FILE *f)
{
	char version[16];
	struct dw w;
	size_t i;

	fputs("# what 'xenshm-compose import' needs besides the xl keys:\n"
	      "# " XL_IMPORT_TAG " ", f);
	dw_open(&w, DW_JSON_COMPACT, f);
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
	dw_close(&w, NULL);	/* a write error is f's: emit_status reports it */
	fputc('\n', f);
}

int emit_xl(const struct topology *t, const struct vm *vm, const char *hash, FILE *f)
{
	char **list, *node;
	size_t n, i;

	fprintf(f, "# xl config of VM '%s' in project '%s' (%s backend, %s)\n", vm->name.s,
		t->name.s, backend_name(t->backend), arch_name(t->arch));
	fprintf(f, "# Generated by xenshm-compose from topology %s: do not edit,\n"
		   "# change the topology and run 'xenshm-compose build' again.\n", hash);
	import_line(t, vm, f);
	fputc('\n', f);
	put_str(f, "name", vm->name.s);
	put_str(f, "type", vm_type_name(vm->type));
	fprintf(f, "memory = %llu\n", (unsigned long long)(vm->k->memory.v / MiB));
	fprintf(f, "vcpus = %llu\n", (unsigned long long)vm->k->vcpus.v);
	put_str(f, "kernel", vm->k->kernel.s);
	put_str(f, "ramdisk", vm->k->ramdisk.s);
	put_str(f, "cmdline", vm->k->cmdline.s);
	if (vm->k->device_tree.s) {
		put_str(f, "device_tree", vm->k->device_tree.s);
	} else if (wants_guest_dtb(t, vm)) {
		char *dtb = xasprintf(GUEST_DTB_PATH, vm->name.s);

		fputs("# the regions' /passthrough nodes, found by ID in the guest's device tree;\n"
		      "# relative to the build directory, where plan.sh runs xl\n", f);
		put_str(f, "device_tree", dtb);
		free(dtb);
	}
	put_str(f, "vuart", vm->k->vuart.s);
	if (t->arch == ARCH_ARM64 && t->gic.pos.set)
		put_str(f, "gic_version", t->gic.v == 2 ? "v2" : "v3");

	if (vm->nmaps)
		fputc('\n', f);
	for (i = 0; i < vm->nmaps; i++)
		region_comment(&vm->maps[i], f);
	if (t->backend == BACKEND_STATIC_SHM) {
		n = static_shm_entries(vm, &list);
		put_list(f, "static_shm", list, n);
		free_list(list, n);
	} else if (t->backend == BACKEND_DOM0LESS && vm->nmaps) {
		node = comment_text(vm->k->dom0less_node.s ? vm->k->dom0less_node.s : vm->name.s);
		fprintf(f, "# dom0less: Xen maps these regions at boot from /chosen/%s in "
			   "dom0less/xenshm.dtsi\n", node);
		free(node);
	}
	n = iomem_entries(t, vm, &list);
	put_list(f, "iomem", list, n);
	free_list(list, n);

	if (vm_ex(vm)->npt_irqs) {
		fputs("irqs = [ ", f);
		for (i = 0; i < vm_ex(vm)->npt_irqs; i++)
			fprintf(f, "%s%llu", i ? ", " : "", (unsigned long long)vm_ex(vm)->pt_irqs[i].v);
		fputs(" ]\n", f);
	}
	if (vm_ex(vm)->npt_dtdev) {
		list = xcalloc(vm_ex(vm)->npt_dtdev, sizeof(*list));
		for (i = 0; i < vm_ex(vm)->npt_dtdev; i++)
			list[i] = vm_ex(vm)->pt_dtdev[i].s;
		put_list(f, "dtdev", list, vm_ex(vm)->npt_dtdev);
		free(list);
	}
	if (vm_ex(vm)->nxl) {
		fputs("\n# raw keys from the topology's 'xl'\n", f);
		for (i = 0; i < vm_ex(vm)->nxl; i++)
			put_extra(f, &vm_ex(vm)->xl[i]);
	}
	return emit_status(f);
}
