/* What Xen does that the compiler relies on: guest memory maps, limits, version thresholds. */
#ifndef XENSHM_XENFACTS_H
#define XENSHM_XENFACTS_H

#include "topology.h"

/* Xen releases, by minor number of 4.N */
#define XEN_OLDEST 17			/* the oldest release the format targets */
#define XEN_DEFAULT 17			/* xen.version when not given */
#define XEN_DOM0LESS_ALLOCATES 19	/* dom0less allocates a region's host memory */
#define XEN_DOM0LESS_EXT_REGIONS 19	/* dom0less leaves shm out of extended regions */
#define XEN_LIBXL_EXT_REGIONS 21	/* libxl leaves iomem out of extended regions */

/*
 * Host physical address bits Xen handles: arm64 PADDR_BITS (a mapping above
 * it fails with EINVAL in XEN_DOMCTL_memory_mapping), x86_64 paddr_bits' cap
 */
#define ARM64_PADDR_BITS 48
#define X86_64_PADDR_BITS 52

/* Xen 4.19's limit on static shared regions, in a topology and in one domain */
#define DOM0LESS_MAX_REGIONS 32

/* A guest-physical range with a name for messages. */
struct named_range {
	uint64_t base, size;
	const char *name;
	bool vpci;		/* reserved only in guests with vPCI */
};

#define MAX_RESERVED 16
#define MAX_WINDOWS 3

/*
 * The VM's RAM from its memory size, type and the arch (spec 3, "Guest
 * RAM"): ram[0] RAM0 (arm64) or below 4 GiB (x86), ram[1] RAM1 or above;
 * size 0 when none. Worked out where needed, not kept in every VM.
 */
void guest_ram(const struct topology *t, const struct vm *vm, struct range ram[2]);
/*
 * True when the VM has virtual PCI: on arm64 libxl turns it on for a domU
 * given PCI devices (xl `pci`), the only way a topology can ask for it.
 */
bool vm_has_vpci(const struct vm *vm);
/*
 * True for an arm64 xl guest (iomem or static-shm) with regions: its
 * partial device tree guest/VM/xenshm.dtb, passed with device_tree=, holds
 * them. libxl takes one partial tree per guest and copies only its
 * /passthrough and /aliases nodes (libxl_arm.c, copy_partial_fdt).
 */
bool wants_guest_dtb(const struct topology *t, const struct vm *vm);
/*
 * Where libxc loads an arm64 xl guest's boot modules (device tree, then
 * ramdisk; tools/libs/guest/xg_dom_arm.c, meminit): at RAM0 + 128 MiB when
 * RAM0 has room for them there, else at the top of RAM0. Their size is not
 * known before the guest is built, so this is the range they take at most:
 * MODULES_DTB for the device tree, MODULES_RAMDISK more with a ramdisk.
 */
#define MODULES_DTB (2 * MiB)
#define MODULES_RAMDISK (32 * MiB)
struct range guest_module_area(const struct topology *t, const struct vm *vm);
/* The reserved guest ranges of this VM (arch, GIC version, type, vPCI); returns count. */
size_t guest_reserved(const struct topology *t, const struct vm *vm, struct named_range *out);
/* Where auto-placed mappings may go, in the order tried; returns count. */
size_t guest_windows(const struct topology *t, const struct vm *vm, struct range *out);
/* The space above the VM's RAM where libxl/Xen advertise extended regions; returns count. */
size_t guest_extended_space(const struct topology *t, const struct vm *vm,
			    struct named_range *out);

#endif
