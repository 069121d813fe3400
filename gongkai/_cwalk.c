/* gongkai._cwalk: the unit search (gongkai.repo.find_units) and the results cache's walk of each unit
 * (gongkai.results.manifest) in one pass, in C, without the interpreter's lock.
 *
 * scan(root, max_depth, skip, threads, stat_files) walks the folders under `root` as find_units does: outside units
 * it skips hidden folders and those named in `skip`, and a folder holding unit.yaml is a unit. Each unit's whole
 * folder is then walked (every folder, hidden ones too, as the results manifest covers them), in `threads` threads
 * at once: each folder is listed once (openat relative to the unit folder, names sorted), each entry that is no folder
 * lstat'ed relative to its folder's descriptor (fstatat: no path resolved per file), and what is found is written to
 * a byte stream that the caller hashes: for each folder 'D' and its path in the unit; for each other entry 'F', its
 * name and its size, mtime_ns, ctime_ns, inode and mode; for a link also 'L', the real path and the same five
 * numbers of what it leads to ('X' when it dangles); a folder that cannot be listed 'U', its path and the errno.
 * The encoding is prefix-free (names end with NUL, numbers are 8 bytes each), so two trees never give one stream.
 * A unit holding a link to a folder has no stream (None): what lies behind it is not walked, the unit is always
 * checked afresh. stat_files=False: only the unit search (no stream, no stat of files).
 *
 * It answers None whenever find_units would have something to report or decide on its own (a misnamed unit file
 * outside units, a link outside units, a folder it cannot list, folders nested too deeply): the caller then runs the
 * Python search, which reports, and walks the units on its own. Otherwise a list of (unit folder path, stream or
 * None), the path built as find_units builds it (root + "/" + the names), in no particular order.
 *
 * start(...) begins the same search in a thread of its own and answers at once; its result() waits for the answer
 * (the caller imports and reads its settings meanwhile). manifest(path) is the stream of one unit folder alone (the
 * same bytes as scan gives for it).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifndef __linux__
#error "the C walk lists folders with getdents64 (Linux): elsewhere gongkai walks in Python"
#endif

#include <dirent.h> /* DT_* */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ------------------------------------------------------------------ growing buffers */

typedef struct {
    char *data;
    size_t len, cap;
    int oom;
} buf_t;

