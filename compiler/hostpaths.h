/* Where a project lives on a Xen host (spec 7): its xenstore records and its lock. */
#ifndef XENSHM_HOSTPATHS_H
#define XENSHM_HOSTPATHS_H

/*
 * The seed's region root, which guests read, and our own bookkeeping; the
 * one spelling of each, so plans, readers and writers agree.
 */
#define XS_REGIONS "/local/shared_mem"
#define XS_PROJECTS "/local/xenshm-compose"

/*
 * One lock file per project (LOCK_PATH is a printf format of its name),
 * under /run: the locks go with the boot, as the domains they guard do.
 */
#define LOCK_DIR "/run/xenshm-compose"
#define LOCK_PATH LOCK_DIR "/%s.lock"
/*
 * The host lock, which serializes every project's preflight, creation,
 * scrubbing and records: a dot name no project can have.
 */
#define HOST_LOCK_PATH LOCK_DIR "/.host.lock"

#endif
