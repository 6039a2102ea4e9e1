/*
 * pace: an open-loop HTTP/1.1 load generator with microsecond pacing.
 *
 *   pace --url http://127.0.0.1:PORT/PATH --rate R --seconds S [--connections C]
 *        [--warmup W] [--seed N] [--arrivals poisson|uniform] [--timeout-ms T] [--dump FILE]
 *
 * Requests are scheduled in advance (open loop): request k is due at
 * t_k = t_0 + g_1 + ... + g_k, with exponential gaps of mean 1/R (poisson, from a seeded
 * PRNG, so runs repeat) or gaps of exactly 1/R (uniform). A due request goes out on an idle
 * keep-alive connection; if none is idle it waits in a FIFO. Its latency is counted from its
 * scheduled time, not from when it was sent, so a slow server cannot hide its queueing by
 * slowing the generator down (coordinated omission).
 *
 * One thread, one epoll set, nonblocking sockets, and a timerfd armed at the absolute time
 * of the next event (the next due request or the earliest deadline): no busy waiting.
 *
 * --dump FILE writes one line per recorded successful response, "<scheduled time> <latency>":
 * the time as Unix epoch milliseconds with six decimals (to line up with other processes'
 * logs), the latency in microseconds. It is how slow responses are seen to come in episodes.
 *
 * stdout: a human summary, then as the last line one line of JSON. Exit codes: 0 run done
 * (errors are reported, not fatal), 1 cannot connect or a system call failed, 2 bad
 * arguments.
 *
 * Build: cc -O2 -Wall -Wextra -o pace pace.c (libc only; no libm, see ln_pos()).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_SEC 1000000000ull
#define MAX_HEAD (64 * 1024)      /* largest response head accepted */
#define MAX_LINE 1024             /* largest chunk-size or trailer line accepted */
#define RETRY_NS (10ull * 1000000) /* wait before reconnecting after a failed connect */
#define READ_BUF (256 * 1024)

/* ---------------------------------------------------------------- options */

struct options {
    const char *url;
    char host[64];     /* as written in the URL, for the Host header */
    unsigned port;
    char path[8192];
    struct sockaddr_in addr;
    double rate, seconds, warmup;
    long connections, timeout_ms;
    uint64_t seed;
    bool poisson;
    const char *dump; /* file for one line per recorded response, or NULL */
};

static const char USAGE[] =
    "usage: pace --url http://HOST:PORT/PATH --rate R --seconds S [--connections C]\n"
    "            [--warmup W] [--seed N] [--arrivals poisson|uniform] [--timeout-ms T]\n"
    "            [--dump FILE]\n"
    "  --url          plain http:// to a numeric IPv4 host or localhost, with a port\n"
    "  --rate         requests per second, > 0 (at most 1000000)\n"
    "  --seconds      seconds of recorded schedule, > 0\n"
    "  --connections  keep-alive connections, 1..10000 (default 16)\n"
    "  --warmup       seconds of schedule sent first but not recorded, >= 0 (default 0.5)\n"
    "  --seed         PRNG seed for poisson arrivals, an unsigned integer (default 1)\n"
    "  --arrivals     poisson (exponential gaps, default) or uniform (gaps of exactly 1/R)\n"
    "  --timeout-ms   per-response timeout in ms, 1..3600000 (default 5000)\n"
    "  --dump         write \"<scheduled epoch ms> <latency us>\" per recorded response to FILE\n";

/* "pace: <message>" on stderr. */
static void complain(const char *fmt, va_list ap)
{
    fputs("pace: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n", stderr);
}

/* A bad argument: the message, the usage, exit 2. */
static void bad_arg(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void bad_arg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    complain(fmt, ap);
    va_end(ap);
    fputs(USAGE, stderr);
    exit(2);
}

/* Cannot go on (connect failed, a system call failed): the message, exit 1. */
static void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    complain(fmt, ap);
    va_end(ap);
    exit(1);
}

static double parse_double(const char *name, const char *text, double min, bool min_inclusive, double max)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    /* v != v: NaN; the range check also rejects infinities. */
    if (*text == '\0' || *end != '\0' || errno != 0 || v != v || v > max || v < min || (!min_inclusive && v == min))
        bad_arg("%s must be a number %s %g and at most %.0f, got '%s'", name, min_inclusive ? ">=" : ">", min, max, text);
    return v;
}

static long parse_long(const char *name, const char *text, long min, long max)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
        bad_arg("%s must be an integer from %ld to %ld, got '%s'", name, min, max, text);
    return v;
}

static uint64_t parse_u64(const char *name, const char *text)
{
    char *end;
    errno = 0;
    if (*text < '0' || *text > '9') /* strtoull would accept "-1" and " 1" */
        bad_arg("%s must be an unsigned integer, got '%s'", name, text);
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno != 0)
        bad_arg("%s must be an unsigned integer, got '%s'", name, text);
    return (uint64_t)v;
}