static void buf_put(buf_t *b, const void *p, size_t n) {
    if (b->oom) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        char *d = realloc(b->data, cap);
        if (d == NULL) {
            b->oom = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void buf_str(buf_t *b, const char *s) { buf_put(b, s, strlen(s) + 1); }

static void buf_num(buf_t *b, int64_t v) { buf_put(b, &v, sizeof v); }

static void buf_stat(buf_t *b, const struct stat *st) {
    buf_num(b, (int64_t)st->st_size);
    buf_num(b, (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec);
    buf_num(b, (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec);
    buf_num(b, (int64_t)st->st_ino);
    buf_num(b, (int64_t)st->st_mode);
}

/* ------------------------------------------------------------------ listing one folder */

typedef struct {
    size_t off; /* into pool, then a pointer once the listing is complete */
    char *name;
    unsigned char type;
} ent_t;

typedef struct {
    ent_t *v;
    size_t n, cap;
    char *pool;
    size_t plen, pcap;
    char *dents; /* getdents64's buffer */
    int oom;
} list_t;

static void list_clear(list_t *l) {
    l->n = 0;
    l->plen = 0;
}

static void list_free(list_t *l) {
    free(l->v);
    free(l->pool);
    free(l->dents);
    memset(l, 0, sizeof *l);
}

static int by_name(const void *a, const void *b) {
    return strcmp(((const ent_t *)a)->name, ((const ent_t *)b)->name);
}

/* List the folder `path` (relative to `at`, or absolute) into l, sorted by name, with getdents64 itself (opendir
 * and readdir would add an fstat and two fcntl per folder: a third more system calls). Returns the open folder's
 * descriptor (for fstatat; the caller closes it), or -1 with *err set. */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

#define DENTS_SIZE (32 * 1024)

static int list_dir(int at, const char *path, int nofollow, list_t *l, int *err) {
    list_clear(l);
    if (l->dents == NULL && (l->dents = malloc(DENTS_SIZE)) == NULL) {
        l->oom = 1;
        *err = ENOMEM;
        return -1;
    }
    int fd = openat(at, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    for (;;) {
        long got = syscall(SYS_getdents64, fd, l->dents, DENTS_SIZE);
        if (got < 0) {
            *err = errno;
            close(fd);
            return -1;
        }
        if (got == 0) break;
        for (long pos = 0; pos < got;) {
            struct linux_dirent64 *e = (struct linux_dirent64 *)(l->dents + pos);
            pos += e->d_reclen;
            const char *nm = e->d_name;
            if (nm[0] == '.' && (nm[1] == 0 || (nm[1] == '.' && nm[2] == 0))) continue;
            size_t len = strlen(nm) + 1;
            if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 64;
                ent_t *v = realloc(l->v, cap * sizeof *v);
                if (v == NULL) goto oom;
                l->v = v;
                l->cap = cap;
            }
            if (l->plen + len > l->pcap) {
                size_t cap = l->pcap ? l->pcap : 4096;
                while (cap < l->plen + len) cap *= 2;
                char *p = realloc(l->pool, cap);
                if (p == NULL) goto oom;
                l->pool = p;
                l->pcap = cap;
            }
            memcpy(l->pool + l->plen, nm, len);
            l->v[l->n].off = l->plen;
            l->v[l->n].type = e->d_type;
            l->n++;
            l->plen += len;
        }
    }
    for (size_t i = 0; i < l->n; i++) l->v[i].name = l->pool + l->v[i].off;
    qsort(l->v, l->n, sizeof *l->v, by_name);
    return fd;
oom:
    l->oom = 1;
    *err = ENOMEM;
    close(fd);
    return -1;
}

/* ------------------------------------------------------------------ a stack of folders to walk */

typedef struct {
    char *rel; /* path below the unit (or the root), "" for itself */
    int depth;
    int visible; /* a folder find_units walks too */
} job_t;

typedef struct {
    job_t *v;
    size_t n, cap;
} stack_t_;

static int push(stack_t_ *s, const char *parent, const char *name, int depth, int visible) {
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        job_t *v = realloc(s->v, cap * sizeof *v);
        if (v == NULL) return -1;
        s->v = v;
        s->cap = cap;
    }
    size_t pl = strlen(parent), nl = strlen(name);
    char *rel = malloc(pl + nl + 2);
    if (rel == NULL) return -1;
    if (pl) {
        memcpy(rel, parent, pl);
        rel[pl] = '/';
        memcpy(rel + pl + 1, name, nl + 1);
    } else {
        memcpy(rel, name, nl + 1);
    }
    s->v[s->n].rel = rel;
    s->v[s->n].depth = depth;
    s->v[s->n].visible = visible;
    s->n++;
    return 0;
}

/* the jobs pushed since `first` (a folder's sub-folders, in name order) reversed, so that they are popped, and
 * walked, in name order */
static void reverse_from(stack_t_ *s, size_t first) {
    for (size_t i = first, j = s->n ? s->n - 1 : 0; i < j; i++, j--) {
        job_t tmp = s->v[i];
        s->v[i] = s->v[j];
        s->v[j] = tmp;
    }
}

static void stack_free(stack_t_ *s) {
    for (size_t i = 0; i < s->n; i++) free(s->v[i].rel);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------------ what find_units skips */

typedef struct {
    const char *root;
    int max_depth;
    char **skip;
    Py_ssize_t nskip;
    int stat_files;
} conf_t;

static int skipped(const conf_t *c, const char *name) {
    if (name[0] == '.') return 1;
    for (Py_ssize_t i = 0; i < c->nskip; i++)
        if (strcmp(c->skip[i], name) == 0) return 1;
    return 0;
}

/* A name find_units reports as a misnamed unit file (unit\.(ya?ml)(\.txt)?, ignoring case), or one that might
 * be under Unicode case folding (not ASCII and starting with u): the Python search then decides. */
static int variant(const char *name) {
    if (name[0] != 'u' && name[0] != 'U') return 0;
    char low[16];
    size_t i = 0;
    for (; name[i]; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (ch >= 0x80) return 1;
        if (i >= sizeof low - 1) return 0;
        low[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    low[i] = 0;
    return strcmp(low, "unit.yaml") == 0 || strcmp(low, "unit.yml") == 0 || strcmp(low, "unit.yaml.txt") == 0 ||
           strcmp(low, "unit.yml.txt") == 0;
}

static int has_unit_file(const list_t *l) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, "unit.yaml") == 0) return 1;
    return 0;
}

/* the entry's type without following a link: from the listing, or lstat when the file system does not say */
static unsigned char type_of(int dfd, const ent_t *e, struct stat *st, int *have) {
    *have = 0;
    if (e->type != DT_UNKNOWN) return e->type;
    if (fstatat(dfd, e->name, st, AT_SYMLINK_NOFOLLOW) != 0) return DT_UNKNOWN;
    *have = 1;
    if (S_ISDIR(st->st_mode)) return DT_DIR;
    if (S_ISLNK(st->st_mode)) return DT_LNK;
    return DT_REG;
}

/* ------------------------------------------------------------------ one unit */

typedef struct {
    char *path;  /* the unit folder, as find_units names it */
    char *rel;   /* below the root */
    int depth;   /* find_units' depth of the unit folder */
    int primary; /* found by the search outside units (its nested units are collected) */
    buf_t stream;
    int folder_link; /* holds a link to a folder: no stream */
    int bail;        /* something find_units reports: the Python search decides */
    char **nested;   /* units inside it (below the root) */
    size_t nnested, cnested;
    int oom;
} unit_t;

static void add_nested(unit_t *u, const char *rel) {
    if (u->nnested == u->cnested) {
        size_t cap = u->cnested ? u->cnested * 2 : 8;
        char **v = realloc(u->nested, cap * sizeof *v);
        if (v == NULL) {
            u->oom = 1;
            return;
        }
        u->nested = v;
        u->cnested = cap;
    }
    size_t ul = strlen(u->rel), rl = strlen(rel);
    char *s = malloc(ul + rl + 2);
    if (s == NULL) {
        u->oom = 1;
        return;
    }
    if (ul) {
        memcpy(s, u->rel, ul);
        s[ul] = '/';
        memcpy(s + ul + 1, rel, rl + 1);
    } else {
        memcpy(s, rel, rl + 1);
    }
    u->nested[u->nnested++] = s;
}

static void walk_unit(const conf_t *c, unit_t *u) {
    buf_t *b = &u->stream;
    list_t l = {0};
    stack_t_ st = {0};
    buf_t full = {0}; /* a link's own path, for realpath */
    int ufd = open(u->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (ufd < 0) {
        buf_put(b, "U", 1);
        buf_str(b, "");
        buf_num(b, errno);
        u->bail = 1;
        return;
    }
    if (push(&st, "", "", u->depth, 1) != 0) u->oom = 1;
    while (st.n > 0 && !u->oom) {
        job_t job = st.v[--st.n];
        int err = 0;
        int dfd = list_dir(ufd, job.rel[0] ? job.rel : ".", job.rel[0] != 0, &l, &err);
        if (dfd < 0) {
            if (l.oom) u->oom = 1;
            buf_put(b, "U", 1);
            buf_str(b, job.rel);
            buf_num(b, err);
            if (job.visible) u->bail = 1;
            free(job.rel);
            continue;
        }
        buf_put(b, "D", 1);
        buf_str(b, job.rel);
        int visible = job.visible;
        if (visible && job.rel[0]) {
            int unit_here = has_unit_file(&l);
            if (job.depth > c->max_depth) {
                if (unit_here) u->bail = 1; /* find_units reports it as nested too deeply */
                visible = 0;                /* otherwise find_units does not walk it, silently */
            } else if (unit_here && u->primary) {
                add_nested(u, job.rel);
            }
        }
        size_t first = st.n;
        for (size_t i = 0; i < l.n; i++) {
            const ent_t *e = &l.v[i];
            struct stat s;
            int have;
            unsigned char t = type_of(dfd, e, &s, &have);
            if (t == DT_DIR) {
                int seen = visible && !skipped(c, e->name);
                if ((seen || c->stat_files) && push(&st, job.rel, e->name, job.depth + 1, seen) != 0) u->oom = 1;
                continue; /* (without stat_files, only the folders the search walks) */
            }
            if (!c->stat_files) continue;
            if (!have && fstatat(dfd, e->name, &s, AT_SYMLINK_NOFOLLOW) != 0) continue; /* gone meanwhile */
            if (S_ISDIR(s.st_mode)) { /* became a folder since it was listed */
                if (push(&st, job.rel, e->name, job.depth + 1, visible && !skipped(c, e->name)) != 0) u->oom = 1;
                continue;
            }
            buf_put(b, "F", 1);
            buf_str(b, e->name);
            buf_stat(b, &s);
            if (S_ISLNK(s.st_mode)) {
                struct stat target;
                if (fstatat(dfd, e->name, &target, 0) != 0) {
                    buf_put(b, "X", 1);
                } else if (S_ISDIR(target.st_mode)) {
                    u->folder_link = 1;
                } else {
                    full.len = 0;
                    buf_put(&full, u->path, strlen(u->path));
                    if (job.rel[0]) {
                        buf_put(&full, "/", 1);
                        buf_put(&full, job.rel, strlen(job.rel));
                    }
                    buf_put(&full, "/", 1);
                    buf_str(&full, e->name);
                    if (full.oom) {
                        u->oom = 1;
                        continue;
                    }
                    char *real = realpath(full.data, NULL);
                    buf_put(b, "L", 1);
                    if (real != NULL) {
                        buf_str(b, real);
                        free(real);
                    } else {
                        buf_put(b, "?", 1);
                        buf_num(b, errno);
                    }
                    buf_stat(b, &target);
                }
            }
        }
        close(dfd);
        reverse_from(&st, first);
        free(job.rel);
    }
    if (b->oom) u->oom = 1;
    close(ufd);
    list_free(&l);
    stack_free(&st);
    free(full.data);
}

static void unit_free(unit_t *u) {
    free(u->path);
    free(u->rel);
    free(u->stream.data);
    for (size_t i = 0; i < u->nnested; i++) free(u->nested[i]);
    free(u->nested);
}

/* ------------------------------------------------------------------ the units in threads */

typedef struct {
    const conf_t *c;
    unit_t *units;
    size_t n;
    size_t next;
    pthread_mutex_t lock;
} pool_t;

static void *worker(void *arg) {
    pool_t *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->n) return NULL;
        walk_unit(p->c, &p->units[i]);
    }
}

static void walk_all(const conf_t *c, unit_t *units, size_t n, int threads) {
    pool_t p;
    p.c = c;
    p.units = units;
    p.n = n;
    p.next = 0;
    pthread_mutex_init(&p.lock, NULL);
    pthread_t tid[16];
    int started = 0;
    if (threads > 16) threads = 16;
    if ((size_t)threads > n) threads = (int)n;
    for (int i = 1; i < threads; i++) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        if (pthread_create(&tid[started], &attr, worker, &p) == 0) started++;
        pthread_attr_destroy(&attr);
    }
    worker(&p);
    for (int i = 0; i < started; i++) pthread_join(tid[i], NULL);
    pthread_mutex_destroy(&p.lock);
}

/* ------------------------------------------------------------------ the search outside units */

typedef struct {
    unit_t *v;
    size_t n, cap;
} units_t;

static char *join(const char *root, const char *rel) {
    size_t rl = strlen(root), l = strlen(rel);
    char *s = malloc(rl + l + 2);
    if (s == NULL) return NULL;
    memcpy(s, root, rl);
    if (l == 0) {
        s[rl] = 0;
        return s;
    }
    size_t k = rl;
    if (rl == 0 || root[rl - 1] != '/') s[k++] = '/';
    memcpy(s + k, rel, l + 1);
    return s;
}

static int add_unit(units_t *us, const char *root, const char *rel, int depth, int primary) {
    if (us->n == us->cap) {
        size_t cap = us->cap ? us->cap * 2 : 64;
        unit_t *v = realloc(us->v, cap * sizeof *v);
        if (v == NULL) return -1;
        us->v = v;
        us->cap = cap;
    }
    unit_t *u = &us->v[us->n];
    memset(u, 0, sizeof *u);
    u->path = join(root, rel);
    u->rel = strdup(rel);
    if (u->path == NULL || u->rel == NULL) {
        free(u->path);
        free(u->rel);
        return -1;
    }
    u->depth = depth;
    u->primary = primary;
    us->n++;
    return 0;
}

/* 0: done, 1: the Python search must decide, -1: out of memory */
static int search(const conf_t *c, units_t *us) {
    list_t l = {0};
    stack_t_ st = {0};
    int rc = 0;
    int rootfd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) return 1;
    if (push(&st, "", "", 0, 1) != 0) rc = -1;
    while (rc == 0 && st.n > 0) {
        job_t job = st.v[--st.n];
        int err = 0;
        int dfd = list_dir(rootfd, job.rel[0] ? job.rel : ".", 0, &l, &err);
        if (dfd < 0) {
            rc = l.oom ? -1 : 1;
            free(job.rel);
            break;
        }
        if (has_unit_file(&l)) {
            close(dfd);
            if (add_unit(us, c->root, job.rel, job.depth, 1) != 0) rc = -1;
            free(job.rel);
            continue;
        }
        size_t first = st.n;
        for (size_t i = 0; i < l.n && rc == 0; i++) {
            const ent_t *e = &l.v[i];
            if (variant(e->name)) {
                rc = 1;
                break;
            }
            if (skipped(c, e->name)) continue;
            struct stat s;
            int have;
            unsigned char t = type_of(dfd, e, &s, &have);
            if (t == DT_LNK) {
                rc = 1; /* find_units looks where it leads */
            } else if (t == DT_DIR) {
                if (job.depth + 1 > c->max_depth)
                    rc = 1;
                else if (push(&st, job.rel, e->name, job.depth + 1, 1) != 0)
                    rc = -1;
            } else if (t == DT_UNKNOWN) {
                rc = 1;
            }
        }
        close(dfd);
        reverse_from(&st, first);
        free(job.rel);
    }
    close(rootfd);
    list_free(&l);
    stack_free(&st);
    return rc;
}

