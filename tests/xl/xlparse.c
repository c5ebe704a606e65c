/*
 * Reads an xl config with libxlutil, exactly as xl does, and prints the
 * asked keys: "key=value" for strings and numbers, "key[i]=item" for lists,
 * "key?" when absent. The tests compare that with the model.
 */
#include <libxlutil.h>
#include <stdio.h>

/* escape what would break the line-per-value output */
static void put_escaped(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			fputs("\\n", stdout);
		else if (*s == '\\')
			fputs("\\\\", stdout);
		else
			putchar(*s);
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	XLU_Config *cfg;
	int i, n, j, ret;

	if (argc < 2) {
		fprintf(stderr, "usage: xlparse FILE KEY...\n");
		return 2;
	}
	cfg = xlu_cfg_init(stderr, argv[1]);
	if (!cfg)
		return 2;
	ret = xlu_cfg_readfile(cfg, argv[1]);
	if (ret) {
		fprintf(stderr, "xlparse: %s does not parse (%d)\n", argv[1], ret);
		xlu_cfg_destroy(cfg);
		return 1;
	}
	for (i = 2; i < argc; i++) {
		const char *s;
		long l;
		XLU_ConfigList *list;

		if (!xlu_cfg_get_long(cfg, argv[i], &l, 1)) {
			printf("%s=%ld\n", argv[i], l);
		} else if (!xlu_cfg_get_string(cfg, argv[i], &s, 1)) {
			printf("%s=", argv[i]);
			put_escaped(s);
		} else if (!xlu_cfg_get_list(cfg, argv[i], &list, &n, 1)) {
			for (j = 0; j < n; j++) {
				printf("%s[%d]=", argv[i], j);
				put_escaped(xlu_cfg_get_listitem(list, j));
			}
		} else {
			printf("%s?\n", argv[i]);
		}
	}
	xlu_cfg_destroy(cfg);
	return 0;
}