/* http://A.B.C.D:PORT/PATH or http://localhost:PORT/PATH; the path may be empty ("/"). */
static void parse_url(struct options *o, const char *url)
{
    static const char ACCEPTED[] =
        "only plain http:// to a numeric IPv4 host or localhost, with a port, e.g. http://127.0.0.1:8080/path";
    if (strncmp(url, "http://", 7) != 0)
        bad_arg("--url '%s' is not accepted: %s", url, ACCEPTED);
    const char *host = url + 7;
    const char *colon = strchr(host, ':');
    const char *slash = strchr(host, '/');
    if (!colon || (slash && slash < colon))
        bad_arg("--url '%s' has no port: %s", url, ACCEPTED);
    size_t host_len = (size_t)(colon - host);
    if (host_len == 0 || host_len >= sizeof o->host)
        bad_arg("--url '%s' has no valid host: %s", url, ACCEPTED);
    memcpy(o->host, host, host_len);
    o->host[host_len] = '\0';

    memset(&o->addr, 0, sizeof o->addr);
    o->addr.sin_family = AF_INET;
    const char *ip = strcmp(o->host, "localhost") == 0 ? "127.0.0.1" : o->host;
    if (inet_pton(AF_INET, ip, &o->addr.sin_addr) != 1)
        bad_arg("--url '%s': host '%s' is not a numeric IPv4 address or localhost: %s", url, o->host, ACCEPTED);

    const char *p = colon + 1;
    unsigned long port = 0;
    size_t digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 6) {
        port = port * 10 + (unsigned long)(*p - '0');
        p++;
        digits++;
    }
    if (digits == 0 || port < 1 || port > 65535 || (*p != '\0' && *p != '/' && *p != '?'))
        bad_arg("--url '%s' has no valid port (1..65535): %s", url, ACCEPTED);
    o->port = (unsigned)port;
    o->addr.sin_port = htons((uint16_t)port);

    /* The request target: everything after the port, up to a fragment, which is never sent. */
    size_t n = 0;
    if (*p != '/')
        o->path[n++] = '/';
    for (; *p && *p != '#'; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch <= 0x20 || ch >= 0x7f)
            bad_arg("--url '%s': the path may not contain spaces, control or non-ASCII characters (percent-encode them)", url);
        if (n + 1 >= sizeof o->path)
            bad_arg("--url '%s': the path is longer than %zu bytes", url, sizeof o->path - 1);
        o->path[n++] = (char)ch;
    }
    o->path[n] = '\0';
}

static void parse_options(struct options *o, int argc, char **argv)
{
    *o = (struct options){.connections = 16, .warmup = 0.5, .seed = 1, .poisson = true, .timeout_ms = 5000};
    bool have_rate = false, have_seconds = false;
    for (int i = 1; i < argc; i++) {
        const char *name = argv[i];
        if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
            fputs(USAGE, stdout);
            exit(0);
        }
        if (strncmp(name, "--", 2) != 0)
            bad_arg("unexpected argument '%s' (options are written --name value)", name);
        if (i + 1 >= argc)
            bad_arg("%s needs a value", name);
        const char *value = argv[++i];
        if (strcmp(name, "--url") == 0) {
            o->url = value;
            parse_url(o, value);
        } else if (strcmp(name, "--rate") == 0) {
            o->rate = parse_double(name, value, 0, false, 1e6);
            have_rate = true;
        } else if (strcmp(name, "--seconds") == 0) {
            o->seconds = parse_double(name, value, 0, false, 86400);
            have_seconds = true;
        } else if (strcmp(name, "--warmup") == 0) {
            o->warmup = parse_double(name, value, 0, true, 86400);
        } else if (strcmp(name, "--connections") == 0) {
            o->connections = parse_long(name, value, 1, 10000);
        } else if (strcmp(name, "--timeout-ms") == 0) {
            o->timeout_ms = parse_long(name, value, 1, 3600000);
        } else if (strcmp(name, "--seed") == 0) {
            o->seed = parse_u64(name, value);
        } else if (strcmp(name, "--dump") == 0) {
            if (value[0] == '\0')
                bad_arg("--dump needs a file name");
            o->dump = value;
        } else if (strcmp(name, "--arrivals") == 0) {
            if (strcmp(value, "poisson") == 0)
                o->poisson = true;
            else if (strcmp(value, "uniform") == 0)
                o->poisson = false;
            else
                bad_arg("--arrivals must be poisson or uniform, got '%s'", value);
        } else {
            bad_arg("unknown option '%s'", name);
        }
    }
    if (!o->url)
        bad_arg("--url is required (e.g. --url http://127.0.0.1:8080/path)");
    if (!have_rate)
        bad_arg("--rate is required (requests per second, > 0)");
    if (!have_seconds)
        bad_arg("--seconds is required (seconds of recorded schedule, > 0)");
}

/* ---------------------------------------------------------------- time and randomness */

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* splitmix64: a tiny 64-bit generator, good enough for arrival gaps and fully determined by the seed. */
static uint64_t rng_state;
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/*
 * Natural log of a positive, finite, normal x, written out because `cc ... pace.c` links no
 * libm. x = m * 2^e with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s), s = (m-1)/(m+1), whose
 * odd power series converges fast since |s| < 0.172 (13 terms: error far below 1e-15).
 */
