//! The deployment's configuration file (JSON): who governs, the collateral, the underlyings with
//! their feeds and risk parameters, the markets' budget, and whether to enter the program cache.
//! Large integers (18-decimal figures, token amounts) are decimal strings; see `README.md`.

use alloy_primitives::{Address, U256};
use pm_risk::{defaults, wire::params_of};
use serde::{Deserialize, Deserializer};

/// One WAD: 1.0 with 18 decimals.
pub const WAD: i128 = 1_000_000_000_000_000_000;

/// A signed 18-decimal figure, written as a decimal string (or a JSON integer).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Wad(pub i128);

impl<'de> Deserialize<'de> for Wad {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let text = match &v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
            _ => {
                return Err(serde::de::Error::custom(format!(
                    "an integer as a decimal string: {v}"
                )))
            }
        };
        text.parse::<i128>()
            .map(Wad)
            .map_err(|e| serde::de::Error::custom(format!("{text}: {e}")))
    }
}

/// A collateral token as the vault lists it (`setCollateral`).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Collateral {
    /// The ERC-20.
    pub token: Address,
    /// Its Chainlink USD feed.
    pub feed: Address,
    /// The feed's heartbeat, in seconds (an older answer stops the token's valuation).
    pub heartbeat: u32,
    /// The haircut, in basis points.
    #[serde(default)]
    pub haircut_bps: u16,
    /// The most the vault takes, in token units.
    pub deposit_cap: U256,
}

/// An underlying's risk parameters: a preset of `pm-risk` (`BTC`, `ETH`, `SOL`, `INDEX`) or the
/// nine wire values `setUnderlying` takes.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Params {
    /// A preset by name.
    Preset(String),
    /// The nine values, 18 decimals.
    Wire([Wad; 9]),
}

impl Params {
    /// The nine values `setUnderlying` takes.
    ///
    /// # Errors
    /// An unknown preset.
    pub fn wire(&self) -> Result<[i128; 9], String> {
        match self {
            Params::Wire(values) => Ok(values.map(|w| w.0)),
            Params::Preset(name) => {
                let preset = match name.as_str() {
                    "BTC" => defaults::BTC,
                    "ETH" => defaults::ETH,
                    "SOL" => defaults::SOL,
                    "INDEX" => defaults::INDEX,
                    other => return Err(format!("no preset {other}: BTC, ETH, SOL or INDEX")),
                };
                Ok(params_of(&preset))
            }
        }
    }
}

/// An underlying (`setUnderlying`, `setTradeBands`), its index its place in the list.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UnderlyingConfig {
    /// Ticker, for the deployment file and logs.
    pub symbol: String,
    /// Its Chainlink USD feed.
    pub feed: Address,
    /// The feed's heartbeat, in seconds.
    pub heartbeat: u32,
    /// The most a posted vol may age, in seconds.
    pub vol_max_age: u32,
    /// Added to the posted vol, 18 decimals.
    #[serde(default)]
    pub oracle_addon: Wad,
    /// Risk parameters.
    pub params: Params,
    /// A perp's or future's trade band around the price, 18 decimals (0.05: 5%).
    pub future_band: Wad,
    /// An option's trade band around its mark, as a share of the price, 18 decimals.
    pub option_band: Wad,
    /// The first implied vol to post, 18 decimals (posted when the deployer is the risk oracle).
    pub vol: Wad,
}

/// Arbitrum's program cache, optionally entered after deployment.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ProgramCache {
    /// As the chain owner, through ArbWasmCache (a dev chain).
    ChainOwner,
    /// A bid of `bid_wei` per program in the CacheManager's auction (Arbitrum Sepolia and One).
    #[serde(rename_all = "camelCase")]
    Bid {
        /// The CacheManager contract.
        cache_manager: Address,
        /// The bid per program, in wei.
        bid_wei: U256,
    },
}

