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
    /// The first implied vol to post, 18 decimals.
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

/// The vault's sequencer-uptime gate (Chainlink's L2 sequencer feed): no valuation while the
/// sequencer is down or within the grace period after it comes back.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SequencerFeed {
    /// The uptime feed.
    pub feed: Address,
    /// Seconds after the sequencer is back before valuations resume (at most a day).
    pub grace_period: u32,
}

/// The whole configuration.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeployConfig {
    /// The chain the file is for; `pm-deploy` refuses another (a Sepolia file sent to One).
    #[serde(default)]
    pub chain_id: Option<u64>,
    /// The owner of the vault, the clearinghouse and the markets (default: the deployer). When it
    /// is another account, ownership is offered to it at the end (it must `acceptOwnership`).
    #[serde(default)]
    pub owner: Option<Address>,
    /// The risk admin (default: the owner).
    #[serde(default)]
    pub risk_admin: Option<Address>,
    /// The risk oracle (default: the owner). The deployer posts the first vols (`vol` of each
    /// underlying) before it hands the role over.
    #[serde(default)]
    pub risk_oracle: Option<Address>,
    /// The vault's guardian, who may pause it (none: no guardian).
    #[serde(default)]
    pub guardian: Option<Address>,
    /// The vault's sequencer-uptime gate (none: no gate; set it on Arbitrum One).
    #[serde(default)]
    pub sequencer_feed: Option<SequencerFeed>,
    /// The settlement token.
    pub settlement: Collateral,
    /// The settlement token's decimals, fixed in the clearinghouse at construction (`pm-deploy`
    /// checks them against the token's `decimals()` before it sends anything).
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

    /// Checks what the chain would refuse only half way through a deployment, and what it would
    /// take but nobody could mend: zero addresses, a token or feed listed twice, heartbeats, bands,
    /// vols, correlations, haircuts and counts out of the engine's ranges.
    ///
    /// # Errors
    /// The first problem found, named.
    pub fn check(&self) -> Result<(), String> {
        let n = self.underlyings.len();
        if n == 0 {
            return Err("no underlying".into());
        }
        if n > MAX_UNDERLYINGS {
            return Err(format!("{n} underlyings: at most {MAX_UNDERLYINGS}"));
        }
        if self.correlations.len() != n * (n - 1) / 2 {
            return Err(format!(
                "{n} underlyings need {} correlations, not {}",
                n * (n - 1) / 2,
                self.correlations.len()
            ));
        }
        if let Some(c) = self.correlations.iter().find(|c| c.0.abs() > WAD) {
            return Err(format!("correlation {} is beyond [-1, 1]", c.0));
        }
        if self.settlement_decimals > 18 {
            return Err(format!(
                "settlementDecimals {}: at most 18",
                self.settlement_decimals
            ));
        }
        let roles = [
            ("owner", self.owner),
            ("riskAdmin", self.risk_admin),
            ("riskOracle", self.risk_oracle),
            ("guardian", self.guardian),
        ];
        if let Some((name, _)) = roles.iter().find(|(_, a)| *a == Some(Address::ZERO)) {
            return Err(format!("{name} is the zero address"));
        }
        let tokens: Vec<&Collateral> = std::iter::once(&self.settlement)
            .chain(&self.collateral)
            .collect();
        if tokens.len() > MAX_COLLATERALS {
            return Err(format!(
                "{} collateral tokens: at most {MAX_COLLATERALS}",
                tokens.len()
            ));
        }
        for (i, c) in tokens.iter().enumerate() {
            if c.token == Address::ZERO || c.feed == Address::ZERO {
                return Err(format!("collateral {}: a zero address", c.token));
            }
            if tokens[..i].iter().any(|d| d.token == c.token) {
                return Err(format!("collateral {} is listed twice", c.token));
            }
            if c.haircut_bps >= 10_000 {
                return Err(format!(
                    "collateral {}: haircut {} bps, below 10,000 needed",
                    c.token, c.haircut_bps
                ));
            }
            heartbeat(&format!("collateral {}", c.token), c.heartbeat)?;
        }
        if let Some(s) = &self.sequencer_feed {
            if s.feed == Address::ZERO || s.grace_period > MAX_GRACE_PERIOD {
                return Err(format!(
                    "sequencerFeed: a zero feed or a grace period over {MAX_GRACE_PERIOD} s"
                ));
            }
        }
        for (i, u) in self.underlyings.iter().enumerate() {
            let name = &u.symbol;
            u.params.wire().map_err(|e| format!("{name}: {e}"))?;
            if u.feed == Address::ZERO {
                return Err(format!("{name}: the zero address as feed"));
            }
            if self.underlyings[..i]
                .iter()
                .any(|v| v.symbol == u.symbol || v.feed == u.feed)
            {
                return Err(format!("{name}: its symbol or feed is listed twice"));
            }
            heartbeat(name, u.heartbeat)?;
            heartbeat(&format!("{name} volMaxAge"), u.vol_max_age)?;
            for (band, value) in [("futureBand", u.future_band.0), ("optionBand", u.option_band.0)] {
                if value <= 0 || value > MAX_BAND {
                    return Err(format!("{name}: {band} {value} is outside (0, 0.5]"));
                }
            }
            if !(MIN_VOL..=MAX_VOL).contains(&u.vol.0) {
                return Err(format!("{name}: vol {} is outside [1%, 500%]", u.vol.0));
            }
        }
        Ok(())
    }
}

