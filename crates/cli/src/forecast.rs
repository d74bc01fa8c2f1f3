//! `pm forecast <history.csv> [--json] [--lambda L] [--window D] [--horizon D]`: volatility and
//! correlation forecasts from a daily price history, written as the update the clearinghouse
//! accepts from its risk oracle, `postRiskUpdate(vols, correlations)`: the vol of each underlying
//! (column `u` of the history is underlying index `u`) and the correlations above the diagonal,
//! as 18-decimal integers, checked here by the same `pm-risk` code the clearinghouse runs (the
//! vol bounds, the Cholesky check). The clearinghouse also bounds each update's step from the one
//! in force; that depends on the chain and is checked when it is posted.
//!
//! The vol posted is the larger of the EWMA and the GARCH(1,1) forecast over the horizon,
//! annualised over 365 days and rounded up: a requirement errs high, and the two disagree most
//! right after a spike, when GARCH (larger α) has moved further, or when calm follows a
//! storm, when EWMA has forgotten less.

use crate::correlation::{ewma_correlation, repair_psd, Matrix};
use crate::garch::Garch;
use crate::history::History;
use crate::volatility::{annualised, ewma, rolling, RISKMETRICS_LAMBDA};
use pm_risk::fixed::{Wad, WAD};
use pm_risk::units::{MAX_VOL, MIN_VOL};

/// What the forecast is computed with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// EWMA decay per day, in (0, 1); RiskMetrics' 0.94 by default.
    pub lambda: f64,
    /// Days in the rolling window shown beside the forecasts (the baseline); 30 by default.
    pub window: usize,
    /// Days the GARCH forecast averages over, 1 (tomorrow, the default) to 3,650.
    pub horizon: u32,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            lambda: RISKMETRICS_LAMBDA,
            window: 30,
            horizon: 1,
        }
    }
}

/// One underlying's forecast; vols annualised (0.6 = 60%).
#[derive(Debug, Clone, PartialEq)]
pub struct UnderlyingForecast {
    /// The column name.
    pub name: String,
    /// EWMA vol after the last day.
    pub ewma: f64,
    /// The fitted GARCH(1,1).
    pub garch: Garch,
    /// GARCH vol over the horizon after the last day.
    pub garch_vol: f64,
    /// GARCH's long-run vol.
    pub long_run: f64,
    /// Rolling-window vol after the last day (shown, not posted).
    pub rolling: f64,
    /// The vol to post: max(EWMA, GARCH), 18 decimals, rounded up at the 12th.
    pub vol: Wad,
}

/// The whole update.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// The options used.
    pub options: Options,
    /// Returns per underlying.
    pub observations: usize,
    /// The last day of the history.
    pub last_date: String,
    /// Per underlying, in index order.
    pub underlyings: Vec<UnderlyingForecast>,
    /// The EWMA correlation matrix after repair.
    pub correlation: Matrix,
    /// Its smallest eigenvalue before repair.
    pub min_eigenvalue: f64,
    /// Whether it needed repair.
    pub repaired: bool,
    /// The correlations as `postRiskUpdate` takes them: 18 decimals (rounded at the 12th), pairs
    /// (i, j) with i < j in row order.
    pub correlation_upper: Vec<Wad>,
}

/// Computes the forecast. Errors: an option out of range, more underlyings than an account
/// may hold (16), a history too short for a GARCH fit (30 returns) or one it cannot fit, a vol
/// outside what the clearinghouse accepts ([1%, 500%]: posting a clamped value would misstate
/// the risk, so the operator decides), a correlation matrix the clearinghouse would refuse (does
/// not happen after repair; checked all the same).
pub fn forecast(history: &History, options: Options) -> Result<Forecast, String> {
    if history.names.len() > pm_risk::MAX_UNDERLYINGS {
        return Err(format!(
            "{} columns: the clearinghouse takes at most {} underlyings",
            history.names.len(),
            pm_risk::MAX_UNDERLYINGS
        ));
    }
    if !(options.lambda > 0.0 && options.lambda < 1.0) {
        return Err(format!("lambda {} is not in (0, 1)", options.lambda));
    }
    if options.window == 0 || options.horizon == 0 {
        return Err("the window and the horizon are at least one day".into());
    }
    if options.horizon > crate::garch::MAX_HORIZON_DAYS {
        return Err(format!(
            "a horizon of {} days: at most {}",
            options.horizon,
            crate::garch::MAX_HORIZON_DAYS
        ));
    }
    let mut underlyings = Vec::new();
    for (name, returns) in history.names.iter().zip(&history.returns) {
        let garch = Garch::fit(returns).map_err(|e| format!("{name}: {e}"))?;
        let next = last(&garch.variances(returns));
        let ewma_vol = annualised(last(&ewma(returns, options.lambda)));
        let garch_vol = annualised(garch.mean_variance(next, options.horizon));
        let vol = ewma_vol.max(garch_vol);
        let wad = up_to_wad(vol);
        if !(MIN_VOL..=MAX_VOL).contains(&wad) {
            return Err(format!(
                "{name}: forecast vol {:.2}% is outside the clearinghouse's [1%, 500%]",
                vol * 100.0
            ));
        }
        underlyings.push(UnderlyingForecast {
            name: name.clone(),
            ewma: ewma_vol,
            garch,
            garch_vol,
            long_run: annualised(garch.long_run_variance()),
            rolling: annualised(last(&rolling(returns, options.window))),
            vol: wad,
        });
    }
    let repaired = repair_psd(&ewma_correlation(&history.returns, options.lambda));
    let n = repaired.matrix.len();
    let to_wad = |r: f64| (((r * 1e12).round() as Wad) * 1_000_000).clamp(-WAD, WAD);
    let mut full = vec![0; n * n];
    let mut correlation_upper = Vec::new();
    for i in 0..n {
        full[i * n + i] = WAD;
        for j in i + 1..n {
            let v = to_wad(repaired.matrix[i][j]);
            full[i * n + j] = v;
            full[j * n + i] = v;
            correlation_upper.push(v);
        }
    }
    pm_risk::params::validate_correlation(&full, n)
        .map_err(|e| format!("the correlation matrix would be refused: {e:?}"))?;
    Ok(Forecast {
        options,
        observations: history.len(),
        last_date: history.dates.last().cloned().unwrap_or_default(),
        underlyings,
        correlation: repaired.matrix,
        min_eigenvalue: repaired.min_eigenvalue,
        repaired: repaired.repaired,
        correlation_upper,
    })
}

