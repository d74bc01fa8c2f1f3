//! The L1 data fee of a transaction sent with its signed bytes (`Devnet::transact_posted`), as
//! Nitro's `GasChargingHook` charges it: units 16 a byte of the bytes brotli'd at level 1, the
//! poster gas their cost at the L1 price per unit over the base fee, rounded down, charged before
//! execution and shown as `gas_used_for_l1`.

use revm::context::TxEnv;
use revm::primitives::{Address, TxKind, U256};
use stylus_devnet::chain::{CHAIN_ID, TX_BASE_GAS};
use stylus_devnet::l1_pricing::{L1_PRICER_FUNDS_POOL, NITRO_DEV_PRICE_PER_UNIT};
use stylus_devnet::Devnet;

const BASE_FEE: u64 = 100_000_000;

/// The poster gas of `signed` at 50 gwei a unit and 0.1 gwei a gas, derived here from its
/// compressed length.
fn poster_gas(signed: &[u8]) -> u64 {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 1,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &signed[..], &mut out, &params).unwrap();
    let units = 16 * out.len() as u128;
    u64::try_from(units * NITRO_DEV_PRICE_PER_UNIT / u128::from(BASE_FEE)).unwrap()
}

fn transfer(chain: &mut Devnet, from: Address, to: Address, gas_limit: u64) -> TxEnv {
    TxEnv {
        caller: from,
        gas_limit,
        gas_price: u128::from(BASE_FEE),
        kind: TxKind::Call(to),
        value: U256::from(5u8),
        nonce: chain.nonce(from),
        chain_id: Some(CHAIN_ID),
        ..Default::default()
    }
}

#[test]
fn a_posted_transaction_pays_its_l1_data_fee_in_gas() {
    let mut chain = Devnet::new();
    chain.set_base_fee(BASE_FEE);
    let (from, to) = (chain.accounts[1], chain.accounts[2]);
    // Stands for the signed transaction's encoding (its bytes are all the fee depends on).
    let signed: Vec<u8> = (0u32..120)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    let poster = poster_gas(&signed);
    assert!(poster > 900_000, "{poster}");
    let (before, pool) = (chain.balance(from), chain.balance(L1_PRICER_FUNDS_POOL));
    let tx = transfer(&mut chain, from, to, 2_000_000);
    let r = chain.transact_posted(tx, &signed).unwrap();
    assert!(r.status);
    assert_eq!((r.gas_used, r.gas_used_for_l1), (TX_BASE_GAS + poster, poster));
    // The sender paid both parts at the base fee; the poster's part went to the L1 pool.
    let paid = U256::from(r.gas_used) * U256::from(BASE_FEE);
    assert_eq!(chain.balance(from), before - paid - U256::from(5u8));
    assert_eq!(
        chain.balance(L1_PRICER_FUNDS_POOL),
        pool + U256::from(poster) * U256::from(BASE_FEE)
    );
}

#[test]
fn too_little_gas_or_balance_for_the_l1_part_is_refused_and_changes_nothing() {
    let mut chain = Devnet::new();
    chain.set_base_fee(BASE_FEE);
    let (from, to) = (chain.accounts[1], chain.accounts[2]);
    let signed = vec![0x42u8; 40];
    let poster = poster_gas(&signed);
    // Enough for the transfer alone, not with its poster gas: intrinsic gas too low.
    let tx = transfer(&mut chain, from, to, TX_BASE_GAS + poster - 1);
    let short = chain.transact_posted(tx, &signed);
    assert!(
        format!("{short:?}").contains("CallGasCostMoreThanGasLimit"),
        "{short:?}"
    );
    // A sender who can pay for the gas used but not for the whole limit at its price.
    let poor = Address::repeat_byte(0x77);
    chain.set_balance(poor, U256::from(BASE_FEE) * U256::from(TX_BASE_GAS + poster + 10));
    let mut tx = transfer(&mut chain, poor, to, 100_000_000);
    tx.nonce = 0;
    let refused = chain.transact_posted(tx, &signed);
    assert!(
        format!("{refused:?}").contains("LackOfFundForMaxFee"),
        "{refused:?}"
    );
    assert_eq!(chain.nonce(poor), 0);
    // Without a base fee nothing is charged for L1.
    let mut free = Devnet::new();
    let (a, b) = (free.accounts[1], free.accounts[2]);
    let mut tx = transfer(&mut free, a, b, TX_BASE_GAS);
    tx.gas_price = 0;
    let r = free.transact_posted(tx, &signed).unwrap();
    assert_eq!((r.gas_used, r.gas_used_for_l1), (TX_BASE_GAS, 0));
}
