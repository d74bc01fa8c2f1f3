//! The data fee of an activation or a keepalive (Nitro's `arbos/programs/data_pricer.go`): wei
//! per byte of the program's estimated machine code, rising exponentially with recent demand,
//! which drains at a fixed rate. Its state lives in ArbWasm's storage (0x71), two words apart
//! from the programs' records, and is journaled like any storage.

use revm::context_interface::ContextTr;
use revm::handler::evm::ContextTrDbError;
use revm::primitives::{keccak256, U256};

use crate::precompiles::addresses::ARB_WASM;
use crate::precompiles::storage;

/// When Arbitrum began (seconds): the pricer's first update time, and the origin of programs'
/// activation hours.
pub const ARBITRUM_START_TIME: u64 = 1_421_388_000;
/// Bytes of demand drained per second: a 1 TB footprint a year, per hour, per second.
pub const BYTES_PER_SECOND: u32 = ((1u64 << 40) / (365 * 24) / 3_600) as u32;
/// The price per byte with no demand, wei (5 MB = $1).
pub const MIN_PRICE: u32 = 82_928_201;
/// Demand at which the price is e times the minimum, bytes (expensive at 1 TB).
pub const INERTIA: u32 = 21_360_419;

/// The pricer's state: demand (bytes, not yet drained) and when it was last updated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataPricer {
    /// Recent demand, bytes.
    pub demand: u32,
    /// The last update, seconds.
    pub last_update: u64,
}

impl Default for DataPricer {
    /// A new chain's: no demand, last updated when Arbitrum began.
    fn default() -> Self {
        Self {
            demand: 0,
            last_update: ARBITRUM_START_TIME,
        }
    }
}

impl DataPricer {
    /// Adds `bytes` of demand at `time` (after draining what the time since the last update
    /// credits) and returns the fee for them, wei: `bytes` × the minimum price ×
    /// e^(demand / inertia), the exponential in basis points as Nitro approximates it.
    pub fn update(&mut self, bytes: u32, time: u64) -> u64 {
        let passed = u32::try_from(time.wrapping_sub(self.last_update)).unwrap_or(u32::MAX);
        let credit = BYTES_PER_SECOND.saturating_mul(passed);
        self.demand = self.demand.saturating_sub(credit).saturating_add(bytes);
        self.last_update = time;
        let exponent = 10_000 * i64::from(self.demand) / i64::from(INERTIA);
        let multiplier = approx_exp_bips(exponent as u64, 12);
        let per_byte = u64::from(MIN_PRICE).saturating_mul(multiplier) / 10_000;
        per_byte.saturating_mul(u64::from(bytes))
    }
}

/// 10,000 · e^(x / 10,000) for `x` in basis points, by `accuracy` terms of the Maclaurin series in
/// Horner's form, each step rounded down (Nitro's `ApproxExpBasisPoints`, non-negative `x`).
pub fn approx_exp_bips(x: u64, accuracy: u64) -> u64 {
    let b = 10_000u64;
    let mut res = b + x / accuracy;
    for i in (1..accuracy).rev() {
        res = b + res.saturating_mul(x) / (i * b);
    }
    res
}

/// The storage slot of the pricer's demand; the last update is in the next.
fn slot() -> U256 {
    U256::from_be_bytes(keccak256("stylus-devnet.data-pricer").0)
}

/// The pricer's state (loads 0x71, reads two slots; zero words: a new chain's). Errors: the
/// database failed.
pub fn read<CTX: ContextTr>(ctx: &mut CTX) -> Result<DataPricer, ContextTrDbError<CTX>> {
    let demand = storage::read(ctx, ARB_WASM, slot())?;
    let last = storage::read(ctx, ARB_WASM, slot() + U256::from(1))?;
    if last.is_zero() {
        return Ok(DataPricer::default());
    }
    Ok(DataPricer {
        demand: demand.saturating_to(),
        last_update: last.saturating_to(),
    })
}

/// Stores the pricer's state (journaled). Errors: the database failed.
pub fn write<CTX: ContextTr>(ctx: &mut CTX, pricer: &DataPricer) -> Result<(), ContextTrDbError<CTX>> {
    storage::write(ctx, ARB_WASM, slot(), U256::from(pricer.demand))?;
    storage::write(
        ctx,
        ARB_WASM,
        slot() + U256::from(1),
        U256::from(pricer.last_update),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exponential_matches_e_to_within_its_rounding() {
        assert_eq!(approx_exp_bips(0, 12), 10_000);
        // e = 2.71828…: 27,182 after the series' rounding down.
        assert_eq!(approx_exp_bips(10_000, 12), 27_182);
        // e^0.5 = 1.64872…
        assert_eq!(approx_exp_bips(5_000, 12), 16_487);
    }

    #[test]
    fn demand_drains_with_time_and_raises_the_price() {
        assert_eq!(BYTES_PER_SECOND, 34_865);
        let mut p = DataPricer::default();
        // Years after the start everything has drained: the first megabyte pays the minimum
        // price times e^(1e6 / inertia) = e^0.0468… (468 bips → 10,479).
        let t = 1_800_000_000;
        let fee = p.update(1_000_000, t);
        assert_eq!(p.demand, 1_000_000);
        assert_eq!(fee, u64::from(MIN_PRICE) * 10_479 / 10_000 * 1_000_000);
        // A second megabyte in the same second pays more (936 bips → 10,981).
        let again = p.update(1_000_000, t);
        assert_eq!(p.demand, 2_000_000);
        assert_eq!(again, u64::from(MIN_PRICE) * 10_981 / 10_000 * 1_000_000);
        // Ten seconds later 348,650 bytes have drained.
        p.update(0, t + 10);
        assert_eq!(p.demand, 2_000_000 - 348_650);
    }
}
