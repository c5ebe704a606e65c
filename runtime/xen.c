/* The one file that talks to Xen: libxl for domains, libxenstore for records, /dev/mem for scrub. */
#include "xen.h"
#include "emit.h"
#include "xenfacts.h"

#include <errno.h>
#include <fcntl.h>
#include <libxl.h>
#include <libxl_utils.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xenstore.h>

#define XS_RETRIES 32

struct xen {
	libxl_ctx *ctx;
	xentoollog_logger_stdiostream *log;
	struct xs_handle *xs;
	char error[XEN_ERROR_MAX];
};

static int fail(struct xen *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct xen *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->error, sizeof(x->error), fmt, ap);
	va_end(ap);
	return -1;
}

const char *xen_error(const struct xen *x)
{
	return x->error;
}

int xen_oom(struct xen *x)
{
	return fail(x, "out of memory");
}

int xen_open(struct xen **out, char *why, size_t whylen)
{
	struct xen *x = calloc(1, sizeof(*x));

	*out = NULL;
	if (!x) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	/* no privcmd: not a Xen dom0; say so without libxl's low-level noise */
	if (access("/dev/xen/privcmd", F_OK) && access("/proc/xen/privcmd", F_OK)) {
		snprintf(why, whylen, "this machine is not dom0 of a Xen host (no "
			 "/dev/xen/privcmd); xenshm-compose up --dry-run shows the plan anywhere");
		free(x);
		return -1;
	}
	/* libxl's own messages (e.g. why a domain could not be built) go to stderr */
	x->log = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
	if (!x->log || libxl_ctx_alloc(&x->ctx, LIBXL_VERSION, 0, (xentoollog_logger *)x->log)) {
		snprintf(why, whylen, "cannot talk to Xen (libxl): is this dom0 of a Xen host, "
			 "with xenfs mounted and privcmd loaded?");
		goto fail;
	}
	x->xs = xs_open(0);
	if (!x->xs) {
		snprintf(why, whylen, "cannot talk to xenstored: %s", strerror(errno));
		goto fail;
	}
	*out = x;
	return 0;
fail:
	xen_close(x);
	return -1;
}

void xen_close(struct xen *x)
{
	if (!x)
		return;
	if (x->xs)
		xs_close(x->xs);
	if (x->ctx)
		libxl_ctx_free(x->ctx);
	if (x->log)
		xtl_logger_destroy((xentoollog_logger *)x->log);
	free(x);
}

int xen_list(struct xen *x, struct xen_domain **out, size_t *n)
{
	libxl_dominfo *info;
	int nb, i;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	info = libxl_list_domain(x->ctx, &nb);
	if (!info)
		return fail(x, "cannot list domains");
	*out = calloc((size_t)nb + 1, sizeof(**out));
	if (!*out) {
		libxl_dominfo_list_free(info, nb);
		return fail(x, "out of memory");
	}
	for (i = 0; i < nb; i++) {
		struct xen_domain *d = &(*out)[k];
		char *name;
		if (info[i].domid == 0)
			continue;
		d->domid = info[i].domid;
		d->running = info[i].running;
		d->blocked = info[i].blocked;
		d->paused = info[i].paused;
		d->shutdown = info[i].shutdown;
		d->crashed = info[i].shutdown &&
			     info[i].shutdown_reason == LIBXL_SHUTDOWN_REASON_CRASH;
		d->dying = info[i].dying;
		snprintf(d->uuid, sizeof(d->uuid), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(info[i].uuid));
		name = libxl_domid_to_name(x->ctx, info[i].domid);
		snprintf(d->name, sizeof(d->name), "%s", name ? name : "");
		free(name);
		k++;
	}
	*n = k;
	libxl_dominfo_list_free(info, nb);
	return 0;
}