/* ------------------------------------------------------------------ Python */

static PyObject *stream_of(const unit_t *u) {
    if (u->folder_link) Py_RETURN_NONE;
    return PyBytes_FromStringAndSize(u->stream.data ? u->stream.data : "", (Py_ssize_t)u->stream.len);
}

/* A search under way: started in a thread of its own by start() (so that the caller imports and reads the settings
 * meanwhile), its answer taken by result(); scan() runs one at once. */
typedef struct {
    PyObject_HEAD
    conf_t c; /* root and skip: copies owned here */
    int threads;
    units_t us;
    int rc, oom;
    int ran;     /* the search has run (its answer is in us, rc, oom) */
    int running; /* its thread is started and not joined yet */
    pthread_t tid;
    PyObject *answer;
} scan_t;

static void run_scan(scan_t *s) {
    const conf_t *c = &s->c;
    units_t *us = &s->us;
    int rc = search(c, us), oom = rc < 0;
    if (rc == 0) {
        size_t primary = us->n;
        walk_all(c, us->v, us->n, s->threads);
        for (size_t i = 0; i < primary && !oom; i++) {
            if (us->v[i].oom) oom = 1;
            if (us->v[i].bail) rc = 1;
        }
        if (rc == 0 && !oom) { /* units inside units: their own streams */
            for (size_t i = 0; i < primary && !oom; i++)
                for (size_t k = 0; k < us->v[i].nnested && !oom; k++) {
                    /* the depth of a nested unit: that of its outer unit and the names between */
                    int depth = us->v[i].depth + 1;
                    const char *r = us->v[i].nested[k] + strlen(us->v[i].rel) + (us->v[i].rel[0] ? 1 : 0);
                    for (; *r; r++)
                        if (*r == '/') depth++;
                    if (add_unit(us, c->root, us->v[i].nested[k], depth, 0) != 0) oom = 1;
                }
            if (!oom && us->n > primary) walk_all(c, us->v + primary, us->n - primary, s->threads);
            for (size_t i = primary; i < us->n; i++)
                if (us->v[i].oom) oom = 1;
        }
    }
    s->rc = rc;
    s->oom = oom;
    s->ran = 1;
}