/// The most underlyings the risk program takes.
pub const MAX_UNDERLYINGS: usize = pm_risk::MAX_UNDERLYINGS;
/// The most collateral tokens the vault lists.
pub const MAX_COLLATERALS: usize = 16;
/// The longest heartbeat or vol age the engine takes, in seconds (7 days).
pub const MAX_HEARTBEAT: u32 = 7 * 24 * 3600;
/// The longest sequencer grace period, in seconds (a day).
pub const MAX_GRACE_PERIOD: u32 = 24 * 3600;
/// The widest trade band, 18 decimals (50%).
pub const MAX_BAND: i128 = WAD / 2;
/// The lowest and highest vol `pm-risk` takes, 18 decimals.
pub const MIN_VOL: i128 = WAD / 100;
/// See [`MIN_VOL`].
pub const MAX_VOL: i128 = 5 * WAD;

fn heartbeat(what: &str, seconds: u32) -> Result<(), String> {
    if seconds == 0 || seconds > MAX_HEARTBEAT {
        return Err(format!("{what}: {seconds} s is outside 1 s to 7 days"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(underlyings: usize, correlations: usize, params: &str) -> String {
        let u = |i: usize| {
            format!(
                r#"{{"symbol":"X{i}","feed":"0x00000000000000000000000000000000000000{:02x}","heartbeat":60,
               "volMaxAge":60,"params":{params},"futureBand":"5","optionBand":5,"vol":"500000000000000000"}}"#,
                i + 16
            )
        };
        let us = (0..underlyings).map(u).collect::<Vec<_>>().join(",");
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
        let fraction = config(1, 0, "\"BTC\"").replace("\"vol\":\"500000000000000000\"", "\"vol\":0.5");
        assert!(parse(&fraction).is_err());
        let tiny_vol = config(1, 0, "\"BTC\"").replace("\"vol\":\"500000000000000000\"", "\"vol\":\"1\"");
        assert!(parse(&tiny_vol).unwrap_err().contains("outside [1%, 500%]"));
        let wide_band =
            config(1, 0, "\"BTC\"").replace("\"futureBand\":\"5\"", "\"futureBand\":\"600000000000000000\"");
        assert!(parse(&wide_band).unwrap_err().contains("futureBand"));
        let zero_owner = config(1, 0, "\"BTC\"").replacen(
            '{',
            "{\"owner\":\"0x0000000000000000000000000000000000000000\",",
            1,
        );
        assert!(parse(&zero_owner)
            .unwrap_err()
            .contains("owner is the zero address"));
        let twice = config(2, 1, "\"BTC\"").replace("\"X1\"", "\"X0\"");
        assert!(parse(&twice).unwrap_err().contains("listed twice"));
        let rho = config(1, 0, "\"BTC\"");
        let bad_rho = config(2, 1, "\"BTC\"").replace(
            "\"correlations\":[\"1\"]",
            "\"correlations\":[\"2000000000000000000\"]",
        );
        assert!(parse(&rho).is_ok());
        assert!(parse(&bad_rho).is_err());
    }
}
