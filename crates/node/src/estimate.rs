//! `eth_estimateGas`: the least gas limit with which the call succeeds, found by running it,
//! plus the poster gas of its L1 data fee as Nitro estimates it. A Stylus or EVM call may need
//! more than it uses (a call passes on only 63/64 of what is left; refunds come back after it
//! ends), so the search starts at the gas used and stops within 1/64 above the least limit that
//! works, as geth's search does (it stops at 1.5%).

use alloy_consensus::transaction::RlpEcdsaEncodableTx;
use alloy_consensus::TxEip1559;
use alloy_primitives::{keccak256, U256};
use alloy_rlp::{Encodable, Header};
use alloy_rpc_types_eth::TransactionRequest;
use stylus_devnet::chain::TX_GAS_LIMIT;
use stylus_devnet::l1_pricing;

use crate::ledger::{outcome, Ledger};
use crate::node_error::NodeError;

/// The gas limit to send the call with: the execution gas it needs ([`execution_gas`]) and the
/// poster gas of its L1 data fee, estimated as Nitro does (`l1_pricing::estimated_poster_gas`,
/// on a stand-in for the transaction: [`stand_in`]).
///
/// # Errors
/// As [`execution_gas`]; and "gas required exceeds allowance" when the request's gas does not
/// cover the L1 part too.
pub fn estimate_gas(ledger: &mut Ledger, request: &TransactionRequest) -> Result<u64, NodeError> {
    let execution = execution_gas(ledger, request)?;
    let devnet = ledger.devnet();
    let base_fee = u128::from(devnet.base_fee());
    if base_fee == 0 {
        return Ok(execution);
    }
    let nonce = match request.nonce {
        Some(n) => n,
        None => devnet.nonce(request.from.unwrap_or_default()),
    };
    let units = l1_pricing::units(&stand_in(request, nonce));
    let poster = l1_pricing::estimated_poster_gas(devnet.l1_price_per_unit(), units, base_fee, base_fee);
    let total = execution.saturating_add(poster);
    match request.gas {
        Some(allowed) if total > allowed => Err(NodeError::Refused(format!(
            "gas required exceeds allowance ({allowed})"
        ))),
        _ => Ok(total),
    }
}

/// The transaction Nitro prices an estimate's L1 data fee on (`makeFakeTxForMessage`): an
/// EIP-1559 transaction of the request's destination, value, data and access list, with fixed
/// stand-ins where the request has nothing (nonce 0, fees, always the gas limit) and for the
/// signature, and no chain id, in its signed encoding.
pub fn stand_in(request: &TransactionRequest, nonce: u64) -> Vec<u8> {
    let word = |s: &str| keccak256(s.as_bytes());
    let first8 = |s: &str| u64::from_be_bytes(word(s)[..8].try_into().unwrap_or_default());
    let first4 = |s: &str| u128::from(u32::from_be_bytes(word(s)[..4].try_into().unwrap_or_default()));
    let or = |v: Option<u128>, fallback: u128| v.filter(|v| *v != 0).unwrap_or(fallback);
    let tx = TxEip1559 {
        chain_id: 0,
        nonce: if nonce == 0 { first8("Nonce") } else { nonce },
        gas_limit: first4("Gas") as u64,
        max_fee_per_gas: or(request.max_fee_per_gas.or(request.gas_price), first4("GasFeeCap")),
        max_priority_fee_per_gas: or(
            request.max_priority_fee_per_gas.or(request.gas_price),
            first4("GasTipCap"),
        ),
        to: request.to.unwrap_or_default(),
        value: request.value.unwrap_or_default(),
        access_list: request.access_list.clone().unwrap_or_default(),
        input: request.input.input().cloned().unwrap_or_default(),
    };
    // V is Arbitrum One's chain id times 3; R and S hash their letters.
    let v = 42_161u64 * 3;
    let (r, s) = (U256::from_be_bytes(word("R").0), U256::from_be_bytes(word("S").0));
    let mut payload = Vec::new();
    tx.rlp_encode_fields(&mut payload);
    v.encode(&mut payload);
    r.encode(&mut payload);
    s.encode(&mut payload);
    let mut out = vec![0x02];
    Header {
        list: true,
        payload_length: payload.len(),
    }
    .encode(&mut out);
    out.extend(payload);
    out
}

/// The execution gas limit to send the call with, at most the request's gas, 32M, and what the
/// sender's balance pays for at the request's price.
///
/// # Errors
/// `Reverted` or `Halted` if it fails even with the cap (the request's gas, or 32M); then a
/// failure for want of gas reads "gas required exceeds allowance".
pub fn execution_gas(ledger: &mut Ledger, request: &TransactionRequest) -> Result<u64, NodeError> {
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
