//! What a request can fail with, and the JSON-RPC error object each becomes (the codes geth and
//! anvil use, so clients decode them unchanged).

use alloy_primitives::Bytes;
use jsonrpsee::types::ErrorObjectOwned;
use stylus_devnet::revm::context::result::InvalidTransaction;
use stylus_devnet::TxError;

/// Why a request failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeError {
    /// The parameters are missing or malformed (-32602).
    InvalidParams(String),
    /// The chain refused the transaction before running it: nonce, balance, fee, gas cap, a
    /// wrong chain id, a bad signature, a transaction that does not decode (-32000, geth's
    /// wording).
    Refused(String),
    /// The call reverted; `data` is the revert data (code 3, "execution reverted", the data in
    /// the error's `data` as geth returns it).
    Reverted {
        /// The revert data (a custom error, `Error(string)`, or empty).
        data: Bytes,
    },
    /// The call halted (out of gas, invalid opcode, ...) (-32000).
    Halted(String),
    /// What the node does not keep or do (state of past blocks, blob transactions) (-32000).
    Unsupported(String),
    /// A bug in the node (a request panicked): -32603. The node then refuses every request.
    Internal(String),
}

impl NodeError {
    /// A transaction the chain refused, in geth's words (clients match on them).
    pub fn refused(e: &TxError) -> Self {
        let TxError::Transaction(invalid) = e else {
            return Self::Refused(e.to_string());
        };
        let text = match invalid {
            InvalidTransaction::NonceTooLow { tx, state } => {
                format!("nonce too low: next nonce {state}, tx nonce {tx}")
            }
            InvalidTransaction::NonceTooHigh { tx, state } => {
                format!("nonce too high: next nonce {state}, tx nonce {tx}")
            }
            InvalidTransaction::LackOfFundForMaxFee { fee, balance } => {
                format!("insufficient funds for gas * price + value: have {balance} want {fee}")
            }
            InvalidTransaction::GasPriceLessThanBasefee => "max fee per gas less than block base fee".into(),
            InvalidTransaction::PriorityFeeGreaterThanMaxFee => {
                "max priority fee per gas higher than max fee per gas".into()
            }
            InvalidTransaction::CallGasCostMoreThanGasLimit {
                initial_gas,
                gas_limit,
            } => {
                format!("intrinsic gas too low: gas {gas_limit}, minimum needed {initial_gas}")
            }
            InvalidTransaction::GasFloorMoreThanGasLimit { gas_floor, gas_limit } => {
                format!("intrinsic gas too low: gas {gas_limit}, minimum needed {gas_floor}")
            }
            InvalidTransaction::TxGasLimitGreaterThanCap { gas_limit, cap } => {
                format!("exceeds block gas limit: gas {gas_limit}, the most a transaction may use {cap}")
            }
            InvalidTransaction::CallerGasLimitMoreThanBlock => "exceeds block gas limit".into(),
            InvalidTransaction::RejectCallerWithCode => "sender not an eoa".into(),
            InvalidTransaction::CreateInitCodeSizeLimit => "max initcode size exceeded".into(),
            InvalidTransaction::InvalidChainId => "invalid chain id".into(),
            other => other.to_string(),
        };
        Self::Refused(text)
    }
}

impl From<NodeError> for ErrorObjectOwned {
    fn from(e: NodeError) -> Self {
        match e {
            NodeError::InvalidParams(m) => ErrorObjectOwned::owned(-32602, m, None::<()>),
            NodeError::Internal(m) => ErrorObjectOwned::owned(-32603, m, None::<()>),
            NodeError::Refused(m) | NodeError::Halted(m) | NodeError::Unsupported(m) => {
                ErrorObjectOwned::owned(-32000, m, None::<()>)
            }
            NodeError::Reverted { data } => {
                let message = match revert_reason(&data) {
                    Some(reason) => format!("execution reverted: {reason}"),
                    None => "execution reverted".to_string(),
                };
                ErrorObjectOwned::owned(3, message, Some(data))
            }
        }
    }
}

/// The message of an `Error(string)` revert, if the data is one.
fn revert_reason(data: &[u8]) -> Option<String> {
    const ERROR_STRING: [u8; 4] = [0x08, 0xc3, 0x79, 0xa0];
    let body = data.strip_prefix(&ERROR_STRING)?;
    let len_word = body.get(32..64)?;
    let len = usize::try_from(alloy_primitives::U256::from_be_slice(len_word)).ok()?;
    let text = body.get(64..64usize.checked_add(len)?)?;
    String::from_utf8(text.to_vec()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revert_keeps_its_data_and_an_error_string_is_spelt_out() {
        let custom = Bytes::from(vec![0xde, 0xad, 0xbe, 0xef]);
        let e: ErrorObjectOwned = NodeError::Reverted { data: custom.clone() }.into();
        assert_eq!(e.code(), 3);
        assert_eq!(e.message(), "execution reverted");
        assert_eq!(e.data().map(|d| d.get()), Some("\"0xdeadbeef\""));

        let mut reason = vec![0x08, 0xc3, 0x79, 0xa0];
        reason.extend_from_slice(&[0u8; 31]);
        reason.push(32);
        reason.extend_from_slice(&[0u8; 31]);
        reason.push(2);
        reason.extend_from_slice(b"no");
        reason.extend_from_slice(&[0u8; 30]);
        let e: ErrorObjectOwned = NodeError::Reverted { data: reason.into() }.into();
        assert_eq!(e.message(), "execution reverted: no");
    }
}
