//! What the activation tests share: a transaction's intrinsic gas and the activation call.

use revm::primitives::Address;
use stylus_devnet::arbwasm;

/// Intrinsic gas of a transaction with `data` (Prague: 16 a non-zero byte, 4 a zero byte).
pub fn intrinsic(data: &[u8]) -> u64 {
    21_000 + data.iter().map(|b| if *b == 0 { 4 } else { 16 }).sum::<u64>()
}

/// `ArbWasm.activateProgram(program)`'s calldata.
pub fn activation_call(program: Address) -> Vec<u8> {
    let mut data = arbwasm::ACTIVATE_PROGRAM.to_vec();
    data.extend_from_slice(&[0; 12]);
    data.extend_from_slice(program.as_slice());
    data
}
