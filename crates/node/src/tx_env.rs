//! Turns what clients send into the devnet's transactions: a signed transaction (decoded,
//! signer recovered, chain id checked) for `eth_sendRawTransaction`, and a call request for
//! `eth_call` and `eth_estimateGas`.

use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::{Transaction, TxEnvelope, Typed2718};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{Address, TxKind, U256};
use alloy_rpc_types_eth::TransactionRequest;
use stylus_devnet::revm::context::TxEnv;

use crate::node_error::NodeError;

/// A signed transaction and the account that signed it.
#[derive(Clone, Debug)]
pub struct SignedTx {
    /// The transaction as sent.
    pub envelope: TxEnvelope,
    /// Its signer.
    pub from: Address,
}

/// Decodes a raw signed transaction (legacy, EIP-2930 or EIP-1559) and recovers its signer.
///
/// # Errors
/// `Refused` if it does not decode, for a bad signature, a wrong or missing chain id (unprotected transactions are refused, as geth does over RPC), or a type the node does not
/// run (blob and EIP-7702 transactions).
pub fn decode_signed(raw: &[u8], chain_id: u64) -> Result<SignedTx, NodeError> {
    let mut buf = raw;
    let envelope = TxEnvelope::decode_2718(&mut buf)
        .map_err(|e| NodeError::Refused(format!("transaction does not decode: {e}")))?;
    if !buf.is_empty() {
        return Err(NodeError::Refused(
            "transaction does not decode: bytes after it".into(),
        ));
    }
    if matches!(envelope, TxEnvelope::Eip4844(_) | TxEnvelope::Eip7702(_)) {
        return Err(NodeError::Refused("transaction type not supported".into()));
    }
    match envelope.chain_id() {
        Some(id) if id == chain_id => {}
        Some(id) => {
            return Err(NodeError::Refused(format!(
                "invalid chain id {id}: this chain is {chain_id}"
            )))
        }
        None => {
            return Err(NodeError::Refused(
                "only replay-protected (EIP-155) transactions allowed over RPC".into(),
            ))
        }
    }
    let from = envelope
        .recover_signer()
        .map_err(|_| NodeError::Refused("invalid signature".into()))?;
    Ok(SignedTx { envelope, from })
}

/// The devnet transaction a signed transaction runs as, in a block of base fee `base_fee`. It
/// pays the base fee and no tip, as on Nitro (which drops tips): an EIP-1559 transaction's
/// priority fee is zero, a legacy one's price is cut to the base fee (one below it is still
/// refused).
pub fn signed_env(tx: &SignedTx, base_fee: u64) -> TxEnv {
    let e = &tx.envelope;
    let base_fee = u128::from(base_fee);
    let (gas_price, gas_priority_fee) = match e.max_priority_fee_per_gas() {
        Some(_) => (e.max_fee_per_gas(), Some(0)),
        None if e.max_fee_per_gas() >= base_fee => (base_fee, None),
        None => (e.max_fee_per_gas(), None),
    };
    TxEnv {
        tx_type: e.ty(),
        caller: tx.from,
        gas_limit: e.gas_limit(),
        gas_price,
        gas_priority_fee,
        kind: e.kind(),
        value: e.value(),
        data: e.input().clone(),
        nonce: e.nonce(),
        chain_id: e.chain_id(),
        access_list: e.access_list().cloned().unwrap_or_default(),
        ..Default::default()
    }
}

/// The devnet transaction a call request runs as: `from` defaults to the zero address, `gas` to
/// `gas_cap`, the gas price to zero (calls pay no base fee), and the nonce is the account's own.
pub fn call_env(request: &TransactionRequest, nonce: u64, gas_cap: u64, chain_id: u64) -> TxEnv {
    let gas_price = request.max_fee_per_gas.or(request.gas_price).unwrap_or_default();
    let priority = request.max_priority_fee_per_gas;
    TxEnv {
        tx_type: if priority.is_some() || request.max_fee_per_gas.is_some() {
            2
        } else if request.access_list.is_some() {
            1
        } else {
            0
        },
        caller: request.from.unwrap_or_default(),
        gas_limit: request.gas.unwrap_or(gas_cap).min(gas_cap),
        gas_price,
        gas_priority_fee: priority,
        kind: request.to.unwrap_or(TxKind::Create),
        value: request.value.unwrap_or(U256::ZERO),
        data: request.input.input().cloned().unwrap_or_default(),
        nonce,
        chain_id: Some(chain_id),
        access_list: request.access_list.clone().unwrap_or_default(),
        ..Default::default()
    }
}
