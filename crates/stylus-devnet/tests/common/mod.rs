//! What the devnet's test files share: a transaction's intrinsic gas and the activation call.
// Each test file compiles this module on its own and uses part of it.
#![allow(dead_code)]

use revm::primitives::Address;
use stylus_devnet::arbwasm;

/// Intrinsic gas of a transaction with `data` (Prague: 16 a non-zero byte, 4 a zero byte).
pub fn intrinsic(data: &[u8]) -> u64 {
    21_000 + data.iter().map(|b| if *b == 0 { 4 } else { 16 }).sum::<u64>()
}

/// The gas of a transaction with `data` that executes nothing: the intrinsic gas or, when more,
/// the calldata floor (EIP-7623: 21,000 + 10 a token, a token per zero byte and four per other).
pub fn floor(data: &[u8]) -> u64 {
    let tokens: u64 = data.iter().map(|b| if *b == 0 { 1 } else { 4 }).sum();
    intrinsic(data).max(21_000 + 10 * tokens)
}

/// `ArbWasm.activateProgram(program)`'s calldata.
pub fn activation_call(program: Address) -> Vec<u8> {
    let mut data = arbwasm::ACTIVATE_PROGRAM.to_vec();
    data.extend_from_slice(&[0; 12]);
    data.extend_from_slice(program.as_slice());
    data
}
