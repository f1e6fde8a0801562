/*
 * pyhpo TPE kernel (see tpe.h for the API). Each step mirrors a numpy step of
 * pyhpo/samplers/_tpe/parzen_estimator.py, named in the comments, with the same operations in the same order,
 * so that both paths give the same candidates bit for bit (the log densities, evaluated here without the
 * numpy path's quadratic expansion, agree to about 1e-12). Compile without -ffast-math and with
 * -ffp-contract=off: a fused multiply-add would round differently from numpy.
 *
 * One call makes one allocation (freed before it returns) and keeps no state.
 */
#include "tpe.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Kernel tails beyond this many widths count as 0 (parzen_estimator._TAIL_CUTOFF). */
#define TAIL_CUTOFF 8.5
/* Log-sum-exp terms below e^-60 are left out. The numpy path clips them at e^-700 instead (parzen_estimator.
 * _EXP_FLOOR), to keep exp() off its slow underflow path; either way they cannot change the sum, which holds
 * exp(0) = 1: e^-60 is 9e-27, so even 10^9 of them add less than 1e-17, below half an ulp of 1. Leaving them out
 * saves most exp() calls, as most components are many widths away from any given point. */
#define EXP_CUTOFF (-60.0)

/* One mixture: `size` components (the observations, then the prior if any) over d columns. */
typedef struct {
    size_t size;
    double *log_w;    /* size: log normalised weights */
    double *cum;      /* size: cumulative normalised weights, the last exactly 1 */
    double *mu;       /* size x d */
    double *sigma;    /* size x d */
    double *low;      /* size x d: mass below 0 */
    double *high;     /* size x d: mass above 1 */
    double *mu_t;     /* d x size: mu, column by column (the log density's loops run over components) */
    double *inv_t;    /* d x size: 1 / sigma, column by column */
    double *lp_const; /* size: log weight - d log sqrt(2 pi) - sum_j (log sigma + log_norm) */
} mixture;

/* Doubles a mixture of `size` components over d columns needs. */
static size_t mixture_doubles(size_t size, size_t d) { return size * (3 + 6 * d); }

static void mixture_place(mixture *m, size_t size, size_t d, double *mem)
{
    m->size = size;
    m->log_w = mem;
    m->cum = m->log_w + size;
    m->lp_const = m->cum + size;
    m->mu = m->lp_const + size;
    m->sigma = m->mu + size * d;
    m->low = m->sigma + size * d;
    m->high = m->low + size * d;
    m->mu_t = m->high + size * d;
    m->inv_t = m->mu_t + size * d;
}

/* _mixture_weights: normalise [w..., prior_weight], cumulate, log. */
static void mixture_weights(mixture *m, const double *w, size_t n, int with_prior, double prior_weight)
{
    size_t size = m->size, k;
    double total = 0.0, acc = 0.0, last;
    for (k = 0; k < n; k++)
        total += w[k];
    if (with_prior)
        total += prior_weight;
    int uniform = n == 0 || total <= 0.0;
    if (uniform)
        total = (double)size;
    for (k = 0; k < size; k++) {
        double wk = (uniform ? 1.0 : (k < n ? w[k] : prior_weight)) / total;
        acc = k == 0 ? wk : acc + wk;
        m->cum[k] = acc;
        m->log_w[k] = log(wk); /* log(0) = -inf: a component that is never drawn */
    }
    last = m->cum[size - 1];
    for (k = 0; k < size; k++)
        m->cum[k] /= last;
}

/* A value of a column and the row it comes from. */
typedef struct {
    double v;
    size_t row;
} entry;

/* Stable sort of e[0..n) by value (tmp has room for n entries): insertion sort of runs of 16, then bottom-up
 * merges. Entries are contiguous, so no comparison reaches back into the strided observations. */
static void sort_entries(entry *e, entry *tmp, size_t n)
{
    size_t lo, i, width;
    for (lo = 0; lo < n; lo += 16) {
        size_t hi = lo + 16 < n ? lo + 16 : n;
        for (i = lo + 1; i < hi; i++) {
            entry x = e[i];
            size_t j = i;
            for (; j > lo && x.v < e[j - 1].v; j--)
                e[j] = e[j - 1];
            e[j] = x;
        }
    }
    for (width = 16; width < n; width *= 2) {
        for (lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, out = lo;
            while (a < mid && b < hi)
                tmp[out++] = e[b].v < e[a].v ? e[b++] : e[a++];
            while (a < mid)
                tmp[out++] = e[a++];
            while (b < hi)
                tmp[out++] = e[b++];
        }
        memcpy(e, tmp, n * sizeof *e);
    }
}

