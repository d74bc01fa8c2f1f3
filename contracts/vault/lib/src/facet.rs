//! The vault's facets: the programs built on this library that its core delegates the functions
//! it does not export to, by delegatecall so that they run over the core's storage. The core's
//! fallback picks the facet by selector (its routing table is generated from the facets'
//! interfaces); a facet called at its own address refuses (`NotThroughCore`).

use alloy_primitives::Address;
use stylus_sdk::ArbResult;

use crate::errors::{NotThroughCore, Result, VaultError};
use crate::storage::Vault;

/// A facet, in storage order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Facet {
    /// Ownership, roles, the pause, listing, the sequencer feed, connecting the clearinghouse,
    /// and the configuration views.
    Admin = 0,
    /// A liquidated account's collateral sold to its liquidator for its debt, and a debt nothing
    /// is left to pay socialised.
    Liquidation = 1,
}

impl Vault {
    /// The program that runs `facet`'s functions.
    pub fn facet(&self, facet: Facet) -> Address {
        match facet {
            Facet::Admin => self.admin_facet.get(),
            Facet::Liquidation => self.liquidation_facet.get(),
        }
    }

    pub(crate) fn set_facet(&mut self, facet: Facet, program: Address) {
        match facet {
            Facet::Admin => self.admin_facet.set(program),
            Facet::Liquidation => self.liquidation_facet.set(program),
        }
    }

    /// Delegatecalls `facet` with `calldata`; its answer, or its revert data, unchanged.
    pub fn delegate(&mut self, facet: Facet, calldata: &[u8]) -> ArbResult {
        let program = self.facet(facet);
        pm_common::routing::delegate(self, program, calldata)
    }

    /// Errors: `NotThroughCore` when the storage is not the core's (a facet called at its own
    /// address has none: no facet recorded).
    pub fn through_core(&self) -> Result<()> {
        if self.admin_facet.get().is_zero() {
            return Err(VaultError::NotThroughCore(NotThroughCore {}));
        }
        Ok(())
    }
}
