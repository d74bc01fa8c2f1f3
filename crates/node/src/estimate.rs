//! `eth_estimateGas`: the least gas limit with which the call succeeds, found by running it.
//! A Stylus or EVM call may need more than it uses (a call passes on only 63/64 of what is
//! left; refunds come back after it ends), so the search starts at the gas used and stops
//! within 1/64 above the least limit that works, as geth's search does (it stops at 1.5%).

use alloy_primitives::U256;
use alloy_rpc_types_eth::TransactionRequest;
use stylus_devnet::chain::TX_GAS_LIMIT;

use crate::ledger::{outcome, Ledger};
use crate::node_error::NodeError;

/// The gas limit to send the call with, at most the request's gas, 32M, and what the sender's
/// balance pays for at the request's price.
///
/// # Errors
/// `Reverted` or `Halted` if it fails even with the cap (the request's gas, or 32M); then a
/// failure for want of gas reads "gas required exceeds allowance".
pub fn estimate_gas(ledger: &mut Ledger, request: &TransactionRequest) -> Result<u64, NodeError> {
    let mut cap = request.gas.unwrap_or(TX_GAS_LIMIT).min(TX_GAS_LIMIT);
    // With a price, the sender can pay for no more gas than its balance buys (as geth caps it).
    let price = request.max_fee_per_gas.or(request.gas_price).unwrap_or_default();
    if price > 0 {
        let from = request.from.unwrap_or_default();
        let spendable = ledger
            .devnet()
            .balance(from)
            .saturating_sub(request.value.unwrap_or_default());
        let affordable = spendable / U256::from(price);
        cap = cap.min(u64::try_from(affordable).unwrap_or(u64::MAX));
    }
    let mut run = |gas: u64| {
        let mut r = request.clone();
        r.gas = Some(gas);
        ledger.call(&r)
    };
    let first = run(cap)?;
    if !first.status {
        return match outcome(first) {
            Err(NodeError::Halted(m)) if m == "out of gas" => Err(NodeError::Refused(format!(
                "gas required exceeds allowance ({cap})"
            ))),
            other => other.map(|_| cap),
        };
    }
    let used = first.gas_used;
    if run(used)?.status {
        return Ok(used);
    }
    // `lo` fails, `hi` succeeds; try the usual need first: what was used and 1/63 more.
    let mut lo = used;
    let mut hi = cap;
    let guess = used.saturating_add(used / 63).saturating_add(2_300).min(cap);
    if guess < cap && run(guess)?.status {
        hi = guess;
    } else if guess < cap {
        lo = guess;
    }
    while hi.saturating_sub(lo) > (hi / 64).max(1) {
        let mid = lo + (hi - lo) / 2;
        if run(mid)?.status {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}