/* _bandwidths for column j: the larger gap to the sorted neighbours (bounds 0 and 1 count as neighbours),
 * clipped to [min_sigma, 1]. The order is the given one, or sorted here; returns 0, -EAGAIN on a tie without a
 * given order, -EINVAL if the given order is not a permutation. e and tmp have room for n entries. */
static int column_widths(mixture *m, size_t d, size_t j, const double *obs, size_t n, const int64_t *order,
                         const pt_settings *s, double min_sigma, entry *e, entry *tmp)
{
    size_t r;
    if (order != NULL) {
        for (r = 0; r < n; r++)
            tmp[r].row = 0; /* used as marks: each row once */
        for (r = 0; r < n; r++) {
            int64_t o = order[j * n + r];
            if (o < 0 || (uint64_t)o >= n || tmp[o].row)
                return -EINVAL;
            tmp[o].row = 1;
            e[r].row = (size_t)o;
            e[r].v = obs[(size_t)o * d + j];
        }
    } else {
        for (r = 0; r < n; r++) {
            e[r].row = r;
            e[r].v = obs[r * d + j];
        }
        sort_entries(e, tmp, n);
        for (r = 1; r < n; r++)
            if (e[r].v == e[r - 1].v)
                return -EAGAIN;
    }
    for (r = 0; r < n; r++) {
        double x = e[r].v;
        double left = x - (r > 0 ? e[r - 1].v : 0.0);
        double right = (r + 1 < n ? e[r + 1].v : 1.0) - x;
        double width = left > right ? left : right;
        if (!s->consider_endpoints && n >= 2) {
            /* The outermost kernels measure only towards their inner neighbour. */
            if (r == 0)
                width = right;
            else if (r == n - 1)
                width = left;
        }
        if (width < min_sigma)
            width = min_sigma;
        if (width > 1.0)
            width = 1.0;
        m->sigma[e[r].row * d + j] = width;
    }
    return 0;
}

/* _truncnorm.normal_tail for 0 <= x < TAIL_CUTOFF: the short polynomial in s = 2t - 1, t = 2 / (2 + x/sqrt2). */
static double poly_tail(const pt_tables *t, double x)
{
    double tt = 2.0 / (2.0 + sqrt(0.5) * x);
    double sv = 2.0 * tt - 1.0;
    double acc = t->tail_poly[0];
    size_t c;
    for (c = 1; c < t->tail_poly_n; c++) {
        acc *= sv;
        acc += t->tail_poly[c];
    }
    acc -= 0.5 * (x * x);
    return exp(acc) * (0.5 * tt);
}

/* _kernel_tails: the mass of each kernel below 0 and above 1, then the per-component log-density constant. */
static void mixture_tails(mixture *m, const pt_tables *t, size_t d)
{
    size_t total = m->size * d, i, near = 0;
    for (i = 0; i < total; i++) {
        m->low[i] = m->mu[i] / m->sigma[i];
        m->high[i] = (1.0 - m->mu[i]) / m->sigma[i];
        near += (m->low[i] < TAIL_CUTOFF) + (m->high[i] < TAIL_CUTOFF);
    }
    /* As the numpy path: erfc one by one for a few tails, the polynomial for many. */
    int scalar = near <= t->scalar_tails_max;
    double log_sqrt_2pi = 0.5 * log(2.0 * 3.14159265358979323846);
    for (i = 0; i < total; i++) {
        double *tails[2] = {&m->low[i], &m->high[i]};
        int side;
        for (side = 0; side < 2; side++) {
            double x = *tails[side];
            *tails[side] = !(x < TAIL_CUTOFF) ? 0.0 : scalar ? 0.5 * erfc(x * sqrt(0.5)) : poly_tail(t, x);
        }
    }
    for (size_t k = 0; k < m->size; k++)
        for (size_t j = 0; j < d; j++) {
            m->mu_t[j * m->size + k] = m->mu[k * d + j];
            m->inv_t[j * m->size + k] = 1.0 / m->sigma[k * d + j];
        }
    for (size_t k = 0; k < m->size; k++) {
        double c = 0.0;
        for (size_t j = 0; j < d; j++) {
            size_t at = k * d + j;
            double tails = m->low[at] + m->high[at];
            c += log(m->sigma[at]) + (tails != 0.0 ? log1p(-tails) : 0.0); /* log of the mass inside [0, 1] */
        }
        m->lp_const[k] = m->log_w[k] - (double)d * log_sqrt_2pi - c;
    }
}

