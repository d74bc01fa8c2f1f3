//! The views facet's ABI: the account's positions, and the rarer calls that need the whole
//! margin path: expiry settlement, simulation and the packed risk request. Reached from the core through the admin facet, by
//! delegatecall each time, so it runs over the core's storage.

use alloc::vec::Vec;

use alloy_primitives::{Address, Bytes, I256};
use stylus_sdk::prelude::*;

use crate::errors::{self, ClearinghouseError};
use crate::margin::{self, MarginTuple};
use crate::request::MarketData;
use crate::storage::Clearinghouse;
use crate::trading;

/// The views facet.
#[public]
impl Clearinghouse {
    /// The account's positions: instrument ids and sizes (18 decimals).
    pub fn positions(&self, account: Address) -> (Vec<u128>, Vec<i128>) {
        self.book(account).into_iter().unzip()
    }

    /// Settles `account`'s expired futures and options at their underlyings' feed prices now and
    /// removes them; anyone may call (keepers do, right after expiry). Returns how many settled.
    /// Errors: the price errors of a feed, `VaultCallFailed`.
    pub fn settle_expired(&mut self, account: Address) -> Result<u32, ClearinghouseError> {
        self.settle_expired_positions(account)
    }

    /// `accountMargin` after hypothetical changes traded at `prices` (no state changes): what a
    /// front-end shows before a trade. Errors: those of `accountMargin`, `LengthMismatch`,
    /// `InvalidInstrument`, `InvalidSize`.
    pub fn simulate(
        &self,
        account: Address,
        instruments: Vec<u128>,
        size_deltas: Vec<i128>,
        prices: Vec<i128>,
    ) -> Result<MarginTuple, ClearinghouseError> {
        let changes = trading::changes_of(instruments, size_deltas, prices)?;
        let (book, cash) = self.simulated_book(account, &changes)?;
        let collateral = self
            .collateral_value(account)?
            .checked_add(I256::try_from(cash).map_err(|_| errors::overflow())?)
            .ok_or_else(errors::overflow)?;
        Ok(self.figures(collateral, &book)?.tuple())
    }

    /// The packed risk request of the account's book (`pm_risk::wire`), exactly as the margin
    /// check sends it to the risk program: replay it off-chain with `pm-risk`.
    /// Errors: `VaultCallFailed`, and the price and vol errors of the book's underlyings.
    pub fn risk_request(&self, account: Address) -> Result<Bytes, ClearinghouseError> {
        let collateral = margin::usd_floor(self.collateral_value(account)?)?;
        Ok(Bytes::from(self.build_request(
            collateral,
            &self.book(account),
            MarketData::Live,
        )?))
    }
}
