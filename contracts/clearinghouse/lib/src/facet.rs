//! The facets: the programs built on this library that the core delegates the functions it does
//! not export to, by delegatecall so that they run over the core's storage. The core's fallback
//! picks the facet by selector (its routing table is generated from the facets' interfaces).

use alloy_primitives::Address;
use stylus_sdk::ArbResult;

use crate::errors::{ClearinghouseError, NotThroughCore, Result};
use crate::storage::Clearinghouse;

/// A facet, in storage order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Facet {
    /// Ownership, roles, markets, trade bands and liquidation parameters: the writes of
    /// configuration (the risk parameters are [`Facet::Parameters`]').
    Admin = 0,
    /// Reads: configuration, underlyings, positions, risk by underlying, the risk request, the
    /// insurance fund, the risk parameters in force, the risk oracle's bounds and the ramps.
    Views = 1,
    /// Withdrawable amounts and the liquidation quote.
    Accounts = 2,
    /// Position changes markets report, judged by the trade rules.
    Trading = 3,
    /// Cash and the engine's own prices: a market's fees and funding within its hourly budget,
    /// settlement prices fixed once per underlying and expiry (and the settlement of expired
    /// positions at them), and the reference prices of withdrawals.
    Settlement = 4,
    /// Liquidation, the insurance fund and bad debt.
    Liquidation = 5,
    /// The risk parameters and who changes them how: the risk admin's underlyings and
    /// parameters (ramped in), the risk oracle's bounded updates, the owner's bounds.
    Parameters = 6,
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
        pm_common::routing::delegate(self, program, calldata)
    }

    /// Errors: `NotThroughCore` when this storage is not the core's: a facet called at its own
    /// address has no admin facet recorded (the core's constructor records it first), so its
    /// writes would act on a shadow clearinghouse in the facet's own storage.
    pub(crate) fn through_core(&self) -> Result<()> {
        if self.facet(Facet::Admin).is_zero() {
            return Err(ClearinghouseError::from(NotThroughCore {}));
        }
        Ok(())
    }

    /// The constructor's first step: the admin facet, which it then delegates `initialize` to.
    pub fn set_admin_facet(&mut self, program: Address) {
        self.set_facet(Facet::Admin, program);
    }
}
