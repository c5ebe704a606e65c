/* `graph FILE [-o OUT]`: the sharing as DOT, or rendered to SVG/PNG through Graphviz. */
#include "cli.h"
#include "compile.h"
#include "emit.h"
#include "output.h"
#include "text.h"

#ifdef HAVE_GVC
#include <graphviz/gvc.h>
#else
#include <sys/wait.h>
#include <unistd.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"xenshm-compose graph FILE [-o OUT.dot|OUT.svg|OUT.png|OUT.pdf] [-W NAME] [-Wno-NAME] "
	"[-E NAME] [-Werror]";

/* the Graphviz output format named by the file's extension; NULL for DOT text */
static const char *render_format(const char *path, int *bad)
{
	static const char *const known[] = { "svg", "png", "pdf", NULL };
	const char *base = path ? strrchr(path, '/') : NULL;
	const char *dot;
	int i;

	*bad = 0;
	if (!path)
		return NULL;
	dot = strrchr(base ? base + 1 : path, '.');
	if (dot && (!strcmp(dot, ".dot") || !strcmp(dot, ".gv")))
		return NULL;
	for (i = 0; dot && known[i]; i++)
		if (!strcmp(dot + 1, known[i]))
			return known[i];
	*bad = 1;	/* no extension, or one Graphviz is not asked for here */
	return NULL;
}

#ifdef HAVE_GVC
/* DOT text -> format, into tmp (libgvc writes the file itself) */
static int render(const char *dot, const char *format, const char *tmp)
{
	GVC_t *gvc = gvContext();
	graph_t *g = agmemread(dot);
	int ret = -1;

	if (g && gvLayout(gvc, g, "dot") == 0) {
		ret = gvRenderFilename(gvc, g, format, tmp) ? -1 : 0;
		gvFreeLayout(gvc, g);
	}
	if (g)
		agclose(g);
	gvFreeContext(gvc);
	return ret;
}
#else
/* built without libgvc: the dot program, when present, does the same (no shell) */
static int render(const char *dot, const char *format, const char *tmp)
{
	char *fmt = xasprintf("-T%s", format);
	int fds[2], status = 0;
	size_t len = strlen(dot), off = 0;
	pid_t pid;

	if (pipe(fds)) {
		free(fmt);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		execlp("dot", "dot", fmt, "-o", tmp, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	free(fmt);
	while (pid > 0 && off < len) {
		ssize_t n = write(fds[1], dot + off, len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fds[1]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return off == len && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}
#endif

static int write_graph(const struct topology *t, const char *out)
{
	int bad, ret = -1;
	const char *format = render_format(out, &bad);
	char *tmp = NULL, *text = NULL;
	size_t len = 0;
	FILE *f;

	if (bad) {
		fprintf(stderr, "xenshm-compose: cannot tell the format of '%s': use .dot, .gv, "
			".svg, .png or .pdf\nusage: %s\n", q(out), usage);
		return -1;
	}
	if (!out)
		return emit_dot(t, stdout);
	if (!format) {
		if (!(f = output_open(out, &tmp)))
			return -1;
		if (emit_dot(t, f)) {
			output_abort(f, tmp);
			return -1;
		}
		return output_commit(f, tmp, out);
	}
	f = open_memstream(&text, &len);
	if (!f || emit_dot(t, f) || fclose(f)) {
		free(text);
		return -1;
	}
	if ((f = output_open(out, &tmp))) {
		fclose(f);
		if (render(text, format, tmp) == 0 && rename(tmp, out) == 0) {
			ret = 0;
		} else {
			fprintf(stderr, "xenshm-compose: Graphviz could not render '%s'\n", q(out));
			remove(tmp);
		}
		free(tmp);
	}
	free(text);
	return ret;
}

int graph_main(int argc, char **argv)
{
	struct options o;
	struct compile c = { 0 };
	int ret;

	ret = parse_options(argc, argv, OPT_OUTPUT, usage, &o);
	if (ret)
		return ret;
	ret = compile_checked(&c, o.file, &o.diag, false);
	if (ret == EXIT_OK && write_graph(&c.t, o.output))
		ret = EXIT_USAGE;
	compile_release_at_exit(&c);
	return ret;
}
