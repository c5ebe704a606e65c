/* `explain CHECK`: what a check means, why it matters on Xen, how to fix it. */
#include "checklist.h"
#include "cli.h"
#include "diag.h"
#include "explain.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

static const char usage[] = "xenshm-compose explain CHECK | --list | --all";

static const char *sev_word(enum severity s)
{
	return s == SEV_FATAL ? "fatal" : s == SEV_ERROR ? "error" : "warning";
}

/* paragraphs indented by two spaces, blank lines kept */
static void indented(const char *text, FILE *f)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n)
			fprintf(f, "  %.*s\n", (int)n, p);
		else
			fputc('\n', f);
		p += n + (nl ? 1 : 0);
	}
}

static void explain_one(enum check_id id, FILE *f)
{
	const struct check_info *c = check_info(id);
	const struct explanation *e = explain_of(id);

	fprintf(f, "%s (%s by default)\n", c->name, sev_word(c->severity));
	if (!e)
		return;
	fprintf(f, "  fires when %s\n", e->summary);
	if (c->guard)
		fputs("  guards the artifacts: whatever -W and -Wno- make of it, a topology it\n"
		      "  fires on gets no artifact from config, build, graph or plan, and up\n"
		      "  changes nothing\n", f);
	fputs("\nWhat it means\n", f);
	indented(e->meaning, f);
	fputs("\nWhy it matters on Xen\n", f);
	indented(e->why, f);
	fputs("\nHow to fix it\n", f);
	indented(e->fix, f);
}

int explain_main(int argc, char **argv)
{
	enum check_id id;
	size_t i;

	for (i = 1; i < (size_t)argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			break;
	if (i < (size_t)argc) {
		printf("usage: %s\n\n"
		       "  CHECK   what the check means, why it matters on Xen, how to fix it\n"
		       "  --list  every check: name, default severity, what fires it\n"
		       "  --all   every check explained\n", usage);
		return EXIT_OK;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: %s\n", usage);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--list")) {
		for (i = 0; i < C__COUNT; i++) {
			const struct explanation *e = explain_of(i);
			printf("%-24s %-8s %s\n", check_info(i)->name, sev_word(check_info(i)->severity),
			       e ? e->summary : "");
		}
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--all")) {
		for (i = 0; i < C__COUNT; i++) {
			if (i)
				puts("");
			explain_one(i, stdout);
		}
		return EXIT_OK;
	}
	id = check_find(argv[1]);
	if (id == C__COUNT) {
		const char *near = check_suggest(argv[1]);
		fprintf(stderr, "xenshm-compose: unknown check '%s'", q(argv[1]));
		if (near)
			fprintf(stderr, "; did you mean '%s'?", near);
		fputs("\n(xenshm-compose explain --list shows every check)\n", stderr);
		return EXIT_USAGE;
	}
	explain_one(id, stdout);
	return EXIT_OK;
}
