//! Volatility estimates from daily log returns, as variances per day: EWMA (RiskMetrics) and a
//! plain rolling window, the baseline a forecast must beat. Zero mean throughout: over a day the
//! drift of a crypto asset is noise next to its volatility.

/// Days per year for annualising: crypto trades every day.
pub const DAYS_PER_YEAR: f64 = 365.0;

/// RiskMetrics' decay for daily data.
pub const RISKMETRICS_LAMBDA: f64 = 0.94;

/// Annualised volatility (a fraction, 0.6 = 60%) of a variance per day.
pub fn annualised(daily_variance: f64) -> f64 {
    (daily_variance * DAYS_PER_YEAR).sqrt()
}

/// Mean square of the first `n` returns (all of them if fewer): a zero-mean variance, the
/// start of the recursions and each rolling window's estimate. Zero for no returns.
pub fn mean_square(returns: &[f64], n: usize) -> f64 {
    let head = &returns[..n.min(returns.len())];
    if head.is_empty() {
        return 0.0;
    }
    head.iter().map(|r| r * r).sum::<f64>() / head.len() as f64
}

/// EWMA variance forecasts: element `t` is the variance of day `t + 1` known at the close of
/// day `t`, `σ²_t = λ·σ²_{t-1} + (1 − λ)·r_t²`, started from the mean square of the first
/// 30 returns. `lambda` in (0, 1).
pub fn ewma(returns: &[f64], lambda: f64) -> Vec<f64> {
    let mut v = mean_square(returns, 30);
    returns
        .iter()
        .map(|r| {
            v = lambda * v + (1.0 - lambda) * r * r;
            v
        })
        .collect()
}

/// Rolling-window variance: element `t` is the mean square of returns `t + 1 − window ..= t`
/// (of all returns so far while fewer than `window`). `window` ≥ 1.
pub fn rolling(returns: &[f64], window: usize) -> Vec<f64> {
    let window = window.max(1);
    (0..returns.len())
        .map(|t| mean_square(&returns[(t + 1).saturating_sub(window)..=t], window))
        .collect()
}
