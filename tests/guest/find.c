/*
 * Drives guest/libxenshm.c from tests/unit.sh: "find.c list" prints the
 * regions of the device tree XENSHM_FDT names, "find.c open ID WORD" maps
 * region ID through XENSHM_DEVMEM, writes WORD at its start and prints what
 * it read back; errors go to stderr with the library's code as exit status.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxenshm.h"

int main(int argc, char **argv)
{
	struct xenshm_info all[64];
	struct xenshm shm;
	char err[256];
	size_t n, i;
	int ret;

	if (argc == 2 && !strcmp(argv[1], "list")) {
		ret = xenshm_list(all, 64, &n, err, sizeof(err));
		for (i = 0; !ret && i < n && i < 64; i++)
			printf("%s 0x%" PRIx64 " 0x%" PRIx64 " %s\n", all[i].id, all[i].base, all[i].size,
			       all[i].source);
	} else if (argc == 4 && !strcmp(argv[1], "open")) {
		ret = xenshm_open(argv[2], &shm, err, sizeof(err));
		if (!ret) {
			*(volatile uint32_t *)shm.base = (uint32_t)strtoul(argv[3], NULL, 0);
			printf("%s 0x%" PRIx64 " 0x%" PRIx64 " %s: 0x%08x\n", shm.info.id, shm.info.base,
			       shm.info.size, shm.info.source, (unsigned)*(volatile uint32_t *)shm.base);
			xenshm_close(&shm);
		}
	} else {
		fprintf(stderr, "usage: find list | find open ID WORD\n");
		return 64;
	}
	if (ret)
		fprintf(stderr, "%s\n", err);
	return ret;
}