/* Appends domid's iomem ranges to *v; 0, or -1 on OOM. A config libxl cannot give is a warning. */
static int domain_iomem(struct xen *x, uint32_t domid, struct xen_iomem **v, size_t *n,
			size_t *alloc)
{
	libxl_domain_config cfg;
	int i, ret = 0;

	libxl_domain_config_init(&cfg);
	if (libxl_retrieve_domain_configuration(x->ctx, domid, &cfg, NULL)) {
		fprintf(stderr, "xenshm-compose: warning: cannot read the configuration of domain "
			"%u, so not which host memory it maps\n", domid);
		goto done;
	}
	for (i = 0; i < cfg.b_info.num_iomem && !ret; i++) {
		struct xen_iomem *r;
		if (*n == *alloc) {
			size_t want = *alloc ? *alloc * 2 : 16;
			struct xen_iomem *nv = realloc(*v, want * sizeof(*nv));
			if (!nv) {
				ret = fail(x, "out of memory");
				break;
			}
			*v = nv;
			*alloc = want;
		}
		r = &(*v)[(*n)++];
		r->domid = domid;
		snprintf(r->name, sizeof(r->name), "%s", cfg.c_info.name ? cfg.c_info.name : "");
		r->base = cfg.b_info.iomem[i].start * PAGE_SIZE;
		r->size = cfg.b_info.iomem[i].number * PAGE_SIZE;
	}
done:
	libxl_domain_config_dispose(&cfg);
	return ret;
}

int xen_iomem_list(struct xen *x, struct xen_iomem **out, size_t *n)
{
	struct xen_domain *doms = NULL;
	size_t ndoms = 0, alloc = 0, i;

	*out = NULL;
	*n = 0;
	if (xen_list(x, &doms, &ndoms))
		return -1;
	for (i = 0; i < ndoms; i++) {
		if (domain_iomem(x, doms[i].domid, out, n, &alloc)) {
			free(doms);
			free(*out);
			*out = NULL;
			*n = 0;
			return -1;
		}
	}
	free(doms);
	return 0;
}

