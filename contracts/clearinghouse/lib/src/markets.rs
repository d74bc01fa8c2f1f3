//! Markets: the contracts the owner authorises to report trades and settle cash (within the
//! hourly budget the owner sets, [`crate::settle_budget`]), and the approvals accounts give
//! them. A market acts for an account only when both hold.

use alloy_primitives::{Address, U256};
use pm_common::guards::ensure_contract;
use stylus_sdk::prelude::*;

use crate::errors::{ClearinghouseError, MarketNotApproved, MarketNotAuthorised, Result};
use crate::events::{MarketApproved, MarketSet, SettleCapSet};
use crate::settle_budget;
use crate::storage::Clearinghouse;

impl Clearinghouse {
    /// Authorises a market contract, or revokes it. Errors: `NotOwner`, `NotAContract`.
    pub fn set_market(&mut self, market: Address, authorised: bool) -> Result<()> {
        self.ownership.only_owner::<ClearinghouseError>()?;
        if authorised {
            ensure_contract(self.vm(), market)?;
        }
        self.markets.setter(market).set(authorised);
        self.vm().log(MarketSet { market, authorised });
        Ok(())
    }

    /// Sets the most `market`'s `settle` may move per hour (settlement-token units, in either
    /// direction; [`crate::settle_budget`]; 0, the default, refuses any). Errors: `NotOwner`.
    pub fn set_settle_cap(&mut self, market: Address, cap: U256) -> Result<()> {
        self.ownership.only_owner::<ClearinghouseError>()?;
        self.settle_caps.setter(market).set(cap);
        self.vm().log(SettleCapSet { market, cap });
        Ok(())
    }

    /// (cap, available): the most `market`'s `settle` may move per hour, and what it may still
    /// move now (settlement-token units).
    pub fn settle_cap(&self, market: Address) -> (U256, U256) {
        let (cap, used, elapsed) = self.settle_meter(market);
        (
            self.settle_caps.get(market),
            U256::from(settle_budget::available(used, cap, elapsed).unsigned_abs()),
        )
    }

    /// Lets `market` trade for the caller, or revokes that.
    pub fn approve_market(&mut self, market: Address, approved: bool) {
        let account = self.vm().msg_sender();
        self.approvals.setter(account).setter(market).set(approved);
        self.vm().log(MarketApproved {
            account,
            market,
            approved,
        });
    }

    /// (authorised by the owner, approved by `account`).
    pub fn market_status(&self, market: Address, account: Address) -> (bool, bool) {
        (
            self.markets.get(market),
            self.approvals.getter(account).get(market),
        )
    }

    /// The calling market, when it may act for `account`.
    /// Errors: `MarketNotAuthorised`, `MarketNotApproved`.
    pub(crate) fn only_market_for(&self, account: Address) -> Result<Address> {
        let market = self.vm().msg_sender();
        if !self.markets.get(market) {
            return Err(ClearinghouseError::from(MarketNotAuthorised { market }));
        }
        if !self.approvals.getter(account).get(market) {
            return Err(ClearinghouseError::from(MarketNotApproved { account, market }));
        }
        Ok(market)
    }
}
