//! The node's blocks, transactions, receipts and logs in the JSON shapes of Ethereum's RPC
//! (alloy's types), with Arbitrum's receipt fields (`gasUsedForL1`, `l1BlockNumber`: zero, as
//! the devnet charges no L1 data fee).

use alloy_consensus::transaction::Recovered;
use alloy_consensus::{Eip658Value, ReceiptEnvelope, ReceiptWithBloom, Transaction as _};
use alloy_primitives::U256;
use alloy_rpc_types_eth::{Block, BlockTransactions, Header, Log, Transaction, TransactionReceipt};
use serde_json::Value;

use crate::ledger::{MinedBlock, MinedTx};
use crate::tx_env::SignedTx;

/// A mined transaction as `eth_getTransactionByHash` and full blocks show it.
pub fn rpc_transaction(block: &MinedBlock, index: usize, t: &MinedTx) -> Transaction {
    Transaction {
        inner: Recovered::new_unchecked(t.tx.envelope.clone(), t.tx.from),
        block_hash: Some(block.hash),
        block_number: Some(block.header.number),
        transaction_index: Some(index as u64),
        effective_gas_price: Some(t.effective_gas_price),
    }
}

/// A transaction held for a nonce gap: no block yet.
pub fn rpc_held_transaction(tx: &SignedTx) -> Transaction {
    Transaction {
        inner: Recovered::new_unchecked(tx.envelope.clone(), tx.from),
        block_hash: None,
        block_number: None,
        transaction_index: None,
        effective_gas_price: None,
    }
}

/// A block: with its transactions in full, or their hashes.
pub fn rpc_block(block: &MinedBlock, full: bool) -> Block {
    let transactions = if full {
        BlockTransactions::Full(
            block
                .txs
                .iter()
                .enumerate()
                .map(|(i, t)| rpc_transaction(block, i, t))
                .collect(),
        )
    } else {
        BlockTransactions::Hashes(block.txs.iter().map(|t| t.hash).collect())
    };
    Block {
        header: Header {
            hash: block.hash,
            inner: block.header.clone(),
            total_difficulty: Some(U256::from(block.header.number.saturating_add(1))),
            size: None,
        },
        uncles: Vec::new(),
        transactions,
        withdrawals: None,
    }
}

/// A transaction's logs with where they were mined.
pub fn rpc_logs(block: &MinedBlock, index: usize, t: &MinedTx) -> Vec<Log> {
    t.receipt
        .logs
        .iter()
        .enumerate()
        .map(|(i, log)| Log {
            inner: log.clone(),
            block_hash: Some(block.hash),
            block_number: Some(block.header.number),
            block_timestamp: Some(block.header.timestamp),
            transaction_hash: Some(t.hash),
            transaction_index: Some(index as u64),
            log_index: Some(t.first_log_index.saturating_add(i as u64)),
            removed: false,
        })
        .collect()
}

/// A receipt as `eth_getTransactionReceipt` answers it.
pub fn rpc_receipt(block: &MinedBlock, index: usize, t: &MinedTx) -> Value {
    let logs = rpc_logs(block, index, t);
    let consensus = t.receipt_envelope();
    let receipt = alloy_consensus::Receipt {
        status: Eip658Value::Eip658(t.receipt.status),
        cumulative_gas_used: t.cumulative_gas_used,
        logs,
    };
    let with_bloom = ReceiptWithBloom::new(receipt, consensus.logs_bloom().to_owned());
    let inner = match consensus {
        ReceiptEnvelope::Eip2930(_) => ReceiptEnvelope::Eip2930(with_bloom),
        ReceiptEnvelope::Eip1559(_) => ReceiptEnvelope::Eip1559(with_bloom),
        _ => ReceiptEnvelope::Legacy(with_bloom),
    };
    let to = match t.tx.envelope.kind() {
        alloy_primitives::TxKind::Call(to) => Some(to),
        alloy_primitives::TxKind::Create => None,
    };
    let receipt = TransactionReceipt {
        inner,
        transaction_hash: t.hash,
        transaction_index: Some(index as u64),
        block_hash: Some(block.hash),
        block_number: Some(block.header.number),
        gas_used: t.receipt.gas_used,
        effective_gas_price: t.effective_gas_price,
        blob_gas_used: None,
        blob_gas_price: None,
        from: t.tx.from,
        to,
        // A creation names its address even when it failed, as geth's receipts do.
        contract_address: t
            .receipt
            .contract_address
            .or_else(|| to.is_none().then(|| t.tx.from.create(t.tx.envelope.nonce()))),
    };
    let mut json = serde_json::to_value(receipt).unwrap_or(Value::Null);
    if let Some(fields) = json.as_object_mut() {
        let l1 = format!("{:#x}", t.receipt.gas_used_for_l1);
        fields.insert("gasUsedForL1".into(), Value::String(l1));
        fields.insert("l1BlockNumber".into(), Value::String("0x0".into()));
    }
    json
}
