//! What pricing an option shares across scenarios, computed once per margin computation: per
//! underlying and expiry, √T and σ√T in each vol state (a square root, the tenor's log and
//! power); per underlying and strike, ln(F/K); both also prepared for the 64-bit fast path.

use crate::black76::{check_price, q56_of, TotalVol};
use crate::error::{Result, RiskError};
use crate::fixed::{add, sub, wdiv, wmul, Rounding, Wad, WAD};
use crate::math::{exp, ln, sqrt};
use crate::params::{MAX_POSITIONS, MAX_TENOR_MULTIPLIER};
use crate::portfolio::Underlying;
use crate::units::{MAX_EXPIRY_SECONDS, SECONDS_PER_YEAR};

/// The vol-shock reference expiry: 30 days, in seconds.
const TENOR_REFERENCE_SECONDS: i128 = 30 * 86_400;
/// ln 4 (of [`MAX_TENOR_MULTIPLIER`]) as a Wad, rounded down.
const LN_MAX_TENOR_MULTIPLIER: Wad = 1_386_294_361_119_890_618;
const _: () = assert!(MAX_TENOR_MULTIPLIER == 4 * WAD);

/// What pricing an option of one strike and expiry on one underlying shares across scenarios.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OptionSetup {
    /// ln(F/K) at the current price.
    pub ln_fk: Wad,
    /// √T, T in years.
    pub sqrt_t: Wad,
    /// σ√T per vol state: base, up, down.
    pub s: [Wad; 3],
    /// ln(F/K) in Q56, where it fits.
    pub ln_fk_q56: Option<i64>,
    /// Each σ√T prepared for the fast path, where it fits.
    pub total_vols: [Option<TotalVol>; 3],
}

/// The setup of an option of `strike` and `expiry` on `u` at `now`, the vol shocks at least
/// `floor` vol points. Errors: `PriceOutOfRange` (strike), `ExpiryOutOfRange`, arithmetic.
pub fn option_setup(strike: Wad, expiry: u64, u: &Underlying, now: u64, floor: Wad) -> Result<OptionSetup> {
    let strike = StrikeSetup::new(strike, u)?;
    let expiry = ExpirySetup::new(expiry, u, now, floor)?;
    Ok(combine(&expiry, &strike))
}

fn combine(e: &ExpirySetup, k: &StrikeSetup) -> OptionSetup {
    OptionSetup {
        ln_fk: k.ln_fk,
        sqrt_t: e.sqrt_t,
        s: e.s,
        ln_fk_q56: Some(k.ln_fk_q56).filter(|&q| q != NO_Q56),
        total_vols: e.total_vols.map(TotalVol::unpacked),
    }
}

/// Marks a ln(F/K) that does not fit Q56 ([`q56_of`] never gives it).
const NO_Q56: i64 = i64::MIN;

/// What one expiry of one underlying shares. Plain integers only (a missing fast-path value is
/// a sentinel, not an `Option`), so that all-zero bytes are a valid cache.
#[derive(Clone, Copy, Debug, Default)]
struct ExpirySetup {
    sqrt_t: Wad,
    s: [Wad; 3],
    /// [`TotalVol::packed`].
    total_vols: [TotalVol; 3],
}

impl ExpirySetup {
    fn new(expiry: u64, u: &Underlying, now: u64, floor: Wad) -> Result<Self> {
        let (sqrt_t, s) = scenario_vols(expiry, u, now, floor)?;
        Ok(ExpirySetup {
            sqrt_t,
            s,
            total_vols: s.map(|s| TotalVol::packed(TotalVol::new(s))),
        })
    }
}

/// What one strike of one underlying shares.
#[derive(Clone, Copy, Debug, Default)]
struct StrikeSetup {
    ln_fk: Wad,
    /// In Q56, or [`NO_Q56`].
    ln_fk_q56: i64,
}

impl StrikeSetup {
    fn new(strike: Wad, u: &Underlying) -> Result<Self> {
        check_price(strike)?;
        let ln_fk = ln(wdiv(u.market.price, strike, Rounding::Down)?)?;
        Ok(StrikeSetup {
            ln_fk,
            ln_fk_q56: q56_of(ln_fk).unwrap_or(NO_Q56),
        })
    }
}

