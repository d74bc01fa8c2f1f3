//! Read-only answers about an account: its margin figures, what a withdrawal would leave, its
//! positions, its risk by underlying and the packed request its check sends to the risk program;
//! and the pure instrument-id encoding.

use alloc::vec::Vec;

use alloy_primitives::{Address, Bytes, I256};

use crate::errors::Result;
use crate::figures::MarginTuple;
use crate::instrument::{id_of, spec_of, Spec};
use crate::request::MarketData;
use crate::storage::Clearinghouse;
use crate::units::UsdWad;

/// Risk by underlying: (underlyings, deltas, gammas, vegas, worst losses, worst moves, worst vol
/// states, scan ranges), one entry per underlying held.
pub type RiskByUnderlying = (
    Vec<u8>,
    Vec<I256>,
    Vec<I256>,
    Vec<I256>,
    Vec<I256>,
    Vec<I256>,
    Vec<u8>,
    Vec<I256>,
);

impl Clearinghouse {
    /// The account's margin figures ([`MarginTuple`]); expired positions whose price is fixed
    /// count as the cash they settle for ([`Self::at_risk`]). Errors: `VaultCallFailed`, and the price,
    /// vol and risk errors of a check.
    pub fn account_margin(&self, account: Address) -> Result<MarginTuple> {
        let (collateral, book) = self.at_risk(self.collateral_value(account)?, &self.book(account))?;
        Ok(self.figures(collateral, &book)?.tuple())
    }

    /// (equity, initial margin) of `account` if its collateral value were `collateral_value`
    /// (USD, 18 decimals): the vault's check before a withdrawal, at the live prices or, when
    /// some held underlying's reference price is apart from its live one, the worse of those and
    /// each such underlying at the price against the account ([`Self::withdrawal_figures`]).
    /// Errors: those of `account_margin` but `VaultCallFailed`.
    pub fn margin_for(&self, account: Address, collateral_value: I256) -> Result<(I256, I256)> {
        let f = self.withdrawal_figures(UsdWad(collateral_value), &self.book(account))?;
        Ok((f.equity.0, f.initial.0))
    }

    /// The account's positions: (instrument ids, sizes with 18 decimals), in storage order.
    pub fn positions(&self, account: Address) -> (Vec<u128>, Vec<i128>) {
        self.book(account).into_iter().unzip()
    }

    /// Each underlying the account holds, ascending ([`RiskByUnderlying`]): net delta (units),
    /// net gamma (Γ·F: the delta change for a 100% move), net vega (USD per 1.00 of vol), worst
    /// scenario loss (USD), the worst scenario's price move (a fraction) and vol state (0
    /// unchanged, 1 up, 2 down), scan range (a fraction), all with 18 decimals.
    /// Errors: those of `account_margin`.
    pub fn risk_by_underlying(&self, account: Address) -> Result<RiskByUnderlying> {
        let mut book = self.book(account);
        let mut collateral = UsdWad(I256::ZERO);
        if !book.is_empty() {
            (collateral, book) = self.at_risk(self.collateral_value(account)?, &book)?;
        }
        let mask = book.iter().fold(0u32, |m, (id, _)| {
            m | 1u32.checked_shl(u32::from(spec_of(*id).underlying)).unwrap_or(0)
        });
        let held: Vec<u8> = (0..32u8).filter(|k| mask & (1u32 << k) != 0).collect();
        let mut out: RiskByUnderlying = (held, vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
        if book.is_empty() {
            return Ok(out);
        }
        let answer = self.risk_answer(collateral, &book, 0)?;
        let wad = |v: i128| I256::try_from(v).unwrap_or_default();
        for u in &answer.underlyings {
            out.1.push(wad(u.delta));
            out.2.push(wad(u.gamma));
            out.3.push(UsdWad::from_usd(u.vega).0);
            out.4.push(UsdWad::from_usd(u.loss).0);
            out.5.push(wad(u.worst_move));
            out.6.push(pm_risk::wire::vol_state_code(u.worst_vol) as u8);
            out.7.push(wad(u.scan_range));
        }
        Ok(out)
    }

    /// The packed risk request of the account's book (`pm_risk::wire`), exactly as the margin
    /// check sends it to the risk program: replay it off-chain with `pm-risk`.
    /// Errors: `VaultCallFailed`, `ParamTableUnavailable`, and the price and vol errors of the
    /// book's underlyings.
    pub fn risk_request(&self, account: Address) -> Result<Bytes> {
        let (collateral, book) = self.at_risk(self.collateral_value(account)?, &self.book(account))?;
        Ok(Bytes::from(self.build_request(
            &self.published_table()?,
            collateral.to_usd_floor()?,
            &book,
            MarketData::Live,
            0,
        )?))
    }

    /// The instrument id of a perp (kind 0), future (1), call (2) or put (3) on `underlying`;
    /// `strike` in USD with 8 decimals. Pure: ids describe instruments, nothing is stored.
    pub fn instrument_id(&self, underlying: u8, kind: u8, expiry: u64, strike: u128) -> u128 {
        id_of(&Spec {
            underlying,
            kind,
            expiry,
            strike,
        })
    }
}
