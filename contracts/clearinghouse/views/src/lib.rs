//! The views facet's ABI: the account's positions, and the views that need the whole margin
//! path: simulation, withdrawable amounts, risk by underlying and the packed risk request.
//! Reached from the core through the admin facet, by delegatecall each time, so it runs over the
//! core's storage.

use alloc::vec::Vec;

use alloy_primitives::{Address, Bytes, I256, U256};
use pm_risk::wire::{ACCOUNT_WORDS, UNDERLYING_WORDS};
use stylus_sdk::prelude::*;

use crate::errors::{self, ClearinghouseError};
use crate::instrument::spec_of;
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

    /// Each underlying the account holds, ascending: (underlyings, net deltas (units), net
    /// gammas (Γ·F: the delta change for a 100% move), net vegas (USD per 1.00 of vol), worst
    /// scenario losses (USD), the worst scenarios' price moves (fractions) and vol states (0
    /// unchanged, 1 up, 2 down), scan ranges (fractions)), all with 18 decimals.
    /// Errors: those of `accountMargin`.
    #[allow(clippy::type_complexity)]
    pub fn risk_by_underlying(
        &self,
        account: Address,
    ) -> Result<
        (
            Vec<u8>,
            Vec<I256>,
            Vec<I256>,
            Vec<I256>,
            Vec<I256>,
            Vec<I256>,
            Vec<u8>,
            Vec<I256>,
        ),
        ClearinghouseError,
    > {
        let book = self.book(account);
        let mask = book.iter().fold(0u32, |m, (id, _)| {
            m | 1u32.checked_shl(u32::from(spec_of(*id).underlying)).unwrap_or(0)
        });
        let held: Vec<u8> = (0..32u8).filter(|k| mask & (1u32 << k) != 0).collect();
        let mut out = (
            held.clone(),
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
        );
        if book.is_empty() {
            return Ok(out);
        }
        let words = self.risk_answer(self.collateral_value(account)?, &book)?;
        let wad = |v: i128| I256::try_from(v).unwrap_or_default();
        for k in 0..held.len() {
            let base = ACCOUNT_WORDS.saturating_add(k.saturating_mul(UNDERLYING_WORDS));
            let w = |i: usize| words.get(base.saturating_add(i)).copied().unwrap_or(0);
            out.1.push(wad(w(0)));
            out.2.push(wad(w(1)));
            out.3.push(margin::abi(w(2)));
            out.4.push(margin::abi(w(3)));
            out.5.push(wad(w(4)));
            out.6.push(w(5) as u8);
            out.7.push(wad(w(6)));
        }
        Ok(out)
    }

    /// How much of `token` the account can withdraw now, in token units: its free collateral
    /// (equity − initial margin) at the token's haircut price, rounded down, at most its balance;
    /// the settlement token has no haircut and may be withdrawn beyond the balance (as debt).
    /// 0 for a token the vault does not list. Errors: those of `accountMargin`, and the token
    /// feed's price errors.
    pub fn withdrawable(&self, account: Address, token: Address) -> Result<U256, ClearinghouseError> {
        self.withdrawable_amount(account, token)
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
