/* What Xen does that the compiler relies on: guest memory maps, limits, version thresholds. */
#include "xenfacts.h"

#include <string.h>

/*
 * Arm guests: xen/include/public/arch-arm.h, under the same names (the
 * compiler must build without Xen's headers).
 */
#define GUEST_VIRTIO_MMIO_BASE 0x02000000ull
#define GUEST_VIRTIO_MMIO_SIZE 0x00100000ull
#define GUEST_GICD_BASE 0x03001000ull		/* GICv2: distributor, then CPU interface */
#define GUEST_GICC_BASE 0x03002000ull
#define GUEST_GICC_SIZE 0x00002000ull
#define GUEST_GICV3_GICD_BASE 0x03001000ull
#define GUEST_GICV3_GICD_SIZE 0x00010000ull
#define GUEST_GICV3_GICR0_BASE 0x03020000ull
#define GUEST_GICV3_GICR0_SIZE 0x01000000ull
#define GUEST_VPCI_ECAM_BASE 0x10000000ull
#define GUEST_VPCI_ECAM_SIZE 0x10000000ull
#define GUEST_ACPI_BASE 0x20000000ull
#define GUEST_ACPI_SIZE 0x02000000ull
#define GUEST_PL011_BASE 0x22000000ull
#define GUEST_PL011_SIZE 0x00001000ull
#define GUEST_VPCI_MEM_ADDR 0x23000000ull
#define GUEST_VPCI_MEM_SIZE 0x10000000ull
#define GUEST_GNTTAB_BASE 0x38000000ull
#define GUEST_GNTTAB_SIZE 0x01000000ull
#define GUEST_MAGIC_BASE 0x39000000ull
#define GUEST_MAGIC_SIZE 0x01000000ull
#define GUEST_RAM0_BASE 0x40000000ull
#define GUEST_RAM0_SIZE 0xc0000000ull
#define GUEST_VPCI_PREFETCH_MEM_ADDR 0x100000000ull
#define GUEST_VPCI_PREFETCH_MEM_SIZE 0x100000000ull
#define GUEST_RAM1_BASE 0x0200000000ull
#define GUEST_RAM1_SIZE 0xfe00000000ull

/*
 * Arm ranges reserved in a guest (the vPCI ones only with vPCI), in address
 * order: below the GIC, the GIC, above
 */
static const struct named_range arm64_below_gic[] = {
	{ GUEST_VIRTIO_MMIO_BASE, GUEST_VIRTIO_MMIO_SIZE, "virtio-mmio", false },
};
/*
 * The vPCI windows are Xen's only for a domain with vPCI
 * (XEN_DOMCTL_CDF_vpci, which libxl sets for a domU with PCI devices);
 * Xen's own static-shm test maps a region over the ECAM window.
 */
static const struct named_range arm64_above_gic[] = {
	{ GUEST_VPCI_ECAM_BASE, GUEST_VPCI_ECAM_SIZE, "vPCI ECAM", true },
	{ GUEST_ACPI_BASE, GUEST_ACPI_SIZE, "ACPI tables", false },
	{ GUEST_PL011_BASE, GUEST_PL011_SIZE, "PL011 vuart", false },
	{ GUEST_VPCI_MEM_ADDR, GUEST_VPCI_MEM_SIZE, "vPCI MMIO", true },
	{ GUEST_GNTTAB_BASE, GUEST_GNTTAB_SIZE, "grant table", false },
	{ GUEST_MAGIC_BASE, GUEST_MAGIC_SIZE, "magic pages", false },
	{ GUEST_VPCI_PREFETCH_MEM_ADDR, GUEST_VPCI_PREFETCH_MEM_SIZE, "vPCI prefetchable MMIO", true },
};
static const struct named_range arm64_gicv2[] = {
	{ GUEST_GICD_BASE, GUEST_GICC_BASE + GUEST_GICC_SIZE - GUEST_GICD_BASE,
	  "GICv2 distributor and CPU interface", false },
};
static const struct named_range arm64_gicv3[] = {
	{ GUEST_GICV3_GICD_BASE, GUEST_GICV3_GICD_SIZE, "GICv3 distributor", false },
	{ GUEST_GICV3_GICR0_BASE, GUEST_GICV3_GICR0_SIZE, "GICv3 redistributors", false },
};

/*
 * Arm placement windows (spec 3): the holes of the map above, below RAM0,
 * in the order tried.
 */
static const struct range arm64_windows[] = {
	{ 0x05000000, GUEST_VPCI_ECAM_BASE - 0x05000000 },
	{ 0x33000000, GUEST_GNTTAB_BASE - 0x33000000 },
	{ 0x3A000000, GUEST_RAM0_BASE - 0x3A000000 },
};

/*
 * x86 guests: xen/include/public/hvm/e820.h for HVM (HVM_BELOW_4G_RAM_END);
 * libxl gives PVH without a device model a 64 MiB hole only
 * (tools/libs/light/libxl_x86.c). VGA hole and BIOS: 0xA0000-0xFFFFF.
 */
#define HVM_BELOW_4G_RAM_END 0xF0000000ull
#define PVH_BELOW_4G_RAM_END 0xFC000000ull
#define X86_VGA_HOLE_BASE 0xA0000ull
#define X86_VGA_HOLE_SIZE 0x60000ull
#define X86_4G (4 * GiB)