/* _Mixture.__init__ for continuous columns. */
static int mixture_build(mixture *m, const pt_tables *t, const pt_settings *s, size_t d, const double *obs,
                         const double *w, const int64_t *order, size_t n, entry *e, entry *tmp)
{
    int with_prior = s->consider_prior || n == 0;
    size_t size = m->size, k, j;
    double min_sigma = s->consider_magic_clip ? 1.0 / fmin(100.0, 1.0 + (double)size) : 1e-12;
    mixture_weights(m, w, n, with_prior, s->prior_weight);
    if (n > 0)
        memcpy(m->mu, obs, n * d * sizeof *obs);
    for (j = 0; j < d && n > 0; j++) {
        int rc = column_widths(m, d, j, obs, n, order, s, min_sigma, e, tmp);
        if (rc < 0)
            return rc;
    }
    for (k = n; k < size; k++) /* the prior: the middle of the range, the whole range as its width */
        for (j = 0; j < d; j++) {
            m->mu[k * d + j] = 0.5;
            m->sigma[k * d + j] = 1.0;
        }
    mixture_tails(m, t, d);
    return 0;
}

/* np.interp(x, xp, fp) for increasing xp, with numpy's rules at the ends, at exact nodes and for NaN. */
static double interp(double x, const double *xp, const double *fp, size_t n)
{
    size_t lo = 0, hi = n - 1;
    if (x != x)
        return x;
    if (x > xp[n - 1] || x == xp[n - 1])
        return fp[n - 1];
    if (x < xp[0])
        return fp[0];
    while (hi - lo > 1) { /* invariant: xp[lo] <= x < xp[hi] */
        size_t mid = lo + (hi - lo) / 2;
        if (xp[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    if (xp[lo] == x)
        return fp[lo];
    double slope = (fp[lo + 1] - fp[lo]) / (xp[lo + 1] - xp[lo]);
    double r = slope * (x - xp[lo]) + fp[lo];
    if (r != r) {
        r = slope * (x - xp[lo + 1]) + fp[lo + 1];
        if (r != r && fp[lo] == fp[lo + 1])
            r = fp[lo];
    }
    return r;
}

/* _ParzenEstimator.sample: component picks by the cumulative weights, then the inverse CDF of each truncated
 * kernel through its nearer tail. Returns 0, or -EINVAL for a draw outside [0, 1). */
static int mixture_sample(const mixture *m, const pt_tables *t, size_t d, const double *uniforms,
                          size_t n_cand, double *samples)
{
    for (size_t i = 0; i < n_cand; i++) {
        double u = uniforms[i];
        size_t lo = 0, hi = m->size; /* searchsorted(cum, u, side="right") */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (m->cum[mid] <= u)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo >= m->size)
            return -EINVAL;
        for (size_t j = 0; j < d; j++) {
            size_t at = lo * d + j;
            double v = uniforms[n_cand + j * n_cand + i];
            double lt = m->low[at], ht = m->high[at];
            double mass = 1.0 - lt - ht;
            double p = v * mass + lt;
            double q = (1.0 - v) * mass + ht;
            int lower = p <= 0.5;
            double z = interp(sqrt(-2.0 * log(lower ? p : q)), t->quantile_u, t->quantile_z, t->quantile_n);
            if (!lower)
                z = -z;
            z = z * m->sigma[at] + m->mu[at];
            samples[i * d + j] = z < 0.0 ? 0.0 : z > 1.0 ? 1.0 : z;
        }
    }
    return 0;
}

/* log_pdf_groups for one mixture at one point: log-sum-exp over components; lp has room for m->size. The
 * loops run over components, column by column, which the compiler vectorises. */
static double mixture_log_pdf(const mixture *m, size_t d, const double *x, double *lp)
{
    double top = -INFINITY, sum = 0.0;
    size_t k, j, size = m->size;
    for (k = 0; k < size; k++)
        lp[k] = 0.0;
    for (j = 0; j < d; j++) {
        const double *mu = m->mu_t + j * size, *inv = m->inv_t + j * size;
        double xj = x[j];
        for (k = 0; k < size; k++) {
            double z = (xj - mu[k]) * inv[k];
            lp[k] += z * z;
        }
    }
    for (k = 0; k < size; k++) {
        lp[k] = m->lp_const[k] - 0.5 * lp[k];
        if (lp[k] > top)
            top = lp[k];
    }
    for (k = 0; k < m->size; k++) {
        double e = lp[k] - top;
        if (e > EXP_CUTOFF)
            sum += exp(e);
    }
    return log(sum) + top;
}

int pt_propose(const pt_tables *tables, const pt_settings *settings, size_t d,
               const double *below, const double *w_below, const int64_t *order_below, size_t n_below,
               const double *above, const double *w_above, const int64_t *order_above, size_t n_above,
               const double *uniforms, size_t n_cand, double *samples)
{
    if (tables == NULL || settings == NULL || uniforms == NULL || samples == NULL)
        return -EINVAL;
    if (tables->quantile_u == NULL || tables->quantile_z == NULL || tables->quantile_n < 2 ||
        tables->tail_poly == NULL || tables->tail_poly_n < 1)
        return -EINVAL;
    if (!(settings->prior_weight >= 0.0) || !isfinite(settings->prior_weight))
        return -EINVAL;
    if (d < 1 || n_cand < 1 || n_cand > (size_t)INT_MAX) /* the chosen index is returned as an int */
        return -EINVAL;
    /* Sizes checked in floating point before any size_t arithmetic on them can wrap (the work block below, and
     * the callers' buffers: n x d observations, n_cand x (1 + d) draws). */
    double limit = (double)(SIZE_MAX / 64);
    double work = ((double)n_below + (double)n_above + 3.0) * (3.0 + 6.0 * (double)d) +
                  4.0 * ((double)(n_below > n_above ? n_below : n_above) + 1.0);
    if (work > limit || (double)n_cand * (1.0 + (double)d) > limit || (double)n_below * (double)d > limit ||
        (double)n_above * (double)d > limit)
        return -ENOMEM;
    if ((n_below > 0 && (below == NULL || w_below == NULL)) || (n_above > 0 && (above == NULL || w_above == NULL)))
        return -EINVAL;

    int prior = settings->consider_prior != 0;
    size_t size_b = n_below + (prior || n_below == 0), size_a = n_above + (prior || n_above == 0);
    size_t n_max = n_below > n_above ? n_below : n_above;
    size_t size_max = size_b > size_a ? size_b : size_a;
    size_t doubles = mixture_doubles(size_b, d) + mixture_doubles(size_a, d) + size_max;
    /* One block: both mixtures, the log-density scratch, then two index arrays for the sort. */
    double *mem = malloc(doubles * sizeof(double) + 2 * (n_max + 1) * sizeof(entry));
    if (mem == NULL)
        return -ENOMEM;
    entry *e = (entry *)(mem + doubles), *tmp = e + n_max + 1;
    double *lp = mem + mixture_doubles(size_b, d) + mixture_doubles(size_a, d);
    mixture l, g;
    mixture_place(&l, size_b, d, mem);
    mixture_place(&g, size_a, d, mem + mixture_doubles(size_b, d));

    int rc = mixture_build(&l, tables, settings, d, below, w_below, order_below, n_below, e, tmp);
    if (rc == 0)
        rc = mixture_build(&g, tables, settings, d, above, w_above, order_above, n_above, e, tmp);
    if (rc == 0)
        rc = mixture_sample(&l, tables, d, uniforms, n_cand, samples);
    if (rc == 0) {
        /* argmax of log l - log g; the first maximum wins, and a NaN wins as in numpy.argmax. */
        double best_score = 0.0;
        for (size_t i = 0; i < n_cand; i++) {
            const double *x = samples + i * d;
            double score = mixture_log_pdf(&l, d, x, lp) - mixture_log_pdf(&g, d, x, lp);
            if (i == 0 || score > best_score || (score != score && best_score == best_score)) {
                best_score = score;
                rc = (int)i;
            }
        }
    }
    free(mem);
    return rc;
}
