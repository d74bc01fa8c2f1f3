//! Publishing the collateral table ([`crate::collateral_table`]). Every write of what it holds
//! (`setCollateral`, `advanceHaircut` when the haircut moves, `setSequencerFeed`) ends by
//! deploying a new table built from storage and recording its address; a valuation reads the
//! recorded table. A table is immutable (a data contract's code), so a valuation never reads a
//! half-written one.

use alloc::vec::Vec;

use alloy_primitives::Address;
use pm_common::data_contract;
use stylus_sdk::prelude::*;

use crate::collateral_table::CollateralTable;
use crate::errors::{CollateralTableUnavailable, Result, VaultError};
use crate::events::CollateralTablePublished;
use crate::storage::Vault;

fn unavailable(table: Address) -> VaultError {
    VaultError::from(CollateralTableUnavailable { table })
}

impl Vault {
    /// The table of what is in storage now. Errors: `CollateralNotListed` (never: every token
    /// in the list is listed).
    pub(crate) fn stored_collateral_table(&self) -> Result<CollateralTable> {
        let tokens = self
            .listed_tokens()
            .into_iter()
            .map(|token| Ok((token, self.pricing(token)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(CollateralTable::new(
            self.sequencer_feed.get(),
            self.sequencer_grace.get().saturating_to(),
            &tokens,
        ))
    }

    /// Deploys the table of what is stored and records it for the valuations.
    /// Errors: `CollateralTableUnavailable` (zero address) when the deployment fails.
    pub(crate) fn publish_collateral_table(&mut self) -> Result<()> {
        let code = self.stored_collateral_table()?;
        let table =
            data_contract::deploy(self.vm(), code.code()).ok_or_else(|| unavailable(Address::ZERO))?;
        self.collateral_table.set(table);
        self.vm().log(CollateralTablePublished { table });
        Ok(())
    }

    /// The data contract whose code is the published table (zero before the first).
    pub fn collateral_table(&self) -> Address {
        self.collateral_table.get()
    }

    /// The published table, as a valuation reads it (`account_code`: 2,600 gas cold and the
    /// copy, 74 bytes with one token listed). No table recorded reads as the empty table: every
    /// write of what it holds publishes one, so before the first nothing is listed and no
    /// sequencer feed is set. Errors: `CollateralTableUnavailable` when the recorded code is not
    /// a whole table.
    pub(crate) fn published_collateral_table(&self) -> Result<CollateralTable> {
        let table = self.collateral_table.get();
        if table.is_zero() {
            return Ok(CollateralTable::empty());
        }
        CollateralTable::from_code(self.vm().code(table)).ok_or_else(|| unavailable(table))
    }
}