_Static_assert(ARRAY_SIZE(arm64_below_gic) + ARRAY_SIZE(arm64_gicv3) +
	       ARRAY_SIZE(arm64_above_gic) <= MAX_RESERVED,
	       "MAX_RESERVED holds the Arm map");
_Static_assert(ARRAY_SIZE(arm64_windows) <= MAX_WINDOWS, "MAX_WINDOWS holds the Arm windows");

static uint64_t x86_low_ceiling(const struct vm *vm)
{
	return vm->type == VM_HVM ? HVM_BELOW_4G_RAM_END : PVH_BELOW_4G_RAM_END;
}

void guest_ram(const struct topology *t, const struct vm *vm, struct range ram[2])
{
	uint64_t mem = vm->k->memory.pos.set ? vm->k->memory.v : 0, low;

	if (t->arch == ARCH_ARM64) {
		low = mem < GUEST_RAM0_SIZE ? mem : GUEST_RAM0_SIZE;
		ram[0] = (struct range){ GUEST_RAM0_BASE, low };
		ram[1] = (struct range){ GUEST_RAM1_BASE, mem - low };
	} else {
		uint64_t ceil = x86_low_ceiling(vm);
		low = mem < ceil ? mem : ceil;
		ram[0] = (struct range){ 0, low };
		ram[1] = (struct range){ X86_4G, mem - low };
	}
}

struct range guest_module_area(const struct topology *t, const struct vm *vm)
{
	uint64_t size = MODULES_DTB + (vm->k->ramdisk.s ? MODULES_RAMDISK : 0);
	struct range ram[2];
	const struct range *ram0 = &ram[0];

	guest_ram(t, vm, ram);

	if (ram0->size >= 128 * MiB + size)
		return (struct range){ ram0->base + 128 * MiB, size };
	if (ram0->size <= size)
		return *ram0;
	return (struct range){ ram0->base + ram0->size - size, size };
}

bool vm_has_vpci(const struct vm *vm)
{
	size_t i;

	for (i = 0; i < vm_ex(vm)->nxl; i++)
		if (vm_ex(vm)->xl[i].key.s && !strcmp(vm_ex(vm)->xl[i].key.s, "pci") &&
		    (vm_ex(vm)->xl[i].kind != XL_LIST || vm_ex(vm)->xl[i].nitems))
			return true;
	return false;
}

bool wants_guest_dtb(const struct topology *t, const struct vm *vm)
{
	return t->arch == ARCH_ARM64 && t->backend != BACKEND_DOM0LESS && vm->nmaps;
}

/* appends the ranges of v that apply to a VM with or without vPCI */
static size_t append(struct named_range *out, size_t n, const struct named_range *v, size_t nv,
		     bool vpci)
{
	size_t i;

	for (i = 0; i < nv; i++)
		if (!v[i].vpci || vpci)
			out[n++] = v[i];
	return n;
}

size_t guest_reserved(const struct topology *t, const struct vm *vm, struct named_range *out)
{
	size_t n = 0;
	uint64_t ceil;

	if (t->arch == ARCH_ARM64) {
		bool vpci = vm_has_vpci(vm);
		n = append(out, n, arm64_below_gic, ARRAY_SIZE(arm64_below_gic), vpci);
		if (t->gic.v == 2)
			n = append(out, n, arm64_gicv2, ARRAY_SIZE(arm64_gicv2), vpci);
		else
			n = append(out, n, arm64_gicv3, ARRAY_SIZE(arm64_gicv3), vpci);
		return append(out, n, arm64_above_gic, ARRAY_SIZE(arm64_above_gic), vpci);
	}
	ceil = x86_low_ceiling(vm);
	if (vm->type == VM_HVM)
		out[n++] = (struct named_range){ X86_VGA_HOLE_BASE, X86_VGA_HOLE_SIZE,
						 "VGA hole and BIOS", false };
	out[n++] = (struct named_range){ ceil, X86_4G - ceil,
		vm->type == VM_HVM ? "PCI hole, IOAPIC, LAPIC and special pages"
				   : "MMIO hole, ACPI, IOAPIC, LAPIC and special pages", false };
	return n;
}

size_t guest_windows(const struct topology *t, const struct vm *vm, struct range *out)
{
	uint64_t limit = topology_guest_limit(t), start;
	struct range ram[2];

	if (t->arch == ARCH_ARM64) {
		memcpy(out, arm64_windows, sizeof(arm64_windows));
		return ARRAY_SIZE(arm64_windows);
	}
	guest_ram(t, vm, ram);
	start = ram[1].size ? ram[1].base + ram[1].size : X86_4G;
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

size_t guest_extended_space(const struct topology *t, const struct vm *vm,
			    struct named_range *out)
{
	struct range ram[2];

	if (t->arch != ARCH_ARM64)
		return 0;
	guest_ram(t, vm, ram);
	out[0] = (struct named_range){ ram[0].base + ram[0].size,
				       GUEST_RAM0_SIZE - ram[0].size, "RAM0", false };
	out[1] = (struct named_range){ ram[1].base + ram[1].size,
				       GUEST_RAM1_SIZE - (ram[1].size < GUEST_RAM1_SIZE ?
							  ram[1].size : GUEST_RAM1_SIZE),
				       "RAM1", false };
	return 2;
}
