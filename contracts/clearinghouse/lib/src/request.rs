//! Builds the risk program's packed request (`pm_risk::wire`): the account's positions, and from
//! the parameter table ([`crate::param_table`]) and the feeds the market data and parameters of
//! the underlyings it holds and the correlations between them. Underlyings the account does not hold are left out (they would cost gas and
//! change nothing).

use alloc::vec::Vec;

use alloy_primitives::U256;
use pm_risk::fixed::{Usd, WAD};
use pm_risk::wire::Writer;
use pm_risk::{Position, MAX_UNDERLYINGS};
use stylus_sdk::prelude::*;

use crate::errors::{ClearinghouseError, Result, StaleVolatility};
use crate::instrument::{risk_instrument, spec_of};
use crate::param_table::ParamTable;
use crate::storage::Clearinghouse;
use crate::underlyings::unknown;
use crate::words::halves;

/// Which market data a request carries.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum MarketData {
    /// Checked feed prices and posted vols, for the underlyings the positions hold.
    Live,
    /// As `Live`, but the underlyings of the mask (bit k: listed underlying k) at their
    /// reference prices ([`crate::reference_rule`]): what trades and withdrawals are also
    /// judged at.
    Reference(u32),
    /// Every listed underlying at price 1 and vol 50%: enough to validate the parameters.
    Validation,
}

/// Whether `data` prices listed underlying `k` at its reference.
fn at_reference(data: MarketData, k: usize) -> bool {
    match data {
        MarketData::Reference(mask) => mask.checked_shr(k as u32).unwrap_or(0) & 1 == 1,
        _ => false,
    }
}

impl Clearinghouse {
    /// The packed request for `positions` (instrument id, size) with `collateral` at block time,
    /// with the parameters, feeds, vols and correlations of `table`, quoting the first `quotes`
    /// positions. Errors: `UnknownUnderlying` (an underlying the table does not list),
    /// `StaleVolatility`, and the price errors of the underlyings' feeds.
    pub(crate) fn build_request(
        &self,
        table: &ParamTable,
        collateral: Usd,
        positions: &[(u128, i128)],
        data: MarketData,
        quotes: u16,
    ) -> Result<Vec<u8>> {
        let now = self.vm().block_timestamp();
        let listed = table.listed();
        let mut used = [data == MarketData::Validation; MAX_UNDERLYINGS];
        for (id, _) in positions {
            let k = usize::from(spec_of(*id).underlying);
            // Every position's underlying is listed, and every listing publishes a table.
            if k >= listed {
                return Err(unknown(k));
            }
            *used.get_mut(k).ok_or_else(|| unknown(k))? = true;
        }
        let order: Vec<usize> = (0..listed)
            .filter(|k| used.get(*k).copied().unwrap_or(false))
            .collect();

        let n = order.len();
        let mut w = Writer::header_wire(now, collateral, table.scalars_wire(), n as u8);
        for &k in &order {
            let (price, vol) = match data {
                MarketData::Validation => (WAD, WAD / 2),
                MarketData::Live | MarketData::Reference(_) => {
                    let feed = table.feed(k);
                    let (vol, posted) = halves(table.market(k));
                    let max_age = u64::from(feed.vol_max_age);
                    let posted = u64::try_from(posted).unwrap_or(0);
                    if vol == 0 || now.saturating_sub(posted) > max_age {
                        return Err(ClearinghouseError::from(StaleVolatility {
                            underlying: U256::from(k),
                            updatedAt: U256::from(posted),
                            maxAge: U256::from(max_age),
                            timestamp: U256::from(now),
                        }));
                    }
                    // The reference's word is read only where it is asked for (a cold read).
                    let reference = if at_reference(data, k) {
                        self.reference_of(k)
                    } else {
                        0
                    };
                    let price = if reference > 0 {
                        reference
                    } else {
                        self.price_of(&feed)?
                    };
                    (price, vol)
                }
            };
            w.underlying_wire(price, vol, table.params_wire(k));
        }
        for (x, &a) in order.iter().enumerate() {
            for &b in order.iter().skip(x.saturating_add(1)) {
                w.correlation_wire(table.correlation_wire(a, b));
            }
        }
        let mut compact = [0u8; MAX_UNDERLYINGS];
        for (c, &k) in order.iter().enumerate() {
            if let Some(slot) = compact.get_mut(k) {
                *slot = c as u8;
            }
        }
        w.position_count(positions.len() as u16);
        for (id, size) in positions {
            let spec = spec_of(*id);
            w.position(&Position {
                underlying: compact.get(usize::from(spec.underlying)).copied().unwrap_or(0),
                instrument: risk_instrument(&spec),
                size: *size,
                entry: 0,
            });
        }
        w.quotes(quotes);
        Ok(w.finish())
    }
}
