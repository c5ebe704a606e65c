/*
 * The write floor of `make bench`: creates the files a build wrote, same
 * paths and sizes, under a new directory, from a file of "SIZE PATH" lines
 * (`find OUT -type f -printf '%s %P\n'`). What `build`
 * cannot avoid: one open, write and close per artifact, plus the
 * directories; bench/run.sh compares build with parse floor + this.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p of the directories in path, relative to dirfd */
static int parents(int dirfd, char *path)
{
	char *slash = path;

	while ((slash = strchr(slash, '/'))) {
		*slash = '\0';
		if (mkdirat(dirfd, path, 0777) && errno != EEXIST)
			return -1;
		*slash++ = '/';
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	char line[4096], *path;
	long size, left, files = 0;
	ssize_t n;
	int dirfd, fd;

	FILE *list;

	if (argc != 3 || !(list = fopen(argv[2], "r")) || mkdir(argv[1], 0777) ||
	    (dirfd = open(argv[1], O_RDONLY | O_DIRECTORY)) < 0) {
		fprintf(stderr, "usage: floor_write NEWDIR LIST   (LIST: lines 'SIZE PATH')\n");
		return 1;
	}
	memset(buf, 'x', sizeof(buf));
	while (fgets(line, sizeof(line), list)) {
		line[strcspn(line, "\n")] = '\0';
		size = strtol(line, &path, 10);
		if (*path++ != ' ' || size < 0 || parents(dirfd, path))
			return fprintf(stderr, "floor_write: bad line '%s'\n", line), 1;
		fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		for (left = size, n = 0; fd >= 0 && left > 0 && n >= 0; left -= n)
			n = write(fd, buf, left < (long)sizeof(buf) ? (size_t)left : sizeof(buf));
		if (fd < 0 || left || close(fd))
			return perror(path), 1;
		files++;
	}
	printf("%ld files\n", files);
	return 0;
}
