//! The facets: the programs built on this library that the core delegates the functions it does
//! not export to, by delegatecall so that they run over the core's storage. The core's fallback
//! picks the facet by selector (its routing table is generated from the facets' interfaces).

use alloc::vec::Vec;

use alloy_primitives::Address;
use stylus_sdk::{
    call::delegate_call,
    prelude::*,
    stylus_core::calls::{errors::Error as CallError, Call},
    ArbResult,
};

use crate::storage::Clearinghouse;

/// A facet, in storage order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Facet {
    /// Ownership, roles, markets, underlyings and risk parameters: the writes of configuration.
    Admin = 0,
    /// Reads: configuration, underlyings, positions, risk by underlying, simulation, the risk
    /// request.
    Views = 1,
    /// Cash outside trades (a market's fees and funding) and withdrawable amounts.
    Accounts = 2,
    /// Position changes markets report, judged by the trade rules.
    Trading = 3,
    /// The engine's own prices: settlement prices fixed once per underlying and expiry (and the
    /// settlement of expired positions at them), and the reference prices of withdrawals.
    Expiry = 4,
    /// Liquidation, its quote, the insurance fund and bad debt.
    Liquidation = 5,
}

impl Clearinghouse {
    /// The program that runs `facet`'s functions.
    pub fn facet(&self, facet: Facet) -> Address {
        self.facets.get(facet as usize).unwrap_or_default()
    }

    /// Records the program that runs `facet`'s functions (the constructor and `initialize`).
    pub(crate) fn set_facet(&mut self, facet: Facet, program: Address) {
        if let Some(mut slot) = self.facets.setter(facet as usize) {
            slot.set(program);
        }
    }

    /// Delegatecalls `facet` with `calldata`; its answer, or its revert data, unchanged.
    pub fn delegate(&mut self, facet: Facet, calldata: &[u8]) -> ArbResult {
        let program = self.facet(facet);
        let context = Call::new_mutating(self);
        // SAFETY: every facet is a program built on this library: the same storage layout, and
        // its functions check their callers' roles as the core's own would.
        #[allow(unsafe_code)]
        let result = unsafe { delegate_call(self.vm(), context, program, calldata) };
        result.map_err(|e| match e {
            CallError::Revert(data) => data,
            _ => Vec::new(),
        })
    }

    /// The constructor's first step: the admin facet, which it then delegates `initialize` to.
    pub fn set_admin_facet(&mut self, program: Address) {
        self.set_facet(Facet::Admin, program);
    }
}