int xen_domain_name(struct xen *x, uint32_t domid, char *name, size_t len)
{
	libxl_dominfo info;
	char *n;
	int rc;

	libxl_dominfo_init(&info);
	name[0] = '\0';
	rc = libxl_domain_info(x->ctx, &info, domid);
	libxl_dominfo_dispose(&info);
	if (rc == ERROR_DOMAIN_NOTFOUND)
		return 0;	/* gone */
	if (rc)
		return fail(x, "cannot read domain %u", domid);
	n = libxl_domid_to_name(x->ctx, domid);
	snprintf(name, len, "%s", n ? n : "");
	free(n);
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* the libxl config of one VM: what xl builds from xl/VM.cfg */
static int fill_config(struct xen *x, const struct topology *t, const struct vm *vm,
		       libxl_domain_config *cfg)
{
	libxl_domain_create_info *c = &cfg->c_info;
	libxl_domain_build_info *b = &cfg->b_info;
	size_t i, n = 0;

	c->type = vm->type == VM_HVM ? LIBXL_DOMAIN_TYPE_HVM :
		  vm->type == VM_PV ? LIBXL_DOMAIN_TYPE_PV : LIBXL_DOMAIN_TYPE_PVH;
	c->name = strdup(vm->name.s);
	libxl_domain_build_info_init_type(b, c->type);
	b->max_memkb = b->target_memkb = vm->k->memory.v / 1024;
	b->max_vcpus = (int)vm->k->vcpus.v;
	if (libxl_cpu_bitmap_alloc(x->ctx, &b->avail_vcpus, b->max_vcpus))
		return fail(x, "out of memory");
	for (i = 0; i < vm->k->vcpus.v; i++)
		libxl_bitmap_set(&b->avail_vcpus, (int)i);
	b->kernel = dup_or_null(vm->k->kernel.s);
	b->ramdisk = dup_or_null(vm->k->ramdisk.s);
	b->cmdline = dup_or_null(vm->k->cmdline.s);
	b->device_tree = dup_or_null(vm->k->device_tree.s);
	if (!c->name || !b->kernel || (vm->k->ramdisk.s && !b->ramdisk) ||
	    (vm->k->cmdline.s && !b->cmdline) || (vm->k->device_tree.s && !b->device_tree))
		return fail(x, "out of memory");
	if (vm->k->vuart.s)
		b->arch_arm.vuart = LIBXL_VUART_TYPE_SBSA_UART;
	if (t->arch == ARCH_ARM64 && t->gic.pos.set)
		b->arch_arm.gic_version = t->gic.v == 2 ? LIBXL_GIC_VERSION_V2 : LIBXL_GIC_VERSION_V3;

	b->iomem = calloc(vm->nmaps + vm_ex(vm)->npt_iomem + 1, sizeof(*b->iomem));
	if (!b->iomem)
		return fail(x, "out of memory");
	for (i = 0; i < vm->nmaps; i++) {
		const struct mapping *m = &vm->maps[i];
		b->iomem[n].start = m->region->host_base / PAGE_SIZE;
		b->iomem[n].number = m->region->eff_size / PAGE_SIZE;
		b->iomem[n++].gfn = m->gaddr / PAGE_SIZE;
	}
	for (i = 0; i < vm_ex(vm)->npt_iomem; i++) {
		b->iomem[n].start = vm_ex(vm)->pt_iomem[i].start;
		b->iomem[n].number = vm_ex(vm)->pt_iomem[i].num;
		b->iomem[n++].gfn = vm_ex(vm)->pt_iomem[i].gfn;
	}
	b->num_iomem = (int)n;
	if (vm_ex(vm)->npt_irqs) {
		b->irqs = calloc(vm_ex(vm)->npt_irqs, sizeof(*b->irqs));
		if (!b->irqs)
			return fail(x, "out of memory");
		for (i = 0; i < vm_ex(vm)->npt_irqs; i++)
			b->irqs[i] = (uint32_t)vm_ex(vm)->pt_irqs[i].v;
		b->num_irqs = (int)vm_ex(vm)->npt_irqs;
	}
	if (vm_ex(vm)->npt_dtdev) {
		cfg->dtdevs = calloc(vm_ex(vm)->npt_dtdev, sizeof(*cfg->dtdevs));
		if (!cfg->dtdevs)
			return fail(x, "out of memory");
		for (i = 0; i < vm_ex(vm)->npt_dtdev; i++) {
			libxl_device_dtdev_init(&cfg->dtdevs[i]);
			cfg->dtdevs[i].path = strdup(vm_ex(vm)->pt_dtdev[i].s);
			if (!cfg->dtdevs[i].path)
				return fail(x, "out of memory");
			cfg->num_dtdevs++;
		}
	}
	return 0;
}

/*
 * A VM's partial device tree, what a build writes as guest/VM/xenshm.dtb,
 * for libxl to read by path while it builds the domain: in a memfd, so no
 * file outlives the call, whatever becomes of this process. Sets *fd.
 */
static int guest_dtb(struct xen *x, const struct topology *t, const struct vm *vm,
		     libxl_domain_build_info *b, int *fd)
{
	int copy;
	FILE *f;

	*fd = memfd_create("xenshm.dtb", MFD_CLOEXEC);
	copy = *fd < 0 ? -1 : dup(*fd);
	f = copy < 0 ? NULL : fdopen(copy, "w");
	if (!f) {
		if (copy >= 0)
			close(copy);
		return fail(x, "cannot hold the device tree of domain '%s': %s", vm->name.s,
			    strerror(errno));
	}
	if (emit_guest_dtb(t, vm, "", f) | fclose(f))
		return fail(x, "cannot write the device tree of domain '%s'", vm->name.s);
	if (asprintf(&b->device_tree, "/proc/self/fd/%d", *fd) < 0) {
		b->device_tree = NULL;
		return fail(x, "out of memory");
	}
	return 0;
}

void xen_uuid_new(char uuid[UUID_LEN])
{
	libxl_uuid u;

	libxl_uuid_generate(&u);
	snprintf(uuid, UUID_LEN, LIBXL_UUID_FMT, LIBXL_UUID_BYTES(u));
}

int xen_create_paused(struct xen *x, const struct topology *t, const struct vm *vm,
		      const char *uuid, uint32_t *domid)
{
	libxl_domain_config cfg;
	int ret, dtb = -1;

	libxl_domain_config_init(&cfg);
	ret = fill_config(x, t, vm, &cfg);
	if (!ret && !vm->k->device_tree.s && wants_guest_dtb(t, vm))
		ret = guest_dtb(x, t, vm, &cfg.b_info, &dtb);
	if (!ret && libxl_uuid_from_string(&cfg.c_info.uuid, uuid))
		ret = fail(x, "bad UUID '%s' for domain '%s'", uuid, vm->name.s);
	/* libxl leaves a new domain paused: it runs only when we unpause it */
	if (!ret && libxl_domain_create_new(x->ctx, &cfg, domid, NULL, NULL))
		ret = fail(x, "libxl could not create domain '%s' (see libxl's message above)",
			   vm->name.s);
	libxl_domain_config_dispose(&cfg);
	if (dtb >= 0)
		close(dtb);
	return ret;
}

int xen_unpause(struct xen *x, uint32_t domid)
{
	return libxl_domain_unpause(x->ctx, domid, NULL) ?
		fail(x, "cannot unpause domain %u", domid) : 0;
}

int xen_destroy(struct xen *x, uint32_t domid)
{
	return libxl_domain_destroy(x->ctx, domid, NULL) ?
		fail(x, "cannot destroy domain %u", domid) : 0;
}

/*
 * Through dom0's 1:1 mapping of the pool: aligned 64-bit stores only, since
 * /dev/mem maps it uncached (Device memory on Arm) where memset's cache-line
 * zeroing or unaligned stores would fault.
 */
int xen_scrub(struct xen *x, uint64_t base, uint64_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	volatile uint64_t *p;
	uint64_t i;
	void *map;
	int fd;

	if (page <= 0 || base % (uint64_t)page || size % 8)
		return fail(x, "cannot scrub 0x%llx: not page aligned", (unsigned long long)base);
	fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0)
		return fail(x, "cannot open /dev/mem to scrub 0x%llx: %s", (unsigned long long)base,
			    strerror(errno));
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)base);
	close(fd);
	if (map == MAP_FAILED)
		return fail(x, "cannot map host 0x%llx+0x%llx to scrub it: %s",
			    (unsigned long long)base, (unsigned long long)size, strerror(errno));
	p = map;
	for (i = 0; i < size / 8; i++)
		p[i] = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	munmap(map, size);
	return 0;
}

