//! Publishing the parameter table ([`crate::param_table`]). Every write of what it holds (the
//! risk admin's parameters and feeds, the risk oracle's vols and correlations: `initialize`,
//! `set_underlying`, `set_risk_params`, `advance_ramps`, `post_risk_update`) ends by deploying a
//! new table built from storage and recording its address;
//! the margin checks read the recorded table. A table is immutable (a data contract's code), so
//! a check can never read a half-written one.

use alloc::vec::Vec;

use alloy_primitives::Address;
use pm_common::data_contract;
use stylus_sdk::prelude::*;

use crate::errors::{ClearinghouseError, ParamTableUnavailable, Result};
use crate::events::ParamTablePublished;
use crate::param_table::{pairs, FeedSpec, ParamTable, Row};
use crate::param_words::param_values;
use crate::storage::{Clearinghouse, TABLE_WORD};

fn unavailable(table: Address) -> ClearinghouseError {
    ClearinghouseError::from(ParamTableUnavailable { table })
}

impl Clearinghouse {
    /// Listed underlying `index`'s feed, as stored.
    pub(crate) fn stored_feed(&self, index: usize) -> FeedSpec {
        match self.underlyings.getter(index) {
            Some(u) => FeedSpec {
                feed: u.feed.get(),
                heartbeat: u.heartbeat.get().to(),
                vol_max_age: u.vol_max_age.get().to(),
                decimals: u.feed_decimals.get().to(),
            },
            None => FeedSpec::default(),
        }
    }

    /// The table of what is in storage now (what the risk program validates a change against,
    /// and what is published).
    pub(crate) fn stored_table(&self) -> ParamTable {
        let (grid_levels, scalars) = self.scalars();
        let listed = self.underlyings.len();
        let rows: Vec<Row> = (0..listed)
            .map(|k| match self.underlyings.getter(k) {
                Some(u) => Row {
                    feed: self.stored_feed(k),
                    market: u.market.get(),
                    params: param_values(&core::array::from_fn(|w| u.params.get(w).unwrap_or_default())),
                },
                None => Row::default(),
            })
            .collect();
        let mut correlations = Vec::with_capacity(pairs(listed));
        for j in 1..listed {
            for i in 0..j {
                correlations.push(self.correlation(i, j));
            }
        }
        ParamTable::new(
            [self.risk_program.get(), self.vault.get()],
            grid_levels,
            &scalars,
            &rows,
            &correlations,
        )
    }

    /// Deploys the table of the stored parameters and records it for the margin checks.
    /// Errors: `ParamTableUnavailable` (zero address) when the deployment fails.
    pub(crate) fn publish_params(&mut self) -> Result<()> {
        self.deploy_table(&self.stored_table())
    }

    /// Deploys `table` and records it for the margin checks. Errors: as [`Self::publish_params`].
    fn deploy_table(&mut self, table: &ParamTable) -> Result<()> {
        let table =
            data_contract::deploy(self.vm(), table.code()).ok_or_else(|| unavailable(Address::ZERO))?;
        self.set_oracle_word(TABLE_WORD, table.into_word().into());
        self.vm().log(ParamTablePublished { table });
        Ok(())
    }

    /// Publishes the table of what is stored unless the published one holds exactly that (or
    /// none is published yet). Errors: `ParamTableUnavailable` when the deployment fails.
    pub(crate) fn publish_if_stale(&mut self) -> Result<()> {
        let stored = self.stored_table();
        let published = ParamTable::from_code(self.vm().code(self.param_table()));
        if published.as_ref() != Some(&stored) {
            self.deploy_table(&stored)?;
        }
        Ok(())
    }

    /// The data contract whose code is the published table.
    pub fn param_table(&self) -> Address {
        Address::from_word(self.oracle_word(TABLE_WORD).into())
    }

    /// The published table, as the margin checks read it (`account_code`: 700 + 2,600 gas and
    /// the copy's ink, 1,179 bytes at 4 underlyings). Errors: `ParamTableUnavailable` when the
    /// recorded code is not a whole table (never on a clearinghouse `initialize`d with tables:
    /// it publishes the first; `advanceRamps` publishes one where none is).
    pub(crate) fn published_table(&self) -> Result<ParamTable> {
        let table = self.param_table();
        ParamTable::from_code(self.vm().code(table)).ok_or_else(|| unavailable(table))
    }
}
