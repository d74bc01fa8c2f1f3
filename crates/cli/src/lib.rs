//! `pm`: the portfolio-margin simulator. `pm margin <portfolio.json> [--json]` prints an
//! account's margin breakdown, computed by `pm-risk` exactly as on-chain; `pm forecast
//! <history.csv> [--json]` forecasts volatilities and correlations from a price history and
//! writes them as the update the clearinghouse accepts; `pm remargin` measures how fast a keeper
//! re-margins 10,000 accounts after a price move.

pub mod correlation;
pub mod decimal;
pub mod fixture;
pub mod forecast;
pub mod garch;
pub mod history;
pub mod remargin;
pub mod report;
pub mod volatility;

use pm_risk::{liquidation, margin, Account};

/// `pm margin`: reads the portfolio file and renders its report (a table, or JSON).
pub fn margin_command(path: &str, json: bool) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let fixture: fixture::Fixture = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let inputs = fixture.inputs().map_err(|e| format!("{path}: {e}"))?;
    let params = inputs.params();
    let account = Account {
        collateral: inputs.collateral,
        positions: &inputs.positions,
        now: fixture.now,
    };
    let r =
        margin(&account, &inputs.underlyings, &params).map_err(|e| format!("{path}: risk error {e:?}"))?;
    let l = liquidation(&r).map_err(|e| format!("{path}: risk error {e:?}"))?;
    Ok(if json {
        report::json(&fixture, &inputs, &r, &l)
    } else {
        report::table(&fixture, &inputs, &r, &l)
    })
}

/// `pm forecast`: reads the history and renders the forecast (a table, or JSON).
pub fn forecast_command(path: &str, options: forecast::Options, json: bool) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let history = history::History::parse(&text).map_err(|e| format!("{path}: {e}"))?;
    let f = forecast::forecast(&history, options).map_err(|e| format!("{path}: {e}"))?;
    Ok(if json {
        forecast::json(&f)
    } else {
        forecast::table(&f)
    })
}