static void *scan_thread(void *arg) {
    run_scan(arg);
    return NULL;
}

static void scan_join(scan_t *s) {
    if (s->running) {
        pthread_join(s->tid, NULL);
        s->running = 0;
    }
}

static void scan_dealloc(scan_t *s) {
    scan_join(s); /* (the thread touches no Python object: joined with the lock held) */
    for (size_t i = 0; i < s->us.n; i++) unit_free(&s->us.v[i]);
    free(s->us.v);
    for (Py_ssize_t i = 0; i < s->c.nskip; i++) free(s->c.skip[i]);
    free(s->c.skip);
    free((char *)s->c.root);
    Py_XDECREF(s->answer);
    Py_TYPE(s)->tp_free((PyObject *)s);
}

static PyObject *scan_result(scan_t *s, PyObject *unused) {
    if (s->answer != NULL) return Py_NewRef(s->answer);
    if (s->running || !s->ran) {
        Py_BEGIN_ALLOW_THREADS
        scan_join(s);
        if (!s->ran) run_scan(s);
        Py_END_ALLOW_THREADS
    }
    if (s->oom || s->rc < 0) return PyErr_NoMemory();
    if (s->rc != 0) {
        s->answer = Py_NewRef(Py_None);
        return Py_NewRef(Py_None);
    }
    PyObject *out = PyList_New((Py_ssize_t)s->us.n);
    if (out == NULL) return NULL;
    for (size_t i = 0; i < s->us.n; i++) {
        PyObject *path = PyUnicode_DecodeFSDefault(s->us.v[i].path);
        PyObject *stream = s->c.stat_files ? stream_of(&s->us.v[i]) : Py_NewRef(Py_None);
        PyObject *pair = (path && stream) ? PyTuple_Pack(2, path, stream) : NULL;
        Py_XDECREF(path);
        Py_XDECREF(stream);
        if (pair == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, (Py_ssize_t)i, pair);
    }
    for (size_t i = 0; i < s->us.n; i++) unit_free(&s->us.v[i]); /* (what the answer holds now) */
    s->us.n = 0;
    s->answer = Py_NewRef(out);
    return out;
}

