//! The ABI of a precompile call: reading the selector and arguments from calldata, and answers
//! as revm results with their gas (words, `Error(string)` reverts, out of gas), and fatal
//! database errors.

use revm::interpreter::{Gas, InstructionResult, InterpreterResult};
use revm::primitives::{Address, Bytes, U256};

/// The 4-byte selector of `input` (zero when shorter).
pub fn selector(input: &[u8]) -> [u8; 4] {
    input.get(..4).and_then(|s| s.try_into().ok()).unwrap_or_default()
}

/// The first 32-byte argument word, if present.
pub fn word_arg(input: &[u8]) -> Option<&[u8]> {
    input.get(4..36)
}

/// The first argument as an address (the low 20 bytes of its word), if present.
pub fn address_arg(input: &[u8]) -> Option<Address> {
    input.get(4..36).map(|w| Address::from_slice(&w[12..]))
}

/// A database failure as the fatal error revm's precompile interface carries (`Err(String)`).
pub fn db_error(e: impl std::fmt::Debug) -> String {
    format!("{e:?}")
}

/// `v` as one big-endian ABI word.
pub fn word(v: U256) -> Vec<u8> {
    v.to_be_bytes::<32>().to_vec()
}

/// A result of kind `kind` with `output`, charging `cost` gas out of `limit`; when `cost` exceeds
/// `limit` it is `PrecompileOOG` with every gas used and no output.
pub fn result(kind: InstructionResult, output: Vec<u8>, limit: u64, cost: u64) -> InterpreterResult {
    let mut gas = Gas::new(limit);
    if !gas.record_regular_cost(cost) {
        gas.spend_all();
        return InterpreterResult {
            result: InstructionResult::PrecompileOOG,
            output: Bytes::new(),
            gas,
        };
    }
    InterpreterResult {
        result: kind,
        output: output.into(),
        gas,
    }
}

/// A revert with `Error(reason)` that uses no gas of `limit`.
pub fn revert(limit: u64, reason: &str) -> InterpreterResult {
    // Error(string)
    let mut out = vec![0x08, 0xc3, 0x79, 0xa0];
    out.extend(word(U256::from(32)));
    out.extend(word(U256::from(reason.len())));
    let mut s = reason.as_bytes().to_vec();
    s.resize(reason.len().div_ceil(32) * 32, 0);
    out.extend(s);
    result(InstructionResult::Revert, out, limit, 0)
}

/// `addresses` ABI-encoded as the one return value `address[]`.
pub fn address_array(addresses: &[Address]) -> Vec<u8> {
    let mut out = word(U256::from(32));
    out.extend(word(U256::from(addresses.len())));
    for a in addresses {
        out.extend(word(U256::from_be_slice(a.as_slice())));
    }
    out
}