/* ---- xenstore ---- */

static char *xs_get(struct xen *x, xs_transaction_t t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static char *xs_get(struct xen *x, xs_transaction_t t, const char *fmt, ...)
{
	char path[256];
	unsigned int len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return xs_read(x->xs, t, path, &len);
}

/* the children of a node named by a printf format (free the array), or NULL */
static char **xs_list(struct xen *x, unsigned int *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static char **xs_list(struct xen *x, unsigned int *n, const char *fmt, ...)
{
	char path[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return xs_directory(x->xs, XBT_NULL, path, n);
}

static bool xs_put(struct xen *x, xs_transaction_t t, const char *path, const char *value)
{
	return xs_write(x->xs, t, path, value, strlen(value));
}

static uint64_t parse_u64(const char *s)
{
	return s ? strtoull(s, NULL, 0) : 0;
}

static void region_free(struct xs_region *r)
{
	free(r->maps);
	r->maps = NULL;
}

void xs_regions_free(struct xs_region *r, size_t n)
{
	size_t i;

	for (i = 0; r && i < n; i++)
		region_free(&r[i]);
	free(r);
}

static int read_region(struct xen *x, const char *id, struct xs_region *r)
{
	char *v, **doms;
	unsigned int n, i;

	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	if ((v = xs_get(x, XBT_NULL, XS_REGIONS "/%s/owner", id)))
		r->owner = (uint32_t)strtoul(v, NULL, 10);
	free(v);
	v = xs_get(x, XBT_NULL, XS_REGIONS "/%s/size", id);
	r->size = parse_u64(v);
	free(v);
	if ((v = xs_get(x, XBT_NULL, XS_REGIONS "/%s/host", id))) {
		r->host = parse_u64(v);
		r->has_host = true;
	}
	free(v);
	if ((v = xs_get(x, XBT_NULL, XS_REGIONS "/%s/project", id)))
		snprintf(r->project, sizeof(r->project), "%s", v);
	free(v);
	if ((v = xs_get(x, XBT_NULL, XS_REGIONS "/%s/hash", id)))
		snprintf(r->hash, sizeof(r->hash), "%s", v);
	free(v);

	doms = xs_list(x, &n, XS_REGIONS "/%s/mappings", id);
	if (!doms)
		return 0;
	r->maps = calloc(n + 1, sizeof(*r->maps));
	if (!r->maps) {
		free(doms);
		return fail(x, "out of memory");
	}
	for (i = 0; i < n; i++) {
		char *end;
		r->maps[i].domid = (uint32_t)strtoul(doms[i], NULL, 10);
		v = xs_get(x, XBT_NULL, XS_REGIONS "/%s/mappings/%s", id, doms[i]);
		r->maps[i].begin = v ? strtoull(v, &end, 0) : 0;
		r->maps[i].end = v && *end == '-' ? strtoull(end + 1, NULL, 0) : 0;
		free(v);
	}
	r->nmaps = n;
	free(doms);
	return 0;
}

int xen_read_regions(struct xen *x, struct xs_region **out, size_t *n)
{
	char **ids;
	unsigned int count, i;

	*out = NULL;
	*n = 0;
	ids = xs_directory(x->xs, XBT_NULL, XS_REGIONS, &count);
	if (!ids)
		return errno == ENOENT ? 0 : fail(x, "cannot read " XS_REGIONS ": %s",
						  strerror(errno));
	*out = calloc(count + 1, sizeof(**out));
	if (!*out) {
		free(ids);
		return fail(x, "out of memory");
	}
	for (i = 0; i < count; i++) {
		if (read_region(x, ids[i], &(*out)[i])) {
			xs_regions_free(*out, i + 1);
			*out = NULL;
			free(ids);
			return -1;
		}
	}
	*n = count;
	free(ids);
	return 0;
}

void xs_project_release(struct xs_project *p)
{
	free(p->vms);
	free(p->claims);
	memset(p, 0, sizeof(*p));
}

/* a domid node of the journal, 0 when absent */
static uint32_t read_domid(struct xen *x, const char *project, const char *leaf, const char *vm)
{
	char *v = xs_get(x, XBT_NULL, XS_PROJECTS "/%s/%s/%s", project, leaf, vm);
	uint32_t domid = v ? (uint32_t)strtoul(v, NULL, 10) : 0;

	free(v);
	return domid;
}

static int read_vms(struct xen *x, const char *project, struct xs_project *p)
{
	char *order = xs_get(x, XBT_NULL, XS_PROJECTS "/%s/order", project), *tok, *v, *save = NULL;
	size_t n = 1, i;

	for (i = 0; order && order[i]; i++)
		n += order[i] == ' ';
	p->vms = calloc(n, sizeof(*p->vms));
	if (!p->vms) {
		free(order);
		return fail(x, "out of memory");
	}
	for (tok = order ? strtok_r(order, " ", &save) : NULL; tok && p->nvms < n;
	     tok = strtok_r(NULL, " ", &save)) {
		struct xs_vm *vm = &p->vms[p->nvms++];
		snprintf(vm->name, sizeof(vm->name), "%s", tok);
		vm->domid = read_domid(x, project, "vms", tok);
		vm->started = read_domid(x, project, "started", tok);
		if ((v = xs_get(x, XBT_NULL, XS_PROJECTS "/%s/uuid/%s", project, tok)))
			snprintf(vm->uuid, sizeof(vm->uuid), "%s", v);
		free(v);
	}
	free(order);
	return 0;
}

static int read_claims(struct xen *x, const char *project, struct xs_project *p)
{
	char **ids, *v, *end;
	unsigned int n, i;

	ids = xs_list(x, &n, XS_PROJECTS "/%s/regions", project);
	if (!ids)
		return 0;
	p->claims = calloc(n + 1, sizeof(*p->claims));
	if (!p->claims) {
		free(ids);
		return fail(x, "out of memory");
	}
	for (i = 0; i < n; i++) {
		struct xs_claim *c = &p->claims[p->nclaims];
		v = xs_get(x, XBT_NULL, XS_PROJECTS "/%s/regions/%s", project, ids[i]);
		if (!v)
			continue;
		snprintf(c->id, sizeof(c->id), "%s", ids[i]);
		c->host = strtoull(v, &end, 0);
		c->size = strtoull(end, NULL, 0);
		free(v);
		p->nclaims++;
	}
	free(ids);
	return 0;
}

int xen_read_project(struct xen *x, const char *project, struct xs_project *p)
{
	char *v;

	memset(p, 0, sizeof(*p));
	v = xs_get(x, XBT_NULL, XS_PROJECTS "/%s/hash", project);
	if (!v)
		return 0;
	snprintf(p->name, sizeof(p->name), "%s", project);
	snprintf(p->hash, sizeof(p->hash), "%s", v);
	free(v);
	/* a record from before the journal has no state: it was written when up was done */
	v = xs_get(x, XBT_NULL, XS_PROJECTS "/%s/state", project);
	snprintf(p->state, sizeof(p->state), "%s", v ? v : JOURNAL_UP);
	free(v);
	if (read_vms(x, project, p) || read_claims(x, project, p)) {
		xs_project_release(p);
		return -1;
	}
	return 0;
}

int xen_list_projects(struct xen *x, char ***out, size_t *n)
{
	char **names;
	unsigned int count, i;

	*out = NULL;
	*n = 0;
	names = xs_directory(x->xs, XBT_NULL, XS_PROJECTS, &count);
	if (!names)
		return 0;
	*out = calloc(count + 1, sizeof(**out));
	if (!*out) {
		free(names);
		return fail(x, "out of memory");
	}
	for (i = 0; i < count; i++) {
		(*out)[i] = strdup(names[i]);
		if (!(*out)[i]) {
			free(names);
			return fail(x, "out of memory");
		}
	}
	*n = count;
	free(names);
	return 0;
}

/* dom0 owns every node; others get nothing, except members reading their region */
static bool set_perms(struct xen *x, xs_transaction_t t, const char *path,
		      const struct xs_region *r)
{
	size_t n = r ? r->nmaps : 0, i;
	struct xs_permissions *perms = calloc(n + 1, sizeof(*perms));
	bool ok;

	if (!perms) {
		errno = ENOMEM;
		return false;
	}
	perms[0].id = 0;
	perms[0].perms = XS_PERM_NONE;
	for (i = 0; i < n; i++) {
		perms[i + 1].id = r->maps[i].domid;
		perms[i + 1].perms = XS_PERM_READ;
	}
	ok = xs_set_permissions(x->xs, t, path, perms, (unsigned int)(n + 1));
	free(perms);
	return ok;
}

/* xs_rm of a missing node fails with ENOENT: that is what we want anyway */
static bool rm_ok(struct xen *x, xs_transaction_t t, const char *path)
{
	return xs_rm(x->xs, t, path) || errno == ENOENT;
}

static bool write_region(struct xen *x, xs_transaction_t t, const struct xs_region *r)
{
	char path[160], value[96];
	size_t i;
	bool ok;

	/* mappings of domains replaced since the last write must not stay */
	snprintf(path, sizeof(path), XS_REGIONS "/%s", r->id);
	ok = rm_ok(x, t, path) && xs_mkdir(x->xs, t, path) &&
	     set_perms(x, t, path, r);
#define PUT(leaf, ...)                                                               \
	do {                                                                         \
		snprintf(path, sizeof(path), XS_REGIONS "/%s/" leaf, r->id);          \
		snprintf(value, sizeof(value), __VA_ARGS__);                         \
		ok = ok && xs_put(x, t, path, value) && set_perms(x, t, path, r);     \
	} while (0)
	PUT("owner", "%u", r->owner);
	PUT("size", "0x%llx", (unsigned long long)r->size);
	PUT("project", "%s", r->project);
	PUT("hash", "%s", r->hash);
	if (r->has_host)
		PUT("host", "0x%llx", (unsigned long long)r->host);
	snprintf(path, sizeof(path), XS_REGIONS "/%s/mappings", r->id);
	ok = ok && xs_mkdir(x->xs, t, path) && set_perms(x, t, path, r);
#undef PUT
	for (i = 0; i < r->nmaps; i++) {
		snprintf(path, sizeof(path), XS_REGIONS "/%s/mappings/%u", r->id, r->maps[i].domid);
		snprintf(value, sizeof(value), "0x%llx-0x%llx", (unsigned long long)r->maps[i].begin,
			 (unsigned long long)r->maps[i].end);
		ok = ok && xs_put(x, t, path, value) && set_perms(x, t, path, r);
	}
	return ok;
}

/* one node of a project record, dom0's only like the whole record */
static bool put_leaf(struct xen *x, xs_transaction_t t, const char *project, const char *leaf,
		     const char *value)
{
	char path[192];

	snprintf(path, sizeof(path), XS_PROJECTS "/%s/%s", project, leaf);
	return xs_put(x, t, path, value);
}

static bool write_vm(struct xen *x, xs_transaction_t t, const char *project, const struct xs_vm *vm)
{
	char leaf[96], value[16];
	bool ok = true;

	if (vm->uuid[0]) {
		snprintf(leaf, sizeof(leaf), "uuid/%s", vm->name);
		ok = put_leaf(x, t, project, leaf, vm->uuid);
	}
	if (vm->domid) {
		snprintf(leaf, sizeof(leaf), "vms/%s", vm->name);
		snprintf(value, sizeof(value), "%u", vm->domid);
		ok = ok && put_leaf(x, t, project, leaf, value);
	}
	if (vm->started) {
		snprintf(leaf, sizeof(leaf), "started/%s", vm->name);
		snprintf(value, sizeof(value), "%u", vm->started);
		ok = ok && put_leaf(x, t, project, leaf, value);
	}
	return ok;
}

/* the whole record, replacing any: nodes of replaced domains must not stay */
static bool write_project(struct xen *x, xs_transaction_t t, const struct xs_project *p)
{
	char path[160], leaf[32], value[48], *order;
	size_t i, len = 1;
	bool ok;

	for (i = 0; i < p->nvms; i++)
		len += strlen(p->vms[i].name) + 1;
	order = calloc(len, 1);
	if (!order)
		return false;
	for (i = 0; i < p->nvms; i++) {
		if (i)
			strcat(order, " ");
		strcat(order, p->vms[i].name);
	}
	snprintf(path, sizeof(path), XS_PROJECTS "/%s", p->name);
	ok = rm_ok(x, t, path) && xs_mkdir(x->xs, t, path) &&
	     set_perms(x, t, path, NULL);
	ok = ok && put_leaf(x, t, p->name, "hash", p->hash) &&
	     put_leaf(x, t, p->name, "order", order) && put_leaf(x, t, p->name, "state", p->state);
	for (i = 0; i < p->nvms; i++)
		ok = ok && write_vm(x, t, p->name, &p->vms[i]);
	for (i = 0; i < p->nclaims; i++) {
		snprintf(leaf, sizeof(leaf), "regions/%s", p->claims[i].id);
		snprintf(value, sizeof(value), "0x%llx 0x%llx", (unsigned long long)p->claims[i].host,
			 (unsigned long long)p->claims[i].size);
		ok = ok && put_leaf(x, t, p->name, leaf, value);
	}
	free(order);
	return ok;
}

/*
 * Runs body in a transaction until it commits: a false end with EAGAIN means
 * another writer raced us and the whole transaction must be redone.
 */
static int transact(struct xen *x, const char *what,
		    bool (*body)(struct xen *x, xs_transaction_t t, const void *arg), const void *arg)
{
	int tries;

	for (tries = 0; tries < XS_RETRIES; tries++) {
		xs_transaction_t t = xs_transaction_start(x->xs);
		if (t == XBT_NULL)
			return fail(x, "cannot start a xenstore transaction: %s", strerror(errno));
		if (!body(x, t, arg)) {
			int e = errno;
			xs_transaction_end(x->xs, t, true);
			return fail(x, "cannot %s in xenstore: %s", what, strerror(e));
		}
		if (xs_transaction_end(x->xs, t, false))
			return 0;
		if (errno != EAGAIN)
			return fail(x, "cannot commit %s to xenstore: %s", what, strerror(errno));
	}
	return fail(x, "cannot %s in xenstore: %d transactions in a row raced", what, XS_RETRIES);
}

struct records {
	const struct xs_region *regions;
	size_t nregions;
	const struct xs_project *project;
	char *const *ids;
	size_t nids;
	const char *name;
};

static bool write_body(struct xen *x, xs_transaction_t t, const void *arg)
{
	const struct records *rec = arg;
	size_t i;

	if (!xs_mkdir(x->xs, t, XS_REGIONS) || !set_perms(x, t, XS_REGIONS, NULL) ||
	    !xs_mkdir(x->xs, t, XS_PROJECTS) || !set_perms(x, t, XS_PROJECTS, NULL))
		return false;
	for (i = 0; i < rec->nregions; i++)
		if (!write_region(x, t, &rec->regions[i]))
			return false;
	return write_project(x, t, rec->project);
}

int xen_write_records(struct xen *x, const struct xs_region *regions, size_t nregions,
		      const struct xs_project *p)
{
	struct records rec = { regions, nregions, p, NULL, 0, NULL };

	return transact(x, "write the records", write_body, &rec);
}

static bool journal_body(struct xen *x, xs_transaction_t t, const void *arg)
{
	return xs_mkdir(x->xs, t, XS_PROJECTS) && set_perms(x, t, XS_PROJECTS, NULL) &&
	       write_project(x, t, arg);
}

int xen_journal_begin(struct xen *x, const struct xs_project *p)
{
	return transact(x, "write the journal", journal_body, p);
}

/* single writes need no transaction: xenstored applies each one whole */
int xen_journal_vm(struct xen *x, const char *project, const struct xs_vm *vm)
{
	return write_vm(x, XBT_NULL, project, vm) ? 0 :
		fail(x, "cannot journal VM '%s' in xenstore: %s", vm->name, strerror(errno));
}

int xen_journal_state(struct xen *x, const char *project, const char *state)
{
	return put_leaf(x, XBT_NULL, project, "state", state) ? 0 :
		fail(x, "cannot journal state '%s' in xenstore: %s", state, strerror(errno));
}

static bool remove_body(struct xen *x, xs_transaction_t t, const void *arg)
{
	const struct records *rec = arg;
	char path[160];
	size_t i;

	for (i = 0; i < rec->nids; i++) {
		snprintf(path, sizeof(path), XS_REGIONS "/%s", rec->ids[i]);
		if (!rm_ok(x, t, path))
			return false;
	}
	snprintf(path, sizeof(path), XS_PROJECTS "/%s", rec->name);
	return rm_ok(x, t, path);
}

int xen_remove_records(struct xen *x, const char *project, char *const *ids, size_t nids)
{
	struct records rec = { NULL, 0, NULL, ids, nids, project };

	return transact(x, "remove the records", remove_body, &rec);
}