static PyMethodDef scan_methods[] = {
    {"result", (PyCFunction)scan_result, METH_NOARGS,
     "result() -> [(unit folder, stream or None)] or None: the answer, waited for"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ScanType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "gongkai._cwalk.Scan",
    .tp_basicsize = sizeof(scan_t),
    .tp_dealloc = (destructor)scan_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "a search of the units under way (see start)",
    .tp_methods = scan_methods,
};

static scan_t *scan_new(PyObject *args) {
    PyObject *root_obj, *skip_obj, *rootb = NULL;
    int max_depth, threads, stat_files;
    if (!PyArg_ParseTuple(args, "OiOip", &root_obj, &max_depth, &skip_obj, &threads, &stat_files)) return NULL;
    if (!PyUnicode_FSConverter(root_obj, &rootb)) return NULL;
    PyObject *skip = PySequence_Fast(skip_obj, "skip: a sequence of names");
    if (skip == NULL) {
        Py_DECREF(rootb);
        return NULL;
    }
    scan_t *s = PyObject_New(scan_t, &ScanType);
    if (s == NULL) {
        Py_DECREF(skip);
        Py_DECREF(rootb);
        return NULL;
    }
    memset((char *)s + sizeof(PyObject), 0, sizeof *s - sizeof(PyObject));
    s->c.max_depth = max_depth;
    s->c.stat_files = stat_files;
    s->threads = threads;
    s->c.root = strdup(PyBytes_AS_STRING(rootb));
    Py_DECREF(rootb);
    Py_ssize_t nskip = PySequence_Fast_GET_SIZE(skip);
    s->c.skip = calloc(nskip ? (size_t)nskip : 1, sizeof(char *));
    if (s->c.root == NULL || s->c.skip == NULL) {
        Py_DECREF(skip);
        Py_DECREF(s);
        return (scan_t *)PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < nskip; i++) {
        PyObject *b = NULL;
        if (!PyUnicode_FSConverter(PySequence_Fast_GET_ITEM(skip, i), &b)) {
            Py_DECREF(skip);
            Py_DECREF(s);
            return NULL;
        }
        s->c.skip[i] = strdup(PyBytes_AS_STRING(b));
        Py_DECREF(b);
        s->c.nskip = i + 1;
        if (s->c.skip[i] == NULL) {
            Py_DECREF(skip);
            Py_DECREF(s);
            return (scan_t *)PyErr_NoMemory();
        }
    }
    Py_DECREF(skip);
    return s;
}

static PyObject *cwalk_start(PyObject *self, PyObject *args) {
    scan_t *s = scan_new(args);
    if (s == NULL) return NULL;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    if (pthread_create(&s->tid, &attr, scan_thread, s) == 0) s->running = 1; /* else: run by result() */
    pthread_attr_destroy(&attr);
    return (PyObject *)s;
}

static PyObject *cwalk_scan(PyObject *self, PyObject *args) {
    scan_t *s = scan_new(args);
    if (s == NULL) return NULL;
    PyObject *out = scan_result(s, NULL);
    Py_DECREF(s);
    return out;
}

static PyObject *cwalk_manifest(PyObject *self, PyObject *arg) {
    PyObject *pathb = NULL;
    if (!PyUnicode_FSConverter(arg, &pathb)) return NULL;
    conf_t c = {"", INT_MAX, NULL, 0, 1};
    unit_t u;
    memset(&u, 0, sizeof u);
    u.path = strdup(PyBytes_AS_STRING(pathb));
    u.rel = strdup("");
    Py_DECREF(pathb);
    if (u.path == NULL || u.rel == NULL) {
        unit_free(&u);
        return PyErr_NoMemory();
    }
    Py_BEGIN_ALLOW_THREADS
    walk_unit(&c, &u);
    Py_END_ALLOW_THREADS
    PyObject *out = u.oom ? PyErr_NoMemory() : stream_of(&u);
    unit_free(&u);
    return out;
}

/* ------------------------------------------------------------------ the files a unit's loader reads */

/* gongkai.repo.litter(name) for the names the plain walk of a unit meets: 0 not litter, 1 litter, -1 not decided here
 * (a name not ASCII that might match under case folding, a newline): the Python walk then decides. */
static int litter(const char *name) {
    size_t n = strlen(name);
    if (n >= 5 && strcmp(name + n - 5, ".yaml") == 0 && !strchr("~#rR", name[0])) return 0;
    char low[64];
    if (n >= sizeof low) return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (ch >= 0x80 || ch == '\n') return -1;
        low[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    low[n] = 0;
    static const char *ends[] = {"~", ".swp", ".swo", ".tmp", ".bak"};
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
        size_t k = strlen(ends[i]);
        if (n >= k && strcmp(low + n - k, ends[i]) == 0) return 1;
    }
    if (low[0] == '~' && low[1] == '$') return 1;
    if (n >= 2 && low[0] == '#' && low[n - 1] == '#') return 1;
    if (!strcmp(low, "thumbs.db") || !strcmp(low, "ehthumbs.db") || !strcmp(low, "desktop.ini")) return 1;
    if (strncmp(low, "readme", 6) == 0) {
        unsigned char next = (unsigned char)low[6];
        return !(next == '_' || (next >= '0' && next <= '9') || (next >= 'a' && next <= 'z'));
    }
    return 0;
}

/* a nested unit's folder (it holds unit.yaml, of any kind): it reads its own files */
static int holds_unit(int dfd, const char *name) {
    size_t n = strlen(name);
    char p[PATH_MAX];
    if (n + sizeof "/unit.yaml" > sizeof p) return -1;
    memcpy(p, name, n);
    memcpy(p + n, "/unit.yaml", sizeof "/unit.yaml");
    struct stat st;
    if (fstatat(dfd, p, &st, AT_SYMLINK_NOFOLLOW) == 0) return 1;
    return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
}

typedef struct {
    const char *name;
    int nests;
} section_t;

/* 0: every entry of the unit folder `top` is plain (see cwalk_unit_files), its YAML files in `files` (each a section
 * byte, then the path, NUL-ended) and its sub-folders walked in `dirs` (paths, NUL-ended); 1: something to report,
 * explain or resolve (the Python walk decides); -1: out of memory. */
static int plain_unit(const char *top, const section_t *sections, int nsections, int max_depth, char **skip,
                      Py_ssize_t nskip, const char *templates, buf_t *files, buf_t *dirs) {
    list_t l = {0};
    stack_t_ st = {0};
    int rc = 0;
    int err = 0;
    int tfd = list_dir(AT_FDCWD, top, 0, &l, &err);
    if (tfd < 0) return l.oom ? -1 : 1;
    for (size_t i = 0; i < l.n && rc == 0; i++) { /* the unit folder: only its sections are walked */
        const ent_t *e = &l.v[i];
        if (e->name[0] == '.' || strcmp(e->name, "unit.yaml") == 0) continue;
        int lit = litter(e->name);
        if (lit) {
            rc = lit < 0;
            continue;
        }
        struct stat s;
        int have;
        unsigned char t = type_of(tfd, e, &s, &have);
        if (t != DT_DIR) { /* a file at the top (or a link): reported, or gongkai.yaml, decided in Python */
            rc = 1;
            break;
        }
        int skipped_dir = 0;
        for (Py_ssize_t k = 0; k < nskip; k++)
            if (strcmp(skip[k], e->name) == 0) skipped_dir = 1;
        if (skipped_dir) continue; /* (evidence/ and the like, nested unit or not: left alone either way) */
        int nested = holds_unit(tfd, e->name);
        if (nested < 0) {
            rc = 1;
            break;
        }
        if (nested) continue;
        if (templates != NULL) {
            char *path = join(top, e->name);
            char *real = path ? realpath(path, NULL) : NULL;
            int same = real != NULL && strcmp(real, templates) == 0;
            if (path == NULL) rc = -1;
            else if (real == NULL) rc = 1;
            free(path);
            free(real);
            if (rc) break;
            if (same) continue;
        }
        int sec = -1;
        for (int k = 0; k < nsections; k++)
            if (strcmp(sections[k].name, e->name) == 0) sec = k;
        if (sec < 0) { /* a folder gongkai does not read: explained in Python */
            rc = 1;
            break;
        }
        if (push(&st, "", e->name, 1, sec) != 0) rc = -1;
    }
    close(tfd);
    reverse_from(&st, 0);
    char *base = NULL;
    while (rc == 0 && st.n > 0) { /* a section's folders: its YAML files, and its sub-folders when it has them */
        job_t job = st.v[--st.n];
        int sec = job.visible; /* (the section's index) */
        free(base);
        base = join(top, job.rel);
        if (base == NULL) {
            free(job.rel);
            rc = -1;
            break;
        }
        buf_str(dirs, base);
        int dfd = list_dir(AT_FDCWD, base, 1, &l, &err);
        if (dfd < 0) {
            rc = l.oom ? -1 : 1;
            free(job.rel);
            break;
        }
        size_t first = st.n;
        for (size_t i = 0; i < l.n && rc == 0; i++) {
            const ent_t *e = &l.v[i];
            if (e->name[0] == '.') continue;
            int lit = litter(e->name);
            if (lit) {
                rc = lit < 0;
                continue;
            }
            struct stat s;
            int have;
            unsigned char t = type_of(dfd, e, &s, &have);
            if (t == DT_DIR) {
                int nested = holds_unit(dfd, e->name);
                if (nested < 0 || (!nested && (!sections[sec].nests || job.depth >= max_depth))) {
                    rc = 1; /* a folder in plans/, or too deep: explained in Python */
                } else if (!nested && push(&st, job.rel, e->name, job.depth + 1, sec) != 0) {
                    rc = -1;
                }
                continue;
            }
            size_t n = strlen(e->name);
            if (t != DT_REG || n < 5 || strcmp(e->name + n - 5, ".yaml") != 0) {
                rc = 1; /* a link, not a regular file, not *.yaml: resolved or explained in Python */
                break;
            }
            unsigned char tag = (unsigned char)sec;
            buf_put(files, &tag, 1);
            buf_put(files, base, strlen(base));
            buf_put(files, "/", 1);
            buf_str(files, e->name);
        }
        close(dfd);
        reverse_from(&st, first);
        free(job.rel);
    }
    free(base);
    list_free(&l);
    stack_free(&st);
    if (rc == 0 && (files->oom || dirs->oom)) rc = -1;
    return rc;
}

/* unit_files(unit folder, sections, max_depth, skip, templates) -> ([paths of each section], [folders walked]) or
 * None. The files gongkai.repo.walk_unit returns for a unit folder that holds nothing to report: at its top only
 * hidden files, unit.yaml, litter, the folders in `skip`, the templates folder (its real path), nested units and the
 * sections (`sections`: (name, may hold sub-folders) pairs); in them only *.yaml regular files, hidden files, litter,
 * nested units and, where allowed, sub-folders less than max_depth deep; no link anywhere. Anything else (None): the
 * Python walk, which explains it. The paths are built as os.scandir builds them, in no particular order. */
static PyObject *cwalk_unit_files(PyObject *self, PyObject *args) {
    PyObject *top_obj, *sections_obj, *skip_obj, *templates_obj, *topb = NULL, *tplb = NULL;
    int max_depth;
    if (!PyArg_ParseTuple(args, "OOiOO", &top_obj, &sections_obj, &max_depth, &skip_obj, &templates_obj)) return NULL;
    PyObject *secs = PySequence_Fast(sections_obj, "sections: a sequence of (name, nests)");
    if (secs == NULL) return NULL;
    PyObject *skips = PySequence_Fast(skip_obj, "skip: a sequence of names");
    if (skips == NULL) {
        Py_DECREF(secs);
        return NULL;
    }
    Py_ssize_t nsec = PySequence_Fast_GET_SIZE(secs), nskip = PySequence_Fast_GET_SIZE(skips);
    section_t sections[32];
    char *skip[64];
    PyObject *result = NULL, *keep = PyList_New(0); /* the encoded names, alive while the walk reads them */
    if (keep == NULL) goto done;
    if (nsec > 32 || nskip > 64) {
        PyErr_SetString(PyExc_ValueError, "too many sections or skipped names");
        goto done;
    }
    for (Py_ssize_t i = 0; i < nsec; i++) {
        PyObject *pair = PySequence_Fast_GET_ITEM(secs, i), *nameb = NULL;
        PyObject *name = PyTuple_Check(pair) && PyTuple_GET_SIZE(pair) == 2 ? PyTuple_GET_ITEM(pair, 0) : NULL;
        if (name == NULL) {
            PyErr_SetString(PyExc_TypeError, "sections: (name, nests) pairs");
            goto done;
        }
        if (!PyUnicode_FSConverter(name, &nameb)) goto done;
        int added = PyList_Append(keep, nameb);
        Py_DECREF(nameb);
        if (added < 0) goto done;
        sections[i].name = PyBytes_AS_STRING(nameb);
        sections[i].nests = PyObject_IsTrue(PyTuple_GET_ITEM(pair, 1));
        if (sections[i].nests < 0) goto done;
    }
    for (Py_ssize_t i = 0; i < nskip; i++) {
        PyObject *nameb = NULL;
        if (!PyUnicode_FSConverter(PySequence_Fast_GET_ITEM(skips, i), &nameb)) goto done;
        int added = PyList_Append(keep, nameb);
        Py_DECREF(nameb);
        if (added < 0) goto done;
        skip[i] = PyBytes_AS_STRING(nameb);
    }
    if (!PyUnicode_FSConverter(top_obj, &topb)) goto done;
    if (templates_obj != Py_None && !PyUnicode_FSConverter(templates_obj, &tplb)) goto done;
    buf_t files = {0}, dirs = {0};
    int rc;
    const char *top = PyBytes_AS_STRING(topb), *tpl = tplb ? PyBytes_AS_STRING(tplb) : NULL;
    Py_BEGIN_ALLOW_THREADS
    rc = plain_unit(top, sections, (int)nsec, max_depth, skip, nskip, tpl, &files, &dirs);
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        PyErr_NoMemory();
    } else if (rc > 0) {
        result = Py_NewRef(Py_None);
    } else {
        PyObject *lists = PyTuple_New(nsec), *walked = PyList_New(0);
        int ok = lists != NULL && walked != NULL;
        for (Py_ssize_t i = 0; ok && i < nsec; i++) {
            PyObject *v = PyList_New(0);
            if (v == NULL) ok = 0;
            else PyTuple_SET_ITEM(lists, i, v);
        }
        for (size_t pos = 0; ok && pos < files.len;) {
            unsigned char sec = (unsigned char)files.data[pos];
            const char *p = files.data + pos + 1;
            size_t n = strlen(p);
            PyObject *path = PyUnicode_DecodeFSDefaultAndSize(p, (Py_ssize_t)n);
            if (path == NULL || PyList_Append(PyTuple_GET_ITEM(lists, sec), path) < 0) ok = 0;
            Py_XDECREF(path);
            pos += n + 2;
        }
        for (size_t pos = 0; ok && pos < dirs.len;) {
            const char *p = dirs.data + pos;
            size_t n = strlen(p);
            PyObject *path = PyUnicode_DecodeFSDefaultAndSize(p, (Py_ssize_t)n);
            if (path == NULL || PyList_Append(walked, path) < 0) ok = 0;
            Py_XDECREF(path);
            pos += n + 1;
        }
        if (ok) result = PyTuple_Pack(2, lists, walked);
        Py_XDECREF(lists);
        Py_XDECREF(walked);
    }
    free(files.data);
    free(dirs.data);
done:
    Py_XDECREF(keep);
    Py_XDECREF(topb);
    Py_XDECREF(tplb);
    Py_DECREF(secs);
    Py_DECREF(skips);
    return result;
}