/// √T and σ√T per vol state (base, up, down) of an option on `u` expiring at `expiry`, the
/// shocks at least `floor` vol points each way (down to no less than a tenth of the vol).
/// Errors: `ExpiryOutOfRange` (beyond five years), arithmetic errors.
fn scenario_vols(expiry: u64, u: &Underlying, now: u64, floor: Wad) -> Result<(Wad, [Wad; 3])> {
    let seconds = expiry.saturating_sub(now);
    if seconds > MAX_EXPIRY_SECONDS {
        return Err(RiskError::ExpiryOutOfRange);
    }
    let years = wdiv(i128::from(seconds), i128::from(SECONDS_PER_YEAR), Rounding::Down)?;
    let sqrt_t = sqrt(years, Rounding::Down)?;
    let sigma = u.market.vol;
    // Vol shocks shrink with expiry: m(T) = min((30 d / T)^p, 4).
    let tenor = if seconds == 0 {
        MAX_TENOR_MULTIPLIER
    } else {
        let ratio = wdiv(TENOR_REFERENCE_SECONDS, i128::from(seconds), Rounding::Down)?;
        let log = wmul(u.params.vol_tenor_exponent, ln(ratio)?, Rounding::Down)?;
        if log >= LN_MAX_TENOR_MULTIPLIER {
            MAX_TENOR_MULTIPLIER
        } else {
            exp(log)?
        }
    };
    let up = wmul(
        sigma,
        add(WAD, wmul(u.params.vol_up, tenor, Rounding::Up)?)?,
        Rounding::Up,
    )?
    .max(add(sigma, floor)?);
    let down_factor = sub(WAD, wmul(u.params.vol_down, tenor, Rounding::Up)?)?.max(WAD / 10);
    let down = wmul(sigma, down_factor, Rounding::Down)?
        .min(sub(sigma, floor)?)
        .max(wmul(sigma, WAD / 10, Rounding::Down)?);
    Ok((
        sqrt_t,
        [
            wmul(sigma, sqrt_t, Rounding::Down)?,
            // Against the account: the up state a little higher, the down state lower.
            wmul(up, sqrt_t, Rounding::Up)?,
            wmul(down, sqrt_t, Rounding::Down)?,
        ],
    ))
}

/// Entries kept per table: every expiry or strike of a full book, and one more. (The expiry
/// table can be asked for more keys: expired options' shared expiry 0 once per underlying. Past
/// capacity a setup is computed each time it is needed, not kept: the same result.)
const CAPACITY: usize = MAX_POSITIONS + 1;

/// Slots of the hash indexes: a power of two, at least twice [`CAPACITY`].
const SLOTS: usize = 1024;
const _: () = assert!(SLOTS.is_power_of_two() && SLOTS >= 2 * CAPACITY);

/// A slot of a hash index for a 64-bit key of underlying `k` (Fibonacci hashing).
fn slot_of(k: usize, key: u64) -> usize {
    let mixed = (key ^ (k as u64).wrapping_mul(0x9E37_79B9)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> 54) as usize
}

/// Values keyed by underlying index and a 64-bit-hashable key, found through an
/// open-addressing hash index (a linear scan of a 128-option book cost more than the setups it
/// saved). All-zero bytes are a valid empty table.
struct Table<K, V> {
    entries: [(usize, K, V); CAPACITY],
    count: usize,
    /// Entry index + 1 per slot, 0 for an empty slot.
    index: [u16; SLOTS],
}

impl<K: Copy + PartialEq, V: Copy> Table<K, V> {
    const fn new(key: K, value: V) -> Self {
        Table {
            entries: [(0, key, value); CAPACITY],
            count: 0,
            index: [0; SLOTS],
        }
    }

    fn clear(&mut self) {
        self.count = 0;
        self.index = [0; SLOTS];
    }

