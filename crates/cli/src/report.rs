//! Rendering a margin report: a table for people, JSON for machines.

use pm_risk::{Liquidation, MarginReport, VolState};
use serde_json::json;

use crate::decimal::format;
use crate::fixture::{Fixture, Inputs};

fn usd(v: i128) -> String {
    format(v, 6)
}
fn wad(v: i128) -> String {
    format(v, 18)
}
fn pct(v: i128) -> String {
    // Wad fraction -> percent with 2 decimals, rounded down.
    format(v / 100_000_000_000_000, 2)
}
fn vol_state(v: VolState) -> &'static str {
    match v {
        VolState::Base => "vol =",
        VolState::Up => "vol up",
        VolState::Down => "vol down",
    }
}

/// The released collateral: isolated IM − portfolio IM.
fn released(r: &MarginReport) -> i128 {
    r.isolated_initial - r.initial
}

/// Machine-readable report.
pub fn json(f: &Fixture, inputs: &Inputs, r: &MarginReport, l: &Liquidation) -> String {
    let underlyings: Vec<_> = inputs
        .symbols
        .iter()
        .zip(r.underlyings.iter())
        .map(|(s, u)| {
            json!({
                "symbol": s,
                "scan_range": wad(u.scan_range),
                "loss": usd(u.loss),
                "grid_loss": usd(u.grid_loss),
                "directional": usd(u.directional),
                "non_directional": usd(u.non_directional),
                "isolated": usd(u.isolated),
                "worst_scenario": { "move": wad(u.worst.price_move), "vol": vol_state(u.worst.vol), "extreme": u.worst.extreme },
                "delta": wad(u.delta),
                "gamma": wad(u.gamma),
                "vega": usd(u.vega),
                "add_on": usd(u.add_on),
            })
        })
        .collect();
    let v = json!({
        "name": f.name,
        "equity": usd(r.equity),
        "unrealised_pnl": usd(r.unrealised_pnl),
        "requirement": { "base": usd(r.requirement_base), "correlation_one": usd(r.requirement_one),
                         "correlation_broken": usd(r.requirement_broken), "blended": usd(r.requirement) },
        "maintenance": usd(r.maintenance),
        "initial": usd(r.initial),
        "add_ons": usd(r.add_ons),
        "isolated_maintenance": usd(r.isolated_maintenance),
        "isolated_initial": usd(r.isolated_initial),
        "released": usd(released(r)),
        "utilisation": if r.utilisation == i128::MAX { "inf".to_string() } else { wad(r.utilisation) },
        "free_collateral": usd(r.free_collateral),
        "liquidatable": l.liquidatable,
        "collateral_to_initial": usd(l.collateral_to_initial),
        "reduction_to_initial": wad(l.reduction_to_initial),
        "underlyings": underlyings,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// Human-readable report.
pub fn table(f: &Fixture, inputs: &Inputs, r: &MarginReport, l: &Liquidation) -> String {
    let mut o = String::new();
    o += &format!("{}\n", f.name);
    if !f.description.is_empty() {
        o += &format!("{}\n", f.description);
    }
    o += &format!(
        "\n{:<6} {:>8} {:>14} {:>14} {:>14} {:>14} {:>22} {:>12} {:>14}\n",
        "under", "range", "loss", "directional", "non-dir", "isolated", "worst scenario", "delta", "vega"
    );
    for (s, u) in inputs.symbols.iter().zip(r.underlyings.iter()) {
        let worst = format!(
            "{}{}% {}",
            if u.worst.price_move >= 0 { "+" } else { "" },
            pct(u.worst.price_move),
            vol_state(u.worst.vol)
        ) + if u.worst.extreme { " (x)" } else { "" };
        o += &format!(
            "{:<6} {:>7}% {:>14} {:>14} {:>14} {:>14} {:>22} {:>12} {:>14}\n",
            s,
            pct(u.scan_range),
            usd(u.loss),
            usd(u.directional),
            usd(u.non_directional),
            usd(u.isolated),
            worst,
            format(u.delta / 1_000_000_000_000, 6),
            usd(u.vega)
        );
    }
    let line = |o: &mut String, k: &str, v: String| *o += &format!("{k:<40} {v:>18}\n");
    o += "\n";
    line(&mut o, "collateral (after haircuts)", usd(inputs.collateral));
    line(&mut o, "unrealised PnL", usd(r.unrealised_pnl));
    line(&mut o, "equity", usd(r.equity));
    line(
        &mut o,
        "requirement, correlations trusted",
        usd(r.requirement_base),
    );
    line(&mut o, "requirement, correlation one", usd(r.requirement_one));
    line(&mut o, "requirement, hedges broken", usd(r.requirement_broken));
    line(&mut o, "requirement, blended", usd(r.requirement));
    line(&mut o, "maintenance margin", usd(r.maintenance));
    line(&mut o, "initial margin (incl. add-ons)", usd(r.initial));
    line(
        &mut o,
        "isolated initial margin (sum of positions)",
        usd(r.isolated_initial),
    );
    line(
        &mut o,
        "collateral released by portfolio margin",
        usd(released(r)),
    );
    line(&mut o, "free collateral", usd(r.free_collateral));
    let util = if r.utilisation == i128::MAX {
        "inf".into()
    } else {
        format!("{}%", pct(r.utilisation))
    };
    line(&mut o, "margin utilisation (MM / equity)", util);
    line(&mut o, "liquidatable", l.liquidatable.to_string());
    if l.collateral_to_initial > 0 {
        line(
            &mut o,
            "collateral needed for initial margin",
            usd(l.collateral_to_initial),
        );
        line(
            &mut o,
            "or reduce every position by",
            format!("{}%", pct(l.reduction_to_initial)),
        );
    }
    o
}