/// `x` in 18 decimals, rounded up at the 12th (an f64 holds about 16 digits; the rest would be
/// noise).
fn up_to_wad(x: f64) -> Wad {
    ((x * 1e12).ceil() as Wad).saturating_mul(1_000_000)
}

fn last(series: &[f64]) -> f64 {
    series.last().copied().unwrap_or(0.0)
}

/// The forecast as JSON: inputs, each underlying's estimates and the integers to post.
pub fn json(f: &Forecast) -> String {
    let underlyings: Vec<_> = f
        .underlyings
        .iter()
        .enumerate()
        .map(|(index, u)| {
            serde_json::json!({
                "index": index,
                "name": u.name,
                "ewma_vol": u.ewma,
                "garch": { "omega": u.garch.omega, "alpha": u.garch.alpha, "beta": u.garch.beta,
                           "vol": u.garch_vol, "long_run_vol": u.long_run },
                "rolling_vol": u.rolling,
                "vol": u.vol.to_string(),
            })
        })
        .collect();
    let value = serde_json::json!({
        "last_date": f.last_date,
        "observations": f.observations,
        "lambda": f.options.lambda,
        "window_days": f.options.window,
        "horizon_days": f.options.horizon,
        "underlyings": underlyings,
        "correlation": f.correlation,
        "correlation_min_eigenvalue": f.min_eigenvalue,
        "correlation_repaired": f.repaired,
        "postRiskUpdate": {
            "vols": f.underlyings.iter().map(|u| u.vol.to_string()).collect::<Vec<_>>(),
            "correlations": f.correlation_upper.iter().map(ToString::to_string).collect::<Vec<_>>(),
        },
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// The forecast as a table.
pub fn table(f: &Forecast) -> String {
    let mut out = format!(
        "forecast after {} ({} daily returns; EWMA λ {}, rolling {} days, horizon {} days)\n\n",
        f.last_date, f.observations, f.options.lambda, f.options.window, f.options.horizon
    );
    out += "underlying   EWMA    GARCH   long-run  rolling  posted   GARCH (ω, α, β)\n";
    for u in &f.underlyings {
        out += &format!(
            "{:<10} {:>6.2}% {:>6.2}% {:>7.2}% {:>7.2}% {:>6.2}%   ({:.3e}, {:.4}, {:.4})\n",
            u.name,
            u.ewma * 100.0,
            u.garch_vol * 100.0,
            u.long_run * 100.0,
            u.rolling * 100.0,
            u.vol as f64 / WAD as f64 * 100.0,
            u.garch.omega,
            u.garch.alpha,
            u.garch.beta
        );
    }
    out += &format!(
        "\ncorrelation (EWMA; smallest eigenvalue {:.4}{}):\n",
        f.min_eigenvalue,
        if f.repaired { ", repaired" } else { "" }
    );
    for row in &f.correlation {
        out += &row
            .iter()
            .map(|r| format!("{r:>7.4}"))
            .collect::<Vec<_>>()
            .join(" ");
        out += "\n";
    }
    let list = |values: &[Wad]| {
        values
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let vols: Vec<Wad> = f.underlyings.iter().map(|u| u.vol).collect();
    out += &format!(
        "\nto post (18 decimals):\n  postRiskUpdate([{}], [{}])\n",
        list(&vols),
        list(&f.correlation_upper)
    );
    out
}
