//! The EWMA correlation matrix of several return series, and its repair to a positive
//! semi-definite matrix (eigenvalues clipped at a floor, the diagonal rescaled to one) so the
//! clearinghouse's Cholesky check accepts it after rounding to 18 decimals.
//!
//! Matrices are small (at most `pm_risk::params::MAX_UNDERLYINGS` = 16 rows), so the
//! eigenvalues come from the cyclic Jacobi method written here rather than a linear-algebra
//! crate: about forty lines against a dependency tree that a two-core machine rebuilds.

// Matrix code indexes as the formulas do.
#![allow(clippy::needless_range_loop)]

/// A square matrix, row-major.
pub type Matrix = Vec<Vec<f64>>;

/// Smallest eigenvalue the repair leaves: far above the Cholesky check's 1e-12 tolerance and
/// the 1e-18 rounding of each entry, far below anything that moves a margin.
pub const EIGEN_FLOOR: f64 = 1e-6;

/// EWMA covariance of the series (`returns[u][t]`; a longer series is cut to the shortest),
/// started from the mean of the first 30 outer products, then each day
/// `C = λ·C + (1 − λ)·r·rᵀ`; turned into a correlation matrix. A series with no variance
/// correlates 0 with the others.
pub fn ewma_correlation(returns: &[Vec<f64>], lambda: f64) -> Matrix {
    let n = returns.len();
    let days = returns.iter().map(Vec::len).min().unwrap_or(0);
    let seed = days.clamp(1, 30);
    let mut c = vec![vec![0.0; n]; n];
    for t in 0..days.min(30) {
        for i in 0..n {
            for j in 0..n {
                c[i][j] += returns[i][t] * returns[j][t] / seed as f64;
            }
        }
    }
    for t in 0..days {
        for i in 0..n {
            for j in 0..n {
                c[i][j] = lambda * c[i][j] + (1.0 - lambda) * returns[i][t] * returns[j][t];
            }
        }
    }
    let sd: Vec<f64> = (0..n).map(|i| c[i][i].sqrt()).collect();
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| match (i == j, sd[i] * sd[j]) {
                    (true, _) => 1.0,
                    (false, s) if s > 0.0 => (c[i][j] / s).clamp(-1.0, 1.0),
                    _ => 0.0,
                })
                .collect()
        })
        .collect()
}

/// Eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi rotations, until the
/// off-diagonal mass is below 1e-24 or 100 sweeps. Returns `(values, vectors)` with
/// `vectors[k]` the unit eigenvector of `values[k]`.
pub fn symmetric_eigen(m: &Matrix) -> (Vec<f64>, Matrix) {
    let n = m.len();
    let mut a = m.clone();
    let mut v: Matrix = (0..n)
        .map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect())
        .collect();
    for _ in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off < 1e-24 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q] == 0.0 {
                    continue;
                }
                // The rotation that zeroes a[p][q] (Golub and Van Loan, the symmetric Schur step).
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k][p], a[k][q]);
                    a[k][p] = c * akp - s * akq;
                    a[k][q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p][k], a[q][k]);
                    a[p][k] = c * apk - s * aqk;
                    a[q][k] = s * apk + c * aqk;
                }
                for row in v.iter_mut() {
                    let (vp, vq) = (row[p], row[q]);
                    row[p] = c * vp - s * vq;
                    row[q] = s * vp + c * vq;
                }
            }
        }
    }
    let values = (0..n).map(|i| a[i][i]).collect();
    let vectors = (0..n).map(|k| (0..n).map(|i| v[i][k]).collect()).collect();
    (values, vectors)
}

/// A correlation matrix made positive semi-definite.
#[derive(Debug, Clone, PartialEq)]
pub struct Repaired {
    /// The repaired matrix: symmetric, unit diagonal, every eigenvalue at least about
    /// [`EIGEN_FLOOR`].
    pub matrix: Matrix,
    /// The smallest eigenvalue of the input.
    pub min_eigenvalue: f64,
    /// Whether the input needed repair (its smallest eigenvalue was below the floor).
    pub repaired: bool,
}

/// Clips the eigenvalues of a symmetric matrix at [`EIGEN_FLOOR`], rebuilds it, and rescales it
/// to a unit diagonal (`D^-½·M·D^-½`, which keeps it positive definite). A matrix whose
/// eigenvalues are all above the floor comes back as it was, symmetrised.
pub fn repair_psd(m: &Matrix) -> Repaired {
    let n = m.len();
    let (values, vectors) = symmetric_eigen(m);
    let min_eigenvalue = values.iter().copied().fold(f64::INFINITY, f64::min);
    if min_eigenvalue >= EIGEN_FLOOR {
        let matrix = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| if i == j { 1.0 } else { (m[i][j] + m[j][i]) / 2.0 })
                    .collect()
            })
            .collect();
        return Repaired {
            matrix,
            min_eigenvalue,
            repaired: false,
        };
    }
    let mut b = vec![vec![0.0; n]; n];
    for (lambda, vector) in values.iter().zip(&vectors) {
        let lambda = lambda.max(EIGEN_FLOOR);
        for i in 0..n {
            for j in 0..n {
                b[i][j] += lambda * vector[i] * vector[j];
            }
        }
    }
    let matrix = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    if i == j {
                        1.0
                    } else {
                        ((b[i][j] + b[j][i]) / 2.0 / (b[i][i] * b[j][j]).sqrt()).clamp(-1.0, 1.0)
                    }
                })
                .collect()
        })
        .collect();
    Repaired {
        matrix,
        min_eigenvalue,
        repaired: true,
    }
}
