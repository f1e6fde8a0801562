/*
 * pyhpo TPE kernel: one proposal of a TPE sampler over a space of continuous parameters, in one call.
 *
 * The Python code (pyhpo/samplers/_tpe/parzen_estimator.py) is the reference: this file computes the same
 * numbers in the same order, only without a numpy call per step. From the encoded observations of the good
 * group (l(x)) and of the rest (g(x)) it builds both mixtures (weights, kernel widths, the kernels' mass
 * outside [0, 1]), maps given uniform draws to candidates drawn from l(x), evaluates log l(x) and log g(x)
 * at every candidate and returns the candidate with the largest l(x) / g(x).
 *
 * The random numbers come from the caller (numpy's RandomState), so a seeded sampler proposes what the numpy
 * path, and Optuna, propose. Coordinates are unit coordinates: every observation lies in [0, 1].
 *
 * Functions return >= 0 on success or a negative errno value:
 *   -EINVAL  a size or setting is out of range (nothing was computed);
 *   -ENOMEM  a work buffer could not be allocated (or the sizes are too large for one);
 *   -EAGAIN  a column of observations holds equal values and no order was given: their widths depend on the
 *            order of the tie, which must be numpy's argsort's; call again with the orders.
 *
 * ffi_build_tpe.py hands the block between the two PT_CDEF markers to cffi as its cdef: keep it plain C
 * declarations, no macros.
 */
#ifndef PYHPO_TPE_H
#define PYHPO_TPE_H

#include <stddef.h>
#include <stdint.h>

/* PT_CDEF_BEGIN */
/* Tables shared by every call, made once by the caller (their arrays must outlive the calls). */
typedef struct pt_tables {
    const double *quantile_u;  /* the inverse-CDF table of _truncnorm.ndtri_lower: u increasing ... */
    const double *quantile_z;  /* ... and z = the normal quantile at u */
    size_t quantile_n;         /* >= 2 entries each */
    const double *tail_poly;   /* _truncnorm._ERFCX_POLY_SHORT, highest degree first */
    size_t tail_poly_n;        /* >= 1 coefficients */
    size_t scalar_tails_max;   /* up to this many tails per mixture: erfc(); more: tail_poly */
} pt_tables;

/* The estimator settings (TPESampler's arguments of the same names). */
typedef struct pt_settings {
    double prior_weight;       /* >= 0 and finite */
    int consider_prior;
    int consider_magic_clip;
    int consider_endpoints;
} pt_settings;

/* Propose one point.
 *   below, above:   n_below x d and n_above x d observations (row-major, values in [0, 1]);
 *   w_below, w_above: their weights (>= 0);
 *   order_below, order_above: NULL, or d x n (row j: the rows in ascending order of column j, as
 *                   numpy.argsort(obs, axis=0).T gives); required when a column has ties (see -EAGAIN);
 *   uniforms:       n_cand * (1 + d) draws in [0, 1): n_cand component picks, then a d x n_cand block;
 *   samples:        out, n_cand x d candidates (unit coordinates).
 * Returns the index of the chosen candidate. */
int pt_propose(const pt_tables *tables, const pt_settings *settings, size_t d,
               const double *below, const double *w_below, const int64_t *order_below, size_t n_below,
               const double *above, const double *w_above, const int64_t *order_above, size_t n_above,
               const double *uniforms, size_t n_cand, double *samples);
/* PT_CDEF_END */

#endif