/// The whole configuration.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeployConfig {
    /// The owner of the vault, the clearinghouse and the markets (default: the deployer). When it
    /// is another account, ownership is offered to it at the end (it must `acceptOwnership`).
    #[serde(default)]
    pub owner: Option<Address>,
    /// The risk admin (default: the owner).
    #[serde(default)]
    pub risk_admin: Option<Address>,
    /// The risk oracle (default: the owner). The first vols are posted only if the deployer is.
    #[serde(default)]
    pub risk_oracle: Option<Address>,
    /// The settlement token (its decimals are read by the clearinghouse as `settlementDecimals`).
    pub settlement: Collateral,
    /// The settlement token's decimals.
    pub settlement_decimals: u8,
    /// More collateral tokens.
    #[serde(default)]
    pub collateral: Vec<Collateral>,
    /// The underlyings, index 0 first.
    pub underlyings: Vec<UnderlyingConfig>,
    /// Correlations above the diagonal, row by row, 18 decimals (n(n−1)/2 of them).
    pub correlations: Vec<Wad>,
    /// The most each market's `settle` moves per hour, in settlement-token units.
    pub settle_cap: U256,
    /// Whether and how to enter the program cache.
    #[serde(default)]
    pub program_cache: Option<ProgramCache>,
}

impl DeployConfig {
    /// Reads and checks a configuration file.
    ///
    /// # Errors
    /// It cannot be read or parsed, a preset is unknown, or the correlations do not match the
    /// underlyings.
    pub fn read(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let config: Self = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        config.check()?;
        Ok(config)
    }

    /// Checks what the chain would refuse only half way through a deployment.
    ///
    /// # Errors
    /// No underlying, a preset unknown, or not n(n−1)/2 correlations.
    pub fn check(&self) -> Result<(), String> {
        let n = self.underlyings.len();
        if n == 0 {
            return Err("no underlying".into());
        }
        if self.correlations.len() != n * (n - 1) / 2 {
            return Err(format!(
                "{n} underlyings need {} correlations, not {}",
                n * (n - 1) / 2,
                self.correlations.len()
            ));
        }
        for u in &self.underlyings {
            u.params.wire().map_err(|e| format!("{}: {e}", u.symbol))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(underlyings: usize, correlations: usize, params: &str) -> String {
        let u = format!(
            r#"{{"symbol":"X","feed":"0x0000000000000000000000000000000000000001","heartbeat":60,
               "volMaxAge":60,"params":{params},"futureBand":"5","optionBand":5,"vol":"1"}}"#
        );
        let us = vec![u; underlyings].join(",");
        let cs = vec!["\"1\""; correlations].join(",");
        format!(
            r#"{{"settlement":{{"token":"0x0000000000000000000000000000000000000002",
                "feed":"0x0000000000000000000000000000000000000003","heartbeat":60,"depositCap":"10"}},
                "settlementDecimals":6,"underlyings":[{us}],"correlations":[{cs}],"settleCap":"1",
                "programCache":{{"bid":{{"cacheManager":"0x0000000000000000000000000000000000000004","bidWei":"7"}}}}}}"#
        )
    }

    fn parse(text: &str) -> Result<DeployConfig, String> {
        let c: DeployConfig = serde_json::from_str(text).map_err(|e| e.to_string())?;
        c.check().map(|_| c)
    }

    #[test]
    fn a_preset_or_nine_values_and_a_bid_for_the_cache_are_read() {
        let c = parse(&config(3, 3, "\"SOL\"")).unwrap();
        assert_eq!(c.underlyings[0].params.wire().unwrap(), params_of(&defaults::SOL));
        assert_eq!(c.underlyings[0].future_band, Wad(5));
        assert!(
            matches!(c.program_cache, Some(ProgramCache::Bid { bid_wei, .. }) if bid_wei == U256::from(7))
        );
        let wire = parse(&config(1, 0, r#"["1","2","3","4","5","6","7","8","-9"]"#)).unwrap();
        assert_eq!(
            wire.underlyings[0].params.wire().unwrap(),
            [1, 2, 3, 4, 5, 6, 7, 8, -9]
        );
    }

    #[test]
    fn what_the_chain_would_refuse_half_way_is_refused_before_anything_is_sent() {
        assert!(parse(&config(3, 2, "\"BTC\""))
            .unwrap_err()
            .contains("need 3 correlations"));
        assert!(parse(&config(1, 0, "\"DOGE\""))
            .unwrap_err()
            .contains("no preset DOGE"));
        assert!(parse(&config(0, 0, "\"BTC\""))
            .unwrap_err()
            .contains("no underlying"));
        let unknown = config(1, 0, "\"BTC\"").replace("\"settleCap\"", "\"settleCapUsdc\"");
        assert!(parse(&unknown).is_err());
        let fraction = config(1, 0, "\"BTC\"").replace("\"vol\":\"1\"", "\"vol\":0.5");
        assert!(parse(&fraction).is_err());
    }
}
