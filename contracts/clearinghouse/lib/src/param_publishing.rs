//! Publishing the parameter table ([`crate::param_table`]). Every write of the risk admin's
//! parameters or of an underlying's feed (`initialize`, `set_underlying`, `set_risk_params`,
//! `advance_ramps`) ends by deploying a new table built from storage and recording its address;
//! the margin checks read the recorded table. A table is immutable (a data contract's code), so
//! a check can never read a half-written one.

use alloy_primitives::{Address, U256};
use stylus_sdk::{deploy::RawDeploy, prelude::*};

use crate::errors::{ClearinghouseError, ParamTableUnavailable, Result};
use crate::events::ParamTablePublished;
use crate::param_table::{FeedSpec, ParamTable};
use crate::param_words::{param_values, ParamWords};
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

    /// The table of the parameters in storage now (what the risk program validates a change
    /// against, and what is published).
    pub(crate) fn stored_table(&self) -> ParamTable {
        let (grid_levels, scalars) = self.scalars();
        let rows = (0..self.underlyings.len()).map(|k| {
            let words: ParamWords = match self.underlyings.getter(k) {
                Some(u) => core::array::from_fn(|w| u.params.get(w).unwrap_or_default()),
                None => ParamWords::default(),
            };
            (self.stored_feed(k), param_values(&words))
        });
        ParamTable::new(grid_levels, &scalars, rows)
    }

    /// Deploys the table of the stored parameters and records it for the margin checks.
    /// Errors: `ParamTableUnavailable` (zero address) when the deployment fails.
    pub(crate) fn publish_params(&mut self) -> Result<()> {
        let init = self.stored_table().init_code();
        // SAFETY: the init code copies its own tail to memory and returns it; it calls nothing,
        // so nothing can reenter while this call's storage borrows are live.
        #[allow(unsafe_code)]
        let table = unsafe { RawDeploy::new().deploy(self.vm(), &init, U256::ZERO) }
            .map_err(|_| unavailable(Address::ZERO))?;
        self.set_oracle_word(TABLE_WORD, table.into_word().into());
        self.vm().log(ParamTablePublished { table });
        Ok(())
    }

    /// The data contract whose code is the published table.
    pub fn param_table(&self) -> Address {
        Address::from_word(self.oracle_word(TABLE_WORD).into())
    }

    /// The published table, as the margin checks read it. Errors: `ParamTableUnavailable` when
    /// the recorded code is not a whole table of the listed underlyings (never, when every write
    /// publishes).
    pub(crate) fn published_table(&self) -> Result<ParamTable> {
        let table = self.param_table();
        let code = self.vm().code(table);
        ParamTable::from_code(code, self.underlyings.len()).ok_or_else(|| unavailable(table))
    }
}
