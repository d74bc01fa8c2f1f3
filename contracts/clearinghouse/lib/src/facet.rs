//! Delegation to a facet: a program built from this crate with another feature, called by
//! delegatecall so that it runs over this program's storage.

use alloc::vec::Vec;

use alloy_primitives::Address;
use stylus_sdk::{
    call::delegate_call,
    prelude::*,
    stylus_core::calls::{errors::Error as CallError, Call},
    ArbResult,
};

use crate::storage::Clearinghouse;

impl Clearinghouse {
    /// Delegatecalls `facet` with `calldata`; its answer, or its revert data, unchanged.
    pub(crate) fn delegate(&mut self, facet: Address, calldata: &[u8]) -> ArbResult {
        let context = Call::new_mutating(self);
        // SAFETY: every facet is this crate built with another feature: the same storage layout,
        // and its functions check their callers' roles as the core's own would.
        #[allow(unsafe_code)]
        let result = unsafe { delegate_call(self.vm(), context, facet, calldata) };
        result.map_err(|e| match e {
            CallError::Revert(data) => data,
            _ => Vec::new(),
        })
    }
}