/* ------------------------------------------------------------------ reading one file */

/* read_file(path, max_bytes) -> bytes (at most max_bytes + 1 of them), or why the file is not read: ("errno", errno)
 * when it cannot be opened or read, ("irregular", 0) when it is no regular file, ("large", size) when fstat says it is
 * over max_bytes. gongkai.repo.read_regular in C, the same system calls: opened without blocking (O_NONBLOCK, a FIFO
 * must not hang the run), fstat, one read of the whole file and one byte more, then bounded reads to the end. */
static PyObject *cwalk_read_file(PyObject *self, PyObject *args) {
    PyObject *path_obj, *pathb = NULL;
    Py_ssize_t max_bytes;
    if (!PyArg_ParseTuple(args, "On", &path_obj, &max_bytes)) return NULL;
    if (!PyUnicode_FSConverter(path_obj, &pathb)) return NULL;
    const char *path = PyBytes_AS_STRING(pathb);
    int err = 0, irregular = 0, nomem = 0;
    long long size = 0;
    char *data = NULL;
    size_t got = 0;
    Py_BEGIN_ALLOW_THREADS
    int fd;
    do fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        err = errno;
    } else {
        struct stat st;
        if (fstat(fd, &st) != 0) {
            err = errno;
        } else if (!S_ISREG(st.st_mode)) {
            irregular = 1;
        } else if ((long long)st.st_size > (long long)max_bytes) {
            size = (long long)st.st_size;
        } else {
            size_t want = (size_t)st.st_size + 1, cap = (size_t)max_bytes + 1;
            data = malloc(want);
            if (data == NULL) nomem = 1;
            while (data != NULL && err == 0 && !nomem && got < cap) {
                if (got == want) { /* the file grew: on, in bounded steps, up to the limit */
                    size_t more = want + (1 << 16) < cap ? want + (1 << 16) : cap;
                    char *d = realloc(data, more);
                    if (d == NULL) {
                        nomem = 1;
                        break;
                    }
                    data = d;
                    want = more;
                }
                ssize_t n = read(fd, data + got, want - got);
                if (n < 0) {
                    if (errno != EINTR) err = errno;
                    continue;
                }
                if (n == 0) break;
                got += (size_t)n;
                if (got < want && want == (size_t)st.st_size + 1) break; /* the first read: all of it */
            }
        }
        close(fd);
    }
    Py_END_ALLOW_THREADS
    Py_DECREF(pathb);
    PyObject *out;
    if (nomem) out = PyErr_NoMemory();
    else if (err) out = Py_BuildValue("(si)", "errno", err);
    else if (irregular) out = Py_BuildValue("(si)", "irregular", 0);
    else if (data == NULL) out = Py_BuildValue("(sL)", "large", size);
    else out = PyBytes_FromStringAndSize(data, (Py_ssize_t)got);
    free(data);
    return out;
}

static PyMethodDef methods[] = {
    {"scan", cwalk_scan, METH_VARARGS,
     "scan(root, max_depth, skip, threads, stat_files) -> [(unit folder, stream or None)] or None"},
    {"start", cwalk_start, METH_VARARGS, "start(root, max_depth, skip, threads, stat_files) -> Scan: scan() in a "
     "thread of its own, its answer taken by Scan.result()"},
    {"manifest", cwalk_manifest, METH_O, "manifest(unit folder) -> stream or None (a link to a folder inside)"},
    {"read_file", cwalk_read_file, METH_VARARGS, "read_file(path, max_bytes) -> bytes, or why not: ('errno', e), "
     "('irregular', 0), ('large', size)"},
    {"unit_files", cwalk_unit_files, METH_VARARGS, "unit_files(unit folder, sections, max_depth, skip, templates) -> "
     "([paths of each section], [folders walked]) or None: the files of a unit with nothing to report"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_cwalk", "gongkai's folder walk in C", -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__cwalk(void) {
    if (PyType_Ready(&ScanType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    if (PyModule_AddIntConstant(m, "VERSION", 1) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
