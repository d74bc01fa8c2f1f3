//! GARCH(1,1) fitted by maximum likelihood: `σ²_{t+1} = ω + α·r_t² + β·σ²_t`, Gaussian
//! innovations, zero mean, the recursion started from the sample variance. The fit searches
//! `(α, p, ln v)` with `p = α + β` the persistence and `v = ω / (1 − p)` the long-run variance
//! (the likelihood's ridge runs along constant p, so these coordinates follow it): a coarse grid,
//! then a compass search (each coordinate up and down, the steps halved when none improves)
//! until the steps are below 1e-7. Three parameters and one smooth likelihood do not need an
//! optimisation crate; the search is deterministic, every point it accepts is feasible
//! (α ≥ 0, β ≥ 0, p ≤ 0.9999, v > 0: the process is stationary), and a search that has not
//! converged within 20,000 rounds is an error, not a fit.

use crate::volatility::mean_square;

/// Largest persistence α + β the fit accepts (the process stays stationary).
pub const MAX_PERSISTENCE: f64 = 0.9999;

/// Longest horizon, days, a forecast averages over.
pub const MAX_HORIZON_DAYS: u32 = 3_650;

/// GARCH(1,1) parameters, variances per day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Garch {
    /// Constant term ω (variance per day).
    pub omega: f64,
    /// Weight of the last squared return α.
    pub alpha: f64,
    /// Weight of the last variance β.
    pub beta: f64,
}

impl Garch {
    /// The parameters with long-run variance `v`, or `None` outside the feasible set.
    pub fn with_long_run(alpha: f64, beta: f64, v: f64) -> Option<Self> {
        let feasible = alpha >= 0.0 && beta >= 0.0 && alpha + beta <= MAX_PERSISTENCE && v > 0.0;
        feasible.then_some(Self {
            omega: v * (1.0 - alpha - beta),
            alpha,
            beta,
        })
    }

    /// The long-run (unconditional) variance per day, ω / (1 − α − β).
    pub fn long_run_variance(&self) -> f64 {
        self.omega / (1.0 - self.alpha - self.beta)
    }

    /// Variance forecasts: element `t` is `σ²_{t+1}`, known at the close of day `t`; the
    /// recursion starts from the returns' mean square.
    pub fn variances(&self, returns: &[f64]) -> Vec<f64> {
        let mut v = mean_square(returns, returns.len());
        returns
            .iter()
            .map(|r| {
                v = self.omega + self.alpha * r * r + self.beta * v;
                v
            })
            .collect()
    }

    /// Gaussian log-likelihood of the returns, each judged by the variance forecast made
    /// before it (the first by the returns' mean square).
    pub fn log_likelihood(&self, returns: &[f64]) -> f64 {
        self.log_likelihood_from(returns, mean_square(returns, returns.len()))
    }

    /// [`Self::log_likelihood`] with the starting variance given (the fit computes it once).
    fn log_likelihood_from(&self, returns: &[f64], start: f64) -> f64 {
        let mut v = start;
        let mut sum = 0.0;
        for r in returns {
            if v <= 0.0 {
                return f64::NEG_INFINITY;
            }
            sum -= 0.5 * ((2.0 * std::f64::consts::PI * v).ln() + r * r / v);
            v = self.omega + self.alpha * r * r + self.beta * v;
        }
        sum
    }

    /// Mean variance per day over the `days` (1 to [`MAX_HORIZON_DAYS`], clamped) after a
    /// forecast `next` of the first of them: it decays towards the long-run variance at rate
    /// p = α + β, so the mean is `long + (next − long)·(1 − pⁿ)/(n·(1 − p))`.
    pub fn mean_variance(&self, next: f64, days: u32) -> f64 {
        let long = self.long_run_variance();
        let p = self.alpha + self.beta;
        let n = f64::from(days.clamp(1, MAX_HORIZON_DAYS));
        long + (next - long) * (1.0 - p.powf(n)) / (n * (1.0 - p))
    }

    /// The maximum-likelihood fit to `returns`. Errors: fewer than 30 returns, returns whose
    /// mean square is zero or not finite, no point of finite likelihood, no convergence.
    pub fn fit(returns: &[f64]) -> Result<Self, String> {
        if returns.len() < 30 {
            return Err(format!(
                "{} returns: a GARCH fit needs at least 30",
                returns.len()
            ));
        }
        let sample = mean_square(returns, returns.len());
        if !(sample.is_finite() && sample > 0.0) {
            return Err("the returns have no variance".into());
        }
        let model = |p: [f64; 3]| Self::with_long_run(p[0], p[1] - p[0], p[2].exp());
        let score =
            |p: [f64; 3]| model(p).map_or(f64::NEG_INFINITY, |g| g.log_likelihood_from(returns, sample));
        let mut best = [0.05, 0.95, sample.ln()];
        let mut best_score = score(best);
        for alpha in [0.02, 0.05, 0.1, 0.15, 0.2, 0.3] {
            for persistence in [0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.995] {
                let p = [alpha, persistence, sample.ln()];
                let s = score(p);
                if s > best_score {
                    (best, best_score) = (p, s);
                }
            }
        }
        if !best_score.is_finite() {
            return Err("no GARCH parameters give these returns a finite likelihood".into());
        }
        let mut step = [0.02, 0.02, 0.2];
        let mut rounds = 0;
        while step[0] > 1e-7 {
            rounds += 1;
            if rounds > 20_000 {
                return Err("the GARCH fit did not converge in 20,000 rounds".into());
            }
            let mut moved = false;
            for k in 0..3 {
                for sign in [1.0, -1.0] {
                    let mut p = best;
                    p[k] += sign * step[k];
                    let s = score(p);
                    if s > best_score {
                        (best, best_score, moved) = (p, s, true);
                    }
                }
            }
            if !moved {
                step.iter_mut().for_each(|s| *s /= 2.0);
            }
        }
        model(best).ok_or_else(|| "no feasible fit".into())
    }
}