static double ln_pos(double x)
{
    union {
        double d;
        uint64_t u;
    } v = {.d = x};
    int e = (int)((v.u >> 52) & 0x7ff) - 1023;
    v.u = (v.u & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
    double m = v.d;
    if (m > 1.4142135623730951) {
        m *= 0.5;
        e++;
    }
    double s = (m - 1) / (m + 1), s2 = s * s, term = s, sum = 0;
    for (int k = 1; k <= 25; k += 2) {
        sum += term / k;
        term *= s2;
    }
    return 2 * sum + e * 0.69314718055994530942;
}

/* An exponential gap with the given mean: -mean * ln(u), u uniform in (0, 1]. */
static double exp_gap(double mean)
{
    double u = (double)((rng_next() >> 11) + 1) * (1.0 / 9007199254740992.0);
    return -mean * ln_pos(u);
}

/* ---------------------------------------------------------------- growable arrays */

struct samples {
    uint64_t *v;
    size_t n, cap;
};

static void samples_push(struct samples *s, uint64_t x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4096;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (!s->v)
            fatal("out of memory for %zu samples", s->cap);
    }
    s->v[s->n++] = x;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest rank on sorted values: the smallest value with at least num/den of them at or below it. */
static uint64_t rank(const struct samples *s, uint64_t num, uint64_t den)
{
    if (s->n == 0)
        return 0;
    uint64_t r = (num * s->n + den - 1) / den;
    if (r < 1)
        r = 1;
    return s->v[r - 1];
}

/* Requests waiting for a connection: a ring buffer that doubles when full. */
struct pending {
    uint64_t sched;
    bool record;
};

static struct {
    struct pending *v;
    size_t head, len, cap;
} fifo;

static void fifo_push(uint64_t sched, bool record)
{
    if (fifo.len == fifo.cap) {
        size_t cap = fifo.cap ? fifo.cap * 2 : 1024;
        struct pending *v = malloc(cap * sizeof *v);
        if (!v)
            fatal("out of memory for %zu queued requests", cap);
        for (size_t i = 0; i < fifo.len; i++)
            v[i] = fifo.v[(fifo.head + i) % fifo.cap];
        free(fifo.v);
        fifo.v = v;
        fifo.head = 0;
        fifo.cap = cap;
    }
    fifo.v[(fifo.head + fifo.len) % fifo.cap] = (struct pending){sched, record};
    fifo.len++;
}

static struct pending fifo_pop(void)
{
    struct pending p = fifo.v[fifo.head];
    fifo.head = (fifo.head + 1) % fifo.cap;
    fifo.len--;
    return p;
}

/* ---------------------------------------------------------------- connections */

enum conn_state { C_CLOSED, C_CONNECTING, C_IDLE, C_BUSY };

/* Where the response reader is. */
enum parse_state {
    P_HEAD,       /* collecting the status line and headers up to CRLFCRLF */
    P_BODY_LEN,   /* Content-Length bytes left */
    P_BODY_EOF,   /* no length: the body ends when the server closes */
    P_CHUNK_SIZE, /* reading a chunk-size line */
    P_CHUNK_DATA, /* chunk bytes left */
    P_CHUNK_END,  /* the CRLF after a chunk's data */
    P_TRAILER,    /* trailer lines after the last chunk, up to an empty line */
    P_DONE
};

struct conn {
    int fd;
    uint32_t index;     /* 1-based: epoll data 0 is the timer */
    uint32_t gen;       /* bumped on every close, so events of a closed socket are ignored */
    enum conn_state state;
    uint32_t events;    /* what epoll watches for now */
    uint64_t deadline;  /* C_CONNECTING: connect timeout; C_BUSY: response timeout */
    uint64_t retry_at;  /* C_CLOSED: when to connect again */
    bool in_idle_ring;  /* listed in the idle ring (possibly stale, see idle_pop) */
    /* the request in flight */
    uint64_t sched;
    bool record;
    size_t written;
    /* the response reader */
    enum parse_state ps;
    char *head;
    size_t head_len;
    uint64_t left;
    int status;
    bool close_after;
    char line[MAX_LINE];
    size_t line_len;
};

static struct options opt;
static struct conn *conns;
static int epfd;
static char request[8400];
static size_t request_len;
static uint64_t timeout_ns;

/* Idle connections in the order they became idle, so that every connection stays in use. */
static struct {
    struct conn **v;
    size_t head, len, cap;
} idle;

static struct {
    uint64_t scheduled, warmup, sent, ok;
    uint64_t err_status, err_closed, err_timeout, err_protocol, err_unfinished;
    uint64_t connect_errors, reconnects, in_flight;
    size_t max_queued;
    struct samples latency_us; /* recorded successful responses, from the scheduled time */
    struct samples lag_ns;     /* send time minus scheduled time, requests that found an idle connection */
} st;

static void idle_push(struct conn *c)
{
    if (c->in_idle_ring)
        return;
    c->in_idle_ring = true;
    idle.v[(idle.head + idle.len) % idle.cap] = c;
    idle.len++;
}

/* Entries whose connection closed after it was listed are skipped here (lazy removal). */
static struct conn *idle_pop(void)
{
    while (idle.len) {
        struct conn *c = idle.v[idle.head];
        idle.head = (idle.head + 1) % idle.cap;
        idle.len--;
        c->in_idle_ring = false;
        if (c->state == C_IDLE)
            return c;
    }
    return NULL;
}

static void watch(struct conn *c, uint32_t events)
{
    if (c->events == events)
        return;
    struct epoll_event ev = {.events = events, .data.u64 = (uint64_t)c->gen << 32 | c->index};
    if (epoll_ctl(epfd, c->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev) != 0)
        fatal("epoll_ctl: %s", strerror(errno));
    c->events = events;
}

static void close_conn(struct conn *c)
{
    if (c->fd >= 0)
        close(c->fd); /* also leaves the epoll set */
    c->fd = -1;
    c->gen++;
    c->events = 0;
    c->state = C_CLOSED;
}

static int connect_errno; /* why the last connect failed at once */
static void start_connect(struct conn *c, uint64_t now);

/* A connect that failed: try again shortly (the server may be restarting). */
static void connect_failed(struct conn *c, uint64_t now)
{
    st.connect_errors++;
    close_conn(c);
    c->retry_at = now + RETRY_NS;
}

/* The request in flight on c failed: count it, then open a new connection in its place. */
static void request_failed(struct conn *c, uint64_t *counter, uint64_t now)
{
    if (c->state == C_BUSY) {
        st.in_flight--;
        if (c->record)
            (*counter)++;
    }
    close_conn(c);
    st.reconnects++;
    start_connect(c, now);
}

static void start_connect(struct conn *c, uint64_t now)
{
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        fatal("socket: %s", strerror(errno));
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->events = 0;
    /* Even a connect that completes at once is finished through epoll (EPOLLOUT is ready at
     * once): a failed request then never leads straight to sending the next one from here. */
    if (connect(c->fd, (struct sockaddr *)&opt.addr, sizeof opt.addr) == 0 || errno == EINPROGRESS ||
        errno == EINTR) {
        /* EINTR: the connect goes on asynchronously, as with EINPROGRESS. */
        c->state = C_CONNECTING;
        c->deadline = now + timeout_ns;
        watch(c, EPOLLOUT);
    } else {
        connect_errno = errno;
        connect_failed(c, now);
    }
}

static void try_write(struct conn *c, uint64_t now)
{
    while (c->written < request_len) {
        ssize_t n = send(c->fd, request + c->written, request_len - c->written, MSG_NOSIGNAL);
        if (n > 0) {
            c->written += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            watch(c, EPOLLIN | EPOLLOUT);
            return;
        } else {
            request_failed(c, &st.err_closed, now);
            return;
        }
    }
    watch(c, EPOLLIN);
}

static void send_request(struct conn *c, uint64_t sched, bool record, bool waited)
{
    uint64_t now = now_ns();
    if (record && !waited)
        samples_push(&st.lag_ns, now > sched ? now - sched : 0);
    c->state = C_BUSY;
    c->sched = sched;
    c->record = record;
    c->written = 0;
    c->ps = P_HEAD;
    c->head_len = 0;
    c->close_after = false;
    c->deadline = now + timeout_ns;
    st.in_flight++;
    st.sent++;
    try_write(c, now);
}

/* A connection is free: give it the oldest waiting request, or list it as idle. */
static void became_idle(struct conn *c)
{
    c->state = C_IDLE;
    if (fifo.len) {
        struct pending p = fifo_pop();
        send_request(c, p.sched, p.record, true);
    } else {
        idle_push(c);
    }
}

/* A request is due: send it now if a connection is idle, else queue it. */
static void issue(uint64_t sched, bool record)
{
    struct conn *c = fifo.len ? NULL : idle_pop();
    if (c) {
        send_request(c, sched, record, false);
        return;
    }
    fifo_push(sched, record);
    if (fifo.len > st.max_queued)
        st.max_queued = fifo.len;
}

/* ---------------------------------------------------------------- response reader */

static bool ci_contains(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (strncasecmp(s + i, needle, k) == 0)
            return true;
    return false;
}

static bool ci_equals(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

/* Reads the head in c->head[0..head_len) (ending in CRLFCRLF) and picks how the body ends. */
static bool parse_head(struct conn *c)
{
    char *h = c->head, *end = c->head + c->head_len;
    if (c->head_len < 12 || memcmp(h, "HTTP/1.", 7) != 0 || (h[7] != '0' && h[7] != '1') || h[8] != ' ')
        return false;
    if (h[9] < '0' || h[9] > '9' || h[10] < '0' || h[10] > '9' || h[11] < '0' || h[11] > '9')
        return false;
    bool http10 = h[7] == '0';
    int status = (h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0');
    bool chunked = false, has_length = false, keep_alive = false, close = false;
    uint64_t length = 0;

    char *p = memchr(h, '\n', c->head_len);
    p = p ? p + 1 : end;
    while (p < end) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            break;
        size_t len = (size_t)(eol - p);
        if (len && p[len - 1] == '\r')
            len--;
        if (len == 0)
            break;
        char *colon = memchr(p, ':', len);
        if (colon) {
            size_t name_len = (size_t)(colon - p);
            char *v = colon + 1, *v_end = p + len;
            while (v < v_end && (*v == ' ' || *v == '\t'))
                v++;
            while (v_end > v && (v_end[-1] == ' ' || v_end[-1] == '\t'))
                v_end--;
            size_t v_len = (size_t)(v_end - v);
            if (ci_equals(p, name_len, "content-length")) {
                uint64_t n = 0;
                if (v_len == 0 || v_len > 15)
                    return false;
                for (size_t i = 0; i < v_len; i++) {
                    if (v[i] < '0' || v[i] > '9')
                        return false;
                    n = n * 10 + (uint64_t)(v[i] - '0');
                }
                if (has_length && n != length)
                    return false;
                has_length = true;
                length = n;
            } else if (ci_equals(p, name_len, "transfer-encoding")) {
                chunked = chunked || ci_contains(v, v_len, "chunked");
            } else if (ci_equals(p, name_len, "connection")) {
                close = close || ci_contains(v, v_len, "close");
                keep_alive = keep_alive || ci_contains(v, v_len, "keep-alive");
            }
        }
        p = eol + 1;
    }

    c->head_len = 0;
    if (status >= 100 && status < 200) {
        if (status == 101)
            return false; /* an upgrade: no longer HTTP */
        c->ps = P_HEAD;   /* an interim response (100 Continue, 103): the real one follows */
        return true;
    }
    c->status = status;
    c->close_after = close || (http10 && !keep_alive);
    if (status == 204 || status == 304) {
        c->ps = P_DONE;
    } else if (chunked) {
        c->ps = P_CHUNK_SIZE;
        c->line_len = 0;
    } else if (has_length) {
        c->left = length;
        c->ps = length ? P_BODY_LEN : P_DONE;
    } else {
        c->ps = P_BODY_EOF;
        c->close_after = true;
    }
    return true;
}

/* Collects one line (chunk size, chunk end, trailer) in c->line, across reads. -1 too long, 0 more, 1 done. */
static int take_line(struct conn *c, const char *p, size_t n, size_t *i)
{
    while (*i < n) {
        char ch = p[(*i)++];
        if (ch == '\n') {
            if (c->line_len && c->line[c->line_len - 1] == '\r')
                c->line_len--;
            return 1;
        }
        if (c->line_len == MAX_LINE)
            return -1;
        c->line[c->line_len++] = ch;
    }
    return 0;
}

/*
 * Feeds bytes read from c to the response reader. Returns 1 when the response is complete
 * (*used tells how many bytes it took), 0 when it needs more, -1 on a malformed response.
 */
static int feed(struct conn *c, const char *p, size_t n, size_t *used)
{
    size_t i = 0;
    while (c->ps != P_DONE && i < n) {
        switch (c->ps) {
        case P_HEAD: {
            size_t take = n - i;
            if (c->head_len + take > MAX_HEAD)
                take = MAX_HEAD - c->head_len;
            memcpy(c->head + c->head_len, p + i, take);
            /* The terminator may straddle the previous read: look back 3 bytes. */
            size_t from = c->head_len >= 3 ? c->head_len - 3 : 0;
            c->head_len += take;
            char *t = memmem(c->head + from, c->head_len - from, "\r\n\r\n", 4);
            if (!t) {
                if (c->head_len == MAX_HEAD)
                    return -1;
                i += take;
                break;
            }
            size_t head_end = (size_t)(t - c->head) + 4;
            i += take - (c->head_len - head_end); /* bytes after the head belong to the body */
            c->head_len = head_end;
            if (!parse_head(c))
                return -1;
            break;
        }
        case P_BODY_LEN:
        case P_CHUNK_DATA: {
            uint64_t take = n - i < c->left ? n - i : c->left;
            c->left -= take;
            i += take;
            if (c->left == 0) {
                c->ps = c->ps == P_BODY_LEN ? P_DONE : P_CHUNK_END;
                c->line_len = 0;
            }
            break;
        }
        case P_BODY_EOF:
            i = n;
            break;
        case P_CHUNK_SIZE: {
            int r = take_line(c, p, n, &i);
            if (r < 0)
                return -1;
            if (r == 0)
                break;
            uint64_t size = 0;
            size_t k = 0, digits = 0;
            for (; k < c->line_len; k++, digits++) {
                char ch = c->line[k];
                int d = ch >= '0' && ch <= '9' ? ch - '0'
                        : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                        : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                                 : -1;
                if (d < 0)
                    break;
                if (digits == 15)
                    return -1; /* absurdly large */
                size = size * 16 + (uint64_t)d;
            }
            /* After the digits only whitespace or a chunk extension (";name=value") may follow. */
            if (digits == 0 || (k < c->line_len && c->line[k] != ';' && c->line[k] != ' ' && c->line[k] != '\t'))
                return -1;
            c->line_len = 0;
            if (size == 0) {
                c->ps = P_TRAILER;
            } else {
                c->left = size;
                c->ps = P_CHUNK_DATA;
            }
            break;
        }
        case P_CHUNK_END: {
            int r = take_line(c, p, n, &i);
            if (r < 0 || (r == 1 && c->line_len != 0))
                return -1;
            if (r == 1)
                c->ps = P_CHUNK_SIZE;
            break;
        }
        case P_TRAILER: {
            int r = take_line(c, p, n, &i);
            if (r < 0)
                return -1;
            if (r == 1) {
                if (c->line_len == 0)
                    c->ps = P_DONE;
                c->line_len = 0;
            }
            break;
        }
        case P_DONE:
            break;
        }
    }
    *used = i;
    return c->ps == P_DONE ? 1 : 0;
}

/* --dump: the open file, and CLOCK_REALTIME minus CLOCK_MONOTONIC at the start, in ns. */
static FILE *dump_file;
static uint64_t dump_epoch_offset;

/* The response on c is complete: count it, then reuse the connection (or replace it). */
static void response_done(struct conn *c, uint64_t now)
{
    st.in_flight--;
    if (c->record) {
        if (c->status >= 200 && c->status < 400) {
            st.ok++;
            samples_push(&st.latency_us, (now - c->sched) / 1000);
            if (dump_file) {
                uint64_t at = c->sched + dump_epoch_offset;
                fprintf(dump_file, "%" PRIu64 ".%06" PRIu64 " %" PRIu64 "\n", at / 1000000, at % 1000000, (now - c->sched) / 1000);
            }
        } else {
            st.err_status++;
        }
    }
    if (c->close_after) {
        close_conn(c);
        st.reconnects++;
        start_connect(c, now);
    } else {
        became_idle(c);
    }
}

static char read_buf[READ_BUF];

static void on_readable(struct conn *c)
{
    for (;;) {
        ssize_t n = read(c->fd, read_buf, sizeof read_buf);
        uint64_t now = now_ns();
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (c->state == C_IDLE) {
            /* The server closed an idle connection (keep-alive timeout) or sent something
             * unasked: either way it is no longer usable. No request was lost. */
            close_conn(c);
            st.reconnects++;
            start_connect(c, now);
            return;
        }
        if (n == 0 && c->ps == P_BODY_EOF) {
            c->ps = P_DONE;
            response_done(c, now); /* close_after is set, so this reconnects */
            return;
        }
        if (n <= 0) {
            request_failed(c, &st.err_closed, now);
            return;
        }
        size_t used = 0;
        int r = feed(c, read_buf, (size_t)n, &used);
        if (r < 0) {
            request_failed(c, &st.err_protocol, now);
            return;
        }
        if (r == 1) {
            bool extra = used < (size_t)n; /* bytes nobody asked for: the stream is out of step */
            if (extra)
                c->close_after = true;
            response_done(c, now);
            return;
        }
        if ((size_t)n < sizeof read_buf)
            return; /* probably drained; epoll says when more arrives */
    }
}

static void on_event(struct conn *c, uint32_t events)
{
    uint64_t now = now_ns();
    if (c->state == C_CONNECTING) {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
            err = errno;
        if (err != 0 || (events & (EPOLLERR | EPOLLHUP))) {
            connect_failed(c, now);
        } else if (events & EPOLLOUT) {
            watch(c, EPOLLIN);
            became_idle(c);
        }
        return;
    }
    if (c->state == C_BUSY && (events & EPOLLOUT) && c->written < request_len) {
        try_write(c, now);
        if (c->state != C_BUSY)
            return;
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        on_readable(c);
}

/* ---------------------------------------------------------------- output */

/* A number as JSON without needless digits: 400, 0.5, 333.333333. */
static void put_number(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.6f", v);
    char *dot = strchr(buf, '.');
    if (!dot)
        return;
    char *e = buf + strlen(buf) - 1;
    while (e > dot && *e == '0')
        *e-- = '\0';
    if (e == dot)
        *e = '\0';
}

static void report(void)
{
    struct samples *l = &st.latency_us;
    if (l->n)
        qsort(l->v, l->n, sizeof *l->v, cmp_u64);
    if (st.lag_ns.n)
        qsort(st.lag_ns.v, st.lag_ns.n, sizeof *st.lag_ns.v, cmp_u64);
    uint64_t sum = 0;
    for (size_t i = 0; i < l->n; i++)
        sum += l->v[i];
    double ms = 1e-3;
    double p50 = rank(l, 50, 100) * ms, p90 = rank(l, 90, 100) * ms, p99 = rank(l, 99, 100) * ms;
    double p999 = rank(l, 999, 1000) * ms, max = l->n ? l->v[l->n - 1] * ms : 0;
    double mean = l->n ? (double)sum / (double)l->n * ms : 0;
    uint64_t errors = st.err_status + st.err_closed + st.err_timeout + st.err_protocol + st.err_unfinished;
    double achieved = (double)l->n / opt.seconds;
    const char *arrivals = opt.poisson ? "poisson" : "uniform";
    char rate[64], seconds[64], warmup[64];
    put_number(rate, sizeof rate, opt.rate);
    put_number(seconds, sizeof seconds, opt.seconds);
    put_number(warmup, sizeof warmup, opt.warmup);

    printf("pace %s: %s arrivals at %s req/s for %s s (after %s s of warm-up), %ld connections\n", opt.url, arrivals, rate,
           seconds, warmup, opt.connections);
    printf("  requests  %" PRIu64 " recorded, %" PRIu64 " warm-up, %" PRIu64 " sent in all\n", st.scheduled, st.warmup,
           st.sent);
    printf("  errors    %" PRIu64 ": status %" PRIu64 ", closed %" PRIu64 ", timeout %" PRIu64 ", bad response %" PRIu64
           ", unfinished %" PRIu64 "; connect errors %" PRIu64 ", reconnects %" PRIu64 "\n",
           errors, st.err_status, st.err_closed, st.err_timeout, st.err_protocol, st.err_unfinished, st.connect_errors,
           st.reconnects);
    printf("  achieved  %.1f req/s, at most %zu requests waiting for a connection\n", achieved, st.max_queued);
    printf("  latency from the scheduled time (ms): p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  mean %.3f\n", p50,
           p90, p99, p999, max, mean);
    const struct samples *g = &st.lag_ns;
    printf("  send lag behind schedule (us, %zu requests that found an idle connection): p50 %.1f  p99 %.1f  max %.1f\n",
           g->n, rank(g, 50, 100) / 1e3, rank(g, 99, 100) / 1e3, g->n ? g->v[g->n - 1] / 1e3 : 0.0);
    printf("{\"requests\":%" PRIu64 ",\"errors\":%" PRIu64 ",\"rate\":%s,\"achievedRate\":%.3f,\"seconds\":%s,"
           "\"connections\":%ld,\"arrivals\":\"%s\",\"p50Ms\":%.3f,\"p90Ms\":%.3f,\"p99Ms\":%.3f,\"p999Ms\":%.3f,"
           "\"maxMs\":%.3f,\"meanMs\":%.3f,\"maxQueued\":%zu,\"warmupRequests\":%" PRIu64 ","
           "\"errorsStatus\":%" PRIu64 ",\"errorsClosed\":%" PRIu64 ",\"errorsTimeout\":%" PRIu64
           ",\"errorsBadResponse\":%" PRIu64 ",\"errorsUnfinished\":%" PRIu64 ",\"reconnects\":%" PRIu64
           ",\"sendLagP50Us\":%.1f,\"sendLagSamples\":%zu}\n",
           st.scheduled, errors, rate, achieved, seconds, opt.connections, arrivals, p50, p90, p99, p999, max, mean,
           st.max_queued, st.warmup, st.err_status, st.err_closed, st.err_timeout, st.err_protocol, st.err_unfinished,
           st.reconnects, rank(g, 50, 100) / 1e3, g->n);
    fflush(stdout);
}

/* ---------------------------------------------------------------- main loop */

static int timer_fd;
static uint64_t timer_armed;

/* Arms the timerfd at an absolute CLOCK_MONOTONIC time; timerfd_settime also clears a past expiry. */
static void arm_timer(uint64_t at)
{
    if (at == timer_armed)
        return;
    struct itimerspec its = {.it_value = {.tv_sec = (time_t)(at / NS_PER_SEC), .tv_nsec = (long)(at % NS_PER_SEC)}};
    if (timerfd_settime(timer_fd, TFD_TIMER_ABSTIME, &its, NULL) != 0)
        fatal("timerfd_settime: %s", strerror(errno));
    timer_armed = at;
}

/* The connection an event is for, or NULL for the timer and for sockets closed since (stale). */
static struct conn *event_conn(const struct epoll_event *ev)
{
    uint32_t index = (uint32_t)ev->data.u64, gen = (uint32_t)(ev->data.u64 >> 32);
    if (index == 0 || index > (uint32_t)opt.connections)
        return NULL;
    struct conn *c = &conns[index - 1];
    return c->gen == gen && c->fd >= 0 ? c : NULL;
}

static int wait_events(struct epoll_event *events, int max)
{
    for (;;) {
        int n = epoll_wait(epfd, events, max, -1);
        if (n >= 0)
            return n;
        if (errno != EINTR)
            fatal("epoll_wait: %s", strerror(errno));
    }
}

/* Opens every connection before the clock starts; any failure ends the run (exit 1). */
static void open_connections(void)
{
    uint64_t now = now_ns();
    for (long i = 0; i < opt.connections; i++) {
        conns[i].fd = -1;
        conns[i].index = (uint32_t)i + 1;
        conns[i].head = malloc(MAX_HEAD + 1);
        if (!conns[i].head)
            fatal("out of memory");
        start_connect(&conns[i], now);
        if (conns[i].state == C_CLOSED)
            fatal("cannot connect to %s:%u: %s", opt.host, opt.port, strerror(connect_errno));
    }
    arm_timer(now + timeout_ns);
    struct epoll_event events[256];
    for (;;) {
        long connecting = 0;
        for (long i = 0; i < opt.connections; i++)
            connecting += conns[i].state == C_CONNECTING;
        if (connecting == 0)
            break;
        int n = wait_events(events, 256);
        for (int k = 0; k < n; k++) {
            struct conn *c = event_conn(&events[k]);
            if (events[k].data.u64 == 0)
                fatal("cannot connect to %s:%u: timed out after %ld ms", opt.host, opt.port, opt.timeout_ms);
            if (!c || c->state != C_CONNECTING)
                continue;
            int err = 0;
            socklen_t len = sizeof err;
            if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
                err = errno;
            if (err == 0 && (events[k].events & (EPOLLERR | EPOLLHUP)))
                err = ECONNREFUSED;
            if (err != 0)
                fatal("cannot connect to %s:%u: %s", opt.host, opt.port, strerror(err));
            on_event(c, events[k].events);
        }
    }
    timer_armed = 0;
}

int main(int argc, char **argv)
{
    parse_options(&opt, argc, argv);
    signal(SIGPIPE, SIG_IGN);
    /* Timer slack defaults to 50 us; 1 ns lets the kernel wake us when asked. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)opt.connections + 16) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)opt.connections + 16 ? rl.rlim_max : (rlim_t)opt.connections + 16;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    int n = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s:%u\r\n\r\n", opt.path, opt.host, opt.port);
    request_len = (size_t)n;
    timeout_ns = (uint64_t)opt.timeout_ms * 1000000ull;
    rng_state = opt.seed;

    if (opt.dump) {
        dump_file = fopen(opt.dump, "w");
        if (!dump_file)
            fatal("cannot write --dump file %s: %s", opt.dump, strerror(errno));
        struct timespec real;
        clock_gettime(CLOCK_REALTIME, &real);
        dump_epoch_offset = (uint64_t)real.tv_sec * NS_PER_SEC + (uint64_t)real.tv_nsec - now_ns();
    }

    epfd = epoll_create1(EPOLL_CLOEXEC);
    timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (epfd < 0 || timer_fd < 0)
        fatal("epoll/timerfd: %s", strerror(errno));
    struct epoll_event tev = {.events = EPOLLIN, .data.u64 = 0};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, timer_fd, &tev) != 0)
        fatal("epoll_ctl: %s", strerror(errno));

    conns = calloc((size_t)opt.connections, sizeof *conns);
    idle.cap = (size_t)opt.connections;
    idle.v = calloc(idle.cap, sizeof *idle.v);
    if (!conns || !idle.v)
        fatal("out of memory");
    open_connections();

    /* The schedule, as offsets from t0 in ns (doubles: no drift from rounding each gap). */
    const double gap_ns = 1e9 / opt.rate;
    const double warmup_ns = opt.warmup * 1e9, end_ns = (opt.warmup + opt.seconds) * 1e9;
    const uint64_t t0 = now_ns();
    uint64_t k = 1;
    double offset = opt.poisson ? exp_gap(gap_ns) : gap_ns;
    bool schedule_done = offset >= end_ns;
    const uint64_t drain_end = t0 + (uint64_t)end_ns + timeout_ns;

    struct epoll_event events[256];
    for (;;) {
        uint64_t now = now_ns();
        /* Every request that is due goes out (or into the FIFO) now. */
        while (!schedule_done && t0 + (uint64_t)offset <= now) {
            bool record = offset >= warmup_ns;
            if (record)
                st.scheduled++;
            else
                st.warmup++;
            issue(t0 + (uint64_t)offset, record);
            k++;
            offset = opt.poisson ? offset + exp_gap(gap_ns) : (double)k * gap_ns;
            schedule_done = offset >= end_ns;
        }

        /* Deadlines: responses that took too long, connects that hang, reconnects that are due. */
        now = now_ns();
        uint64_t wake = schedule_done ? drain_end : t0 + (uint64_t)offset;
        for (long i = 0; i < opt.connections; i++) {
            struct conn *c = &conns[i];
            if (c->state == C_BUSY && c->deadline <= now)
                request_failed(c, &st.err_timeout, now);
            else if (c->state == C_CONNECTING && c->deadline <= now)
                connect_failed(c, now);
            else if (c->state == C_CLOSED && c->retry_at <= now)
                start_connect(c, now);
            if ((c->state == C_BUSY || c->state == C_CONNECTING) && c->deadline < wake)
                wake = c->deadline;
            else if (c->state == C_CLOSED && c->retry_at < wake)
                wake = c->retry_at;
        }

        if (schedule_done && fifo.len == 0 && st.in_flight == 0)
            break;
        if (schedule_done && now >= drain_end) {
            /* Out of time: whatever is still queued or in flight failed. */
            for (long i = 0; i < opt.connections; i++)
                st.err_unfinished += conns[i].state == C_BUSY && conns[i].record;
            while (fifo.len)
                st.err_unfinished += fifo_pop().record;
            break;
        }

        arm_timer(wake);
        int got = wait_events(events, 256);
        for (int e = 0; e < got; e++) {
            struct conn *c = event_conn(&events[e]);
            if (events[e].data.u64 == 0)
                timer_armed = 0; /* it fired; the next arm_timer resets it */
            else if (c)
                on_event(c, events[e].events);
        }
    }
    report();
    if (dump_file && fclose(dump_file) != 0)
        fatal("writing the --dump file %s: %s", opt.dump, strerror(errno));
    return 0;
}
