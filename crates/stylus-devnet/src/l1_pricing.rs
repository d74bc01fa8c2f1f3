//! The L1 data fee: what Arbitrum charges a transaction for posting it to L1, re-expressed as L2
//! gas (Nitro's `arbos/l1pricing/l1pricing.go` and `arbos/tx_processor.go`, `GasChargingHook`
//! and `GetPosterGas`). A transaction's calldata units are 16 per byte of its signed encoding
//! compressed by brotli at level 1; its poster cost is the units at the L1 price per unit, wei;
//! its poster gas is that cost at the gas price paid, rounded down, and is charged before the
//! EVM runs (the rest of the gas limit, at most 32M, is what execution may use). Nothing is
//! charged when the base fee is zero. Imports nothing of the crate.

use revm::primitives::{address, Address};

/// Calldata units per compressed byte (`TxDataNonZeroGasEIP2028`).
pub const UNITS_PER_BYTE: u64 = 16;
/// The brotli level transactions are priced at (ArbOS 20 on).
pub const BROTLI_LEVEL: u32 = 1;
/// The L1 price per unit a Nitro dev chain starts at (`DefaultInitialL1BaseFee`), wei.
pub const NITRO_DEV_PRICE_PER_UNIT: u128 = 50_000_000_000;
/// Where poster fees go (Arbitrum's L1 pricer funds pool).
pub const L1_PRICER_FUNDS_POOL: Address = address!("a4b00000000000000000000000000000000000f6");
/// Units an estimate adds for the transaction it cannot see whole (16 bytes' worth).
pub const ESTIMATION_PADDING_UNITS: u64 = 16 * UNITS_PER_BYTE;
/// The estimate's margin on the units, basis points (1%).
pub const ESTIMATION_PADDING_BIPS: u64 = 100;
/// The estimate's margin on the L1 price, basis points (`GasEstimationL1PricePadding`: 10%).
pub const ESTIMATION_L1_PRICE_PADDING_BIPS: u128 = 11_000;

/// Calldata units of a signed transaction's encoding `tx`: 16 per byte after brotli at level 1
/// (window 22, as the C library's default).
pub fn units(tx: &[u8]) -> u64 {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_LEVEL as i32,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    // Compressing into memory cannot fail; an error would only undercount.
    let _ = brotli::BrotliCompress(&mut &tx[..], &mut out, &params);
    UNITS_PER_BYTE.saturating_mul(out.len() as u64)
}

/// Poster gas of `units` at `price_per_unit` wei a unit when gas costs `gas_price` wei: the
/// cost in wei over the gas price, rounded down (zero at a zero gas price).
pub fn poster_gas(price_per_unit: u128, units: u64, gas_price: u128) -> u64 {
    if gas_price == 0 {
        return 0;
    }
    let cost = price_per_unit.saturating_mul(u128::from(units));
    u64::try_from(cost / gas_price).unwrap_or(u64::MAX)
}

/// Poster gas an estimate asks for (Nitro's estimation padding): the units of a transaction built
/// from the request, plus [`ESTIMATION_PADDING_UNITS`], plus 1%; the cost 10% higher; and the gas
/// price assumed 7/8 of `gas_price` but not below `min_base_fee`.
pub fn estimated_poster_gas(price_per_unit: u128, units: u64, gas_price: u128, min_base_fee: u128) -> u64 {
    let padded = units.saturating_add(ESTIMATION_PADDING_UNITS);
    let padded = padded.saturating_mul(10_000 + ESTIMATION_PADDING_BIPS) / 10_000;
    let cost = price_per_unit.saturating_mul(u128::from(padded));
    let cost = cost.saturating_mul(ESTIMATION_L1_PRICE_PADDING_BIPS) / 10_000;
    let price = (gas_price.saturating_mul(7) / 8).max(min_base_fee);
    if price == 0 {
        return 0;
    }
    u64::try_from(cost / price).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_sixteen_a_compressed_byte() {
        // Incompressible bytes grow a little; repetitive ones shrink.
        let random: Vec<u8> = (0u32..200)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert!(units(&random) >= 16 * 200);
        assert!(units(&[7u8; 1_000]) < 16 * 50);
        assert_eq!(units(&[7u8; 1_000]) % 16, 0);
    }

    #[test]
    fn poster_gas_is_the_cost_at_the_gas_price() {
        // 2,000 units at 50 gwei, paid in gas at 0.1 gwei: 1,000,000 gas.
        assert_eq!(poster_gas(50_000_000_000, 2_000, 100_000_000), 1_000_000);
        assert_eq!(poster_gas(50_000_000_000, 2_000, 0), 0);
        // Rounded down.
        assert_eq!(poster_gas(1, 3, 2), 1);
        // The estimate: (2,000 + 256) · 1.01 = 2,278 units, 10% more cost, at 0.1 gwei (7/8 of
        // it is below the floor): 2,278 · 50 gwei · 1.1 / 0.1 gwei.
        assert_eq!(
            estimated_poster_gas(50_000_000_000, 2_000, 100_000_000, 100_000_000),
            1_252_900
        );
        // At 1 gwei the estimate assumes 0.875 gwei.
        assert_eq!(
            estimated_poster_gas(50_000_000_000, 2_000, 1_000_000_000, 100_000_000),
            143_188
        );
    }
}