    /// The value of (`k`, `key`), made by `make` and kept the first time (when the table is
    /// full, made and not kept). Errors: those of `make`.
    fn get_or_make(&mut self, k: usize, key: K, hash: u64, make: impl FnOnce() -> Result<V>) -> Result<V> {
        let mut slot = slot_of(k, hash);
        for _ in 0..SLOTS {
            match self.index.get(slot).copied().unwrap_or(0) {
                0 => break,
                n => {
                    let found = self.entries.get(usize::from(n).saturating_sub(1));
                    if let Some(&(_, _, v)) = found.filter(|(j, x, _)| *j == k && *x == key) {
                        return Ok(v);
                    }
                }
            }
            slot = slot.wrapping_add(1) & (SLOTS - 1);
        }
        let v = make()?;
        let n = self.count;
        // The index is never full (SLOTS ≥ 2 · CAPACITY), so `slot` is the empty one found.
        if let (Some(entry), Some(tag), Ok(t)) = (
            self.entries.get_mut(n),
            self.index.get_mut(slot),
            u16::try_from(n.saturating_add(1)),
        ) {
            *entry = (k, key, v);
            *tag = t;
            self.count = n.saturating_add(1);
        }
        Ok(v)
    }
}

/// The setups of one margin computation (one `now` and one vol floor), keyed by underlying
/// index and expiry or strike. All-zero bytes are a valid empty cache.
pub struct SetupCache {
    expiries: Table<u64, ExpirySetup>,
    strikes: Table<Wad, StrikeSetup>,
}

impl SetupCache {
    /// An empty cache.
    pub const fn new() -> Self {
        const EXPIRY: ExpirySetup = ExpirySetup {
            sqrt_t: 0,
            s: [0; 3],
            total_vols: [TotalVol::NONE; 3],
        };
        const STRIKE: StrikeSetup = StrikeSetup {
            ln_fk: 0,
            ln_fk_q56: 0,
        };
        SetupCache {
            expiries: Table::new(0, EXPIRY),
            strikes: Table::new(0, STRIKE),
        }
    }

    /// Forgets every setup (a new computation).
    pub fn clear(&mut self) {
        self.expiries.clear();
        self.strikes.clear();
    }

    /// [`option_setup`] of underlying `k` (`u`), computed once per expiry and once per strike.
    /// Errors: those of [`option_setup`].
    pub fn get(
        &mut self,
        k: usize,
        strike: Wad,
        expiry: u64,
        u: &Underlying,
        now: u64,
        floor: Wad,
    ) -> Result<OptionSetup> {
        // The strike first: a bad strike and a bad expiry report the strike, as unvalidated.
        let hash = strike as u64 ^ (strike >> 64) as u64;
        let s = self
            .strikes
            .get_or_make(k, strike, hash, || StrikeSetup::new(strike, u))?;
        let e = self
            .expiries
            .get_or_make(k, expiry, expiry, || ExpirySetup::new(expiry, u, now, floor))?;
        Ok(combine(&e, &s))
    }
}

impl Default for SetupCache {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::arithmetic_side_effects,
        clippy::indexing_slicing
    )]
    use super::*;
    use crate::math::ln;

    use crate::params::defaults;
    use crate::portfolio::Market;

    /// Every lookup of a full cache, colliding slots included, answers what an uncached setup
    /// computes; keys differ by underlying as well as by strike and expiry.
    #[test]
    fn cached_setups_equal_uncached_ones() {
        let u = |price: Wad| Underlying {
            market: Market {
                price,
                vol: WAD / 2,
                oracle_addon: 0,
            },
            params: defaults::BTC,
        };
        let us = [u(60_000 * WAD), u(3_000 * WAD)];
        let now = 1_700_000_000u64;
        let mut cache = SetupCache::new();
        for round in 0..2 {
            for i in 0..CAPACITY + 20 {
                let k = i % 2;
                let strike = (1_000 + (i as i128 % 97) * 500) * WAD;
                let expiry = now + 86_400 + (i as u64 / 3) * 3_600;
                let want = option_setup(strike, expiry, &us[k], now, WAD / 10).unwrap();
                let got = cache.get(k, strike, expiry, &us[k], now, WAD / 10).unwrap();
                assert_eq!(got, want, "round {round}, entry {i}");
            }
        }
        cache.clear();
        assert_eq!(cache.expiries.count, 0);
    }

    #[test]
    fn the_constant_log_is_ln_4_rounded_down() {
        let computed = ln(MAX_TENOR_MULTIPLIER).unwrap();
        assert!((computed - LN_MAX_TENOR_MULTIPLIER).abs() <= 2, "{computed}");
    }
}
