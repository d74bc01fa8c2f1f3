//! The portfolio file format (`test/fixtures/portfolios/*.json`) and its conversion into
//! pm-risk's input types. Numbers are decimal strings, parsed exactly.

use pm_risk::fixed::{Usd, Wad};
use pm_risk::{defaults, Instrument, Market, Position, RiskParams, Underlying, UnderlyingParams};
use serde::Deserialize;

use crate::decimal::parse;

/// A portfolio file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// Short name.
    pub name: String,
    /// What the book is and what it shows.
    #[serde(default)]
    pub description: String,
    /// Valuation time, unix seconds.
    pub now: u64,
    /// Collateral value after haircuts, USD.
    pub collateral: String,
    /// Market data; `params` names a default set: BTC, ETH, SOL or INDEX.
    pub underlyings: Vec<UnderlyingFile>,
    /// Correlation matrix, rows in `underlyings` order.
    pub correlation: Vec<Vec<String>>,
    /// Positions.
    pub positions: Vec<PositionFile>,
    /// Overrides of the account-wide defaults.
    #[serde(default)]
    pub risk: RiskOverrides,
}

/// One underlying in a portfolio file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnderlyingFile {
    /// Name used by positions.
    pub symbol: String,
    /// Price, USD.
    pub price: String,
    /// Implied vol, e.g. "0.55".
    pub vol: String,
    /// Default parameter set: BTC, ETH, SOL or INDEX.
    pub params: String,
    /// Oracle add-on fraction (default 0).
    #[serde(default)]
    pub oracle_addon: Option<String>,
}

/// One position in a portfolio file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionFile {
    /// Symbol of the underlying.
    pub underlying: String,
    /// perp, future, call, put or spot.
    pub instrument: String,
    /// Strike (options).
    #[serde(default)]
    pub strike: Option<String>,
    /// Days from `now` to expiry (futures, options).
    #[serde(default)]
    pub expiry_days: Option<u64>,
    /// Signed size, units.
    pub size: String,
    /// Entry price or premium paid per unit (default 0).
    #[serde(default)]
    pub entry: Option<String>,
}

/// Optional account-wide overrides.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RiskOverrides {
    /// Correlation-one weight.
    pub w_up: Option<String>,
    /// Correlation-broken weight.
    pub w_down: Option<String>,
    /// Price levels.
    pub grid_levels: Option<u8>,
}

/// pm-risk inputs built from a fixture.
pub struct Inputs {
    /// Collateral, USD (6 decimals).
    pub collateral: Usd,
    /// Market data and parameters.
    pub underlyings: Vec<Underlying>,
    /// Symbols, in the same order.
    pub symbols: Vec<String>,
    /// Row-major correlations.
    pub correlation: Vec<Wad>,
    /// Positions.
    pub positions: Vec<Position>,
    /// Overrides applied on top of the defaults.
    pub grid_levels: u8,
    /// Correlation-one weight.
    pub w_up: Wad,
    /// Correlation-broken weight.
    pub w_down: Wad,
}

fn wad(s: &str) -> Result<Wad, String> {
    parse(s, 18)
}

fn preset(name: &str) -> Result<UnderlyingParams, String> {
    Ok(match name {
        "BTC" => defaults::BTC,
        "ETH" => defaults::ETH,
        "SOL" => defaults::SOL,
        "INDEX" => defaults::INDEX,
        _ => return Err(format!("unknown parameter set {name:?} (BTC, ETH, SOL, INDEX)")),
    })
}

impl Fixture {
    /// Converts to pm-risk inputs. Errors name the field at fault.
    pub fn inputs(&self) -> Result<Inputs, String> {
        let mut underlyings = Vec::new();
        let mut symbols = Vec::new();
        for u in &self.underlyings {
            underlyings.push(Underlying {
                market: Market {
                    price: wad(&u.price)?,
                    vol: wad(&u.vol)?,
                    oracle_addon: u.oracle_addon.as_deref().map(wad).transpose()?.unwrap_or(0),
                },
                params: preset(&u.params)?,
            });
            symbols.push(u.symbol.clone());
        }
        let mut correlation = Vec::new();
        for row in &self.correlation {
            for v in row {
                correlation.push(wad(v)?);
            }
        }
        let mut positions = Vec::new();
        for p in &self.positions {
            let k = symbols
                .iter()
                .position(|s| *s == p.underlying)
                .ok_or_else(|| format!("unknown underlying {:?}", p.underlying))?;
            let expiry = || -> Result<u64, String> {
                let days = p.expiry_days.ok_or("expiry_days is required")?;
                Ok(self.now + days * 86_400)
            };
            let strike = || -> Result<Wad, String> { wad(p.strike.as_deref().ok_or("strike is required")?) };
            let instrument = match p.instrument.as_str() {
                "perp" => Instrument::Perp,
                "spot" => Instrument::Spot,
                "future" => Instrument::Future { expiry: expiry()? },
                "call" => Instrument::Call {
                    strike: strike()?,
                    expiry: expiry()?,
                },
                "put" => Instrument::Put {
                    strike: strike()?,
                    expiry: expiry()?,
                },
                other => return Err(format!("unknown instrument {other:?}")),
            };
            positions.push(Position {
                underlying: u8::try_from(k).map_err(|_| "too many underlyings")?,
                instrument,
                size: wad(&p.size)?,
                entry: p.entry.as_deref().map(wad).transpose()?.unwrap_or(0),
            });
        }
        let d = defaults::risk(&[]);
        Ok(Inputs {
            collateral: parse(&self.collateral, 6)?,
            underlyings,
            symbols,
            correlation,
            positions,
            grid_levels: self.risk.grid_levels.unwrap_or(d.grid_levels),
            w_up: self.risk.w_up.as_deref().map(wad).transpose()?.unwrap_or(d.w_up),
            w_down: self
                .risk
                .w_down
                .as_deref()
                .map(wad)
                .transpose()?
                .unwrap_or(d.w_down),
        })
    }
}

impl Inputs {
    /// The account-wide parameters: defaults with this fixture's overrides.
    pub fn params(&self) -> RiskParams<'_> {
        RiskParams {
            grid_levels: self.grid_levels,
            w_up: self.w_up,
            w_down: self.w_down,
            ..defaults::risk(&self.correlation)
        }
    }
}
