//! How Nitro's precompile framework charges a call to an ArbOS precompile
//! (`precompiles/precompile.go`, `precompiles/context.go`, `arbos/storage/storage.go`): opening
//! ArbOS's state reads its version, the arguments and the answer (or a Solidity error's data)
//! are copied at 3 gas a word, each ArbOS storage read and write is burnt at fixed prices, and
//! an event at the log prices. The answers a call can end with: a result, a Solidity error
//! (reverts, keeping only the gas burnt), a plain failure (reverts with no data, the same), or a
//! burn-out (all the gas).

use revm::interpreter::{CallInputs, InstructionResult, InterpreterResult};
use revm::primitives::{Address, U256};

use crate::precompiles::abi::{result, word};

/// Opening ArbOS's state: a read of its version.
pub const OPEN_STATE_GAS: u64 = STORAGE_READ_GAS;
/// Copying a word of arguments or of the answer (`params.CopyGas`).
pub const COPY_GAS: u64 = 3;
/// An ArbOS storage read (`SloadGasEIP2200`).
pub const STORAGE_READ_GAS: u64 = 800;
/// An ArbOS storage write of a non-zero word (`SstoreSetGasEIP2200`).
pub const STORAGE_WRITE_GAS: u64 = 20_000;
/// An ArbOS storage write of zero (`SstoreResetGasEIP2200`).
pub const STORAGE_WRITE_ZERO_GAS: u64 = 5_000;
/// Reading an account's code hash (`ColdAccountAccessCostEIP2929`).
pub const CODE_HASH_GAS: u64 = 2_600;
/// Reading the Stylus parameters (assumed warm: `WarmStorageReadCostEIP2929`).
pub const PARAMS_GAS: u64 = 100;

/// The call ran out of gas: it uses all of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfGas;

/// The gas a precompile call has burnt out of its limit.
#[derive(Clone, Copy, Debug)]
pub struct Burner {
    limit: u64,
    used: u64,
}

/// 32-byte words in `bytes` bytes, rounded up.
fn words(bytes: usize) -> u64 {
    bytes.div_ceil(32) as u64
}

impl Burner {
    /// A call of `limit` gas with `args` bytes of arguments (after the selector) to a method that
    /// opens ArbOS's state. Errors: the limit does not cover them.
    pub fn open(limit: u64, args: usize) -> Result<Self, OutOfGas> {
        let mut b = Self { limit, used: 0 };
        b.burn(OPEN_STATE_GAS)?;
        b.burn(COPY_GAS * words(args))?;
        Ok(b)
    }

    /// Burns `gas`. Errors: it is more than is left (then everything is burnt).
    pub fn burn(&mut self, gas: u64) -> Result<(), OutOfGas> {
        if self.limit - self.used < gas {
            self.used = self.limit;
            return Err(OutOfGas);
        }
        self.used += gas;
        Ok(())
    }

    /// The gas left.
    pub fn left(&self) -> u64 {
        self.limit - self.used
    }

    /// Burns an ArbOS storage read.
    pub fn read(&mut self) -> Result<(), OutOfGas> {
        self.burn(STORAGE_READ_GAS)
    }

    /// Burns an ArbOS storage write of `value`.
    pub fn write(&mut self, value: U256) -> Result<(), OutOfGas> {
        self.burn(if value.is_zero() {
            STORAGE_WRITE_ZERO_GAS
        } else {
            STORAGE_WRITE_GAS
        })
    }

    /// Burns an event with `indexed` indexed arguments and `data` bytes of data: 375, 375 a
    /// topic (the signature's included), 8 a byte.
    pub fn event(&mut self, indexed: u64, data: usize) -> Result<(), OutOfGas> {
        self.burn(375 + 375 * (1 + indexed) + 8 * data as u64)
    }

    /// The method's answer `output`, its copy burnt.
    pub fn answer(mut self, output: Vec<u8>) -> InterpreterResult {
        match self.burn(COPY_GAS * words(output.len())) {
            Ok(()) => result(InstructionResult::Return, output, self.limit, self.used),
            Err(OutOfGas) => self.burn_out(),
        }
    }

    /// The method's answer of one word.
    pub fn answer_word(self, value: U256) -> InterpreterResult {
        self.answer(word(value))
    }

    /// A Solidity error `data` (selector and arguments), its copy burnt: a revert that keeps the
    /// gas not burnt.
    pub fn error(mut self, data: Vec<u8>) -> InterpreterResult {
        match self.burn(COPY_GAS * words(data.len())) {
            Ok(()) => result(InstructionResult::Revert, data, self.limit, self.used),
            Err(OutOfGas) => self.burn_out(),
        }
    }

    /// A failure that is not a Solidity error: a revert with no data that keeps the gas not burnt.
    pub fn fail(self) -> InterpreterResult {
        result(InstructionResult::Revert, Vec::new(), self.limit, self.used)
    }

    /// A failure that burns all the gas (a failed activation, running out of gas).
    pub fn burn_out(self) -> InterpreterResult {
        burn_out(self.limit)
    }
}

/// Whether Nitro's precompile framework refuses a call to `precompile` with `input` before its
/// method runs (then it burns all the gas, [`burn_out`]): a delegate call (the code runs for
/// another address), input shorter than a selector, a method that `writes` in a static call,
/// value sent to a method that is not `payable`.
pub fn refused_before_method(
    inputs: &CallInputs,
    precompile: Address,
    input: &[u8],
    writes: bool,
    payable: bool,
) -> bool {
    inputs.target_address != precompile
        || input.len() < 4
        || (writes && inputs.is_static)
        || (!payable && !inputs.value.get().is_zero())
}

/// A call of `limit` gas refused before its method runs (an unknown method, bad arguments, a
/// write in a static call, a delegate call): a revert with no data using all the gas.
pub fn burn_out(limit: u64) -> InterpreterResult {
    result(InstructionResult::Revert, Vec::new(), limit, limit)
}

/// A Solidity error's data: the selector, then each argument as a word.
pub fn sol_error(selector: [u8; 4], args: &[U256]) -> Vec<u8> {
    let mut out = selector.to_vec();
    for a in args {
        out.extend(word(*a));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_keeps_what_it_did_not_burn_unless_it_burns_out() {
        let mut b = Burner::open(10_000, 32).unwrap();
        b.read().unwrap();
        b.write(U256::ZERO).unwrap();
        assert_eq!(b.left(), 10_000 - 800 - 3 - 800 - 5_000);
        let r = b.answer(vec![0; 64]);
        assert_eq!(r.gas.remaining(), 10_000 - 6_603 - 6);
        let r = b.error(sol_error([1, 2, 3, 4], &[U256::from(7)]));
        assert!(r.result.is_revert());
        assert_eq!(r.gas.remaining(), 10_000 - 6_603 - 6);
        let mut c = Burner::open(1_000, 0).unwrap();
        assert_eq!(c.burn(201), Err(OutOfGas));
        assert_eq!(c.left(), 0);
        assert_eq!(burn_out(5).gas.remaining(), 0);
        assert!(Burner::open(802, 32).is_err());
    }
}
