//! Fake contracts: what they are told of a call, what they answer, and what the host records.
//!
//! Any type implementing [`FakeContract`] can be registered at an address
//! ([`crate::Chain::register`]), and so can a closure ([`crate::Chain::register_fn`], wrapped in
//! [`FnContract`]). The fake keeps its own state; a test reads or changes it through
//! [`crate::Chain::fake`] and [`crate::Chain::fake_mut`].

use std::any::Any;

use alloy_primitives::{Address, U256};

/// How the contract under test called another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallKind {
    /// `CALL`: may change the callee's state.
    Call,
    /// `STATICCALL`: a view; a fake should refuse to change its state.
    Static,
    /// `DELEGATECALL`: the callee's code over the caller's storage.
    Delegate,
}

/// What a fake contract is told of a call to it.
#[derive(Clone, Copy, Debug)]
pub struct Incoming<'a> {
    /// The kind of call.
    pub kind: CallKind,
    /// The caller: the contract under test (the host's contract address).
    pub from: Address,
    /// The fake's own address.
    pub to: Address,
    /// Wei sent with a `CALL` (zero otherwise).
    pub value: U256,
    /// The calldata.
    pub data: &'a [u8],
}

/// A call's outcome: its return data, or its revert data.
pub type Outcome = Result<Vec<u8>, Vec<u8>>;

/// A contract the host answers calls to. `Any` lets a test reach its state again by type.
pub trait FakeContract: Any {
    /// Answers one call: return data (`Ok`) or revert data (`Err`).
    fn call(&mut self, call: &Incoming<'_>) -> Outcome;
}

/// A closure as a fake contract.
pub struct FnContract<F>(pub F);

impl<F> FakeContract for FnContract<F>
where
    F: FnMut(&Incoming<'_>) -> Outcome + 'static,
{
    fn call(&mut self, call: &Incoming<'_>) -> Outcome {
        (self.0)(call)
    }
}

/// One call the contract under test made, as the host saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallRecord {
    /// The kind of call.
    pub kind: CallKind,
    /// The caller (the contract under test).
    pub from: Address,
    /// The callee.
    pub to: Address,
    /// Wei sent.
    pub value: U256,
    /// The calldata.
    pub data: Vec<u8>,
    /// Whether the callee reverted.
    pub reverted: bool,
}
