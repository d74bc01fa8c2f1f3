//! The margin the clearinghouse should answer, computed natively with `pm-risk` from what the
//! test set up (listings, parameters, vols, the fake feeds' rounds, the collateral value, the
//! book), not from the clearinghouse's storage: its views must agree with it to the unit.

use alloy_primitives::{Address, I256};
use pm_clearinghouse::instrument::{risk_instrument, spec_of};
use pm_clearinghouse::{MarginTuple, RiskByUnderlying};
use pm_risk::params::defaults;
use pm_risk::wire::{scalars_of, vol_state_code, Request};
use pm_risk::{liquidation, margin, Account, MarginReport, Market, Position, Underlying, UnderlyingParams};
use pm_test_host::{Chain, FakeFeed};

use super::*;

/// One listed underlying as the test listed it.
#[derive(Clone, Copy, Debug)]
pub struct Listing {
    pub feed: Address,
    pub oracle_addon: i128,
    pub params: UnderlyingParams,
    /// The vol last posted.
    pub vol: i128,
}

/// Everything the test configured that a margin check depends on.
#[derive(Clone, Debug)]
pub struct Model {
    pub grid_levels: u8,
    pub scalars: [i128; 9],
    /// Correlations above the diagonal of the listed underlyings, row by row.
    pub correlations: Vec<i128>,
    pub listings: Vec<Listing>,
}

impl Model {
    /// The standard setup (`listed_chain`): BTC and ETH with the default parameters, 0.8
    /// correlated, vols 55% and 70%, the default account-wide parameters.
    pub fn standard() -> Self {
        let risk = defaults::risk(&[]);
        Model {
            grid_levels: risk.grid_levels,
            scalars: scalars_of(&risk),
            correlations: vec![BTC_ETH_CORRELATION],
            listings: vec![
                Listing {
                    feed: BTC_FEED,
                    oracle_addon: 0,
                    params: defaults::BTC,
                    vol: BTC_VOL,
                },
                Listing {
                    feed: ETH_FEED,
                    oracle_addon: 0,
                    params: defaults::ETH,
                    vol: ETH_VOL,
                },
            ],
        }
    }

    /// Correlation of listed underlyings `i` and `j`.
    fn correlation(&self, i: usize, j: usize) -> i128 {
        if i == j {
            return E18;
        }
        let (lo, hi) = (i.min(j), i.max(j));
        // Row by row above the diagonal: row `lo` starts after the rows before it.
        let n = self.listings.len();
        let index = (0..lo).map(|r| n - 1 - r).sum::<usize>() + (hi - lo - 1);
        self.correlations[index]
    }

    /// The request a margin check of `book` with `collateral` (USD, 18 decimals) should send now.
    pub fn request(&self, chain: &Chain, collateral: I256, book: &[(u128, i128)]) -> Request {
        let mut held: Vec<usize> = book
            .iter()
            .map(|(id, _)| usize::from(spec_of(*id).underlying))
            .collect();
        held.sort();
        held.dedup();
        let underlyings = held
            .iter()
            .map(|&k| {
                let l = self.listings[k];
                Underlying {
                    market: Market {
                        price: feed_price(chain, l.feed),
                        vol: l.vol,
                        oracle_addon: l.oracle_addon,
                    },
                    params: l.params,
                }
            })
            .collect();
        let n = held.len();
        let mut correlation = vec![0; n * n];
        for (a, &i) in held.iter().enumerate() {
            for (b, &j) in held.iter().enumerate() {
                correlation[a * n + b] = self.correlation(i, j);
            }
        }
        let positions = book
            .iter()
            .map(|&(id, size)| {
                let spec = spec_of(id);
                Position {
                    underlying: held
                        .iter()
                        .position(|&k| k == usize::from(spec.underlying))
                        .unwrap() as u8,
                    instrument: risk_instrument(&spec),
                    size,
                    entry: 0,
                }
            })
            .collect();
        Request {
            now: chain.now(),
            collateral: i128::try_from(collateral).unwrap().div_euclid(USD_TO_WAD),
            grid_levels: self.grid_levels,
            scalars: self.scalars,
            underlyings,
            correlation,
            positions,
            quotes: 0,
        }
    }

    /// `pm_risk::margin` of the request.
    pub fn report(&self, chain: &Chain, collateral: I256, book: &[(u128, i128)]) -> MarginReport {
        let req = self.request(chain, collateral, book);
        let account = Account {
            collateral: req.collateral,
            positions: &req.positions,
            now: req.now,
        };
        margin(&account, &req.underlyings, &req.params()).expect("the book margins")
    }

    /// The figures `account_margin` should answer for `book` with `collateral`.
    pub fn margin(&self, chain: &Chain, collateral: I256, book: &[(u128, i128)]) -> MarginTuple {
        if book.is_empty() {
            return (
                collateral,
                I256::ZERO,
                I256::ZERO,
                I256::ZERO,
                I256::ZERO,
                collateral,
                I256::ZERO,
                collateral.is_negative(),
            );
        }
        let r = self.report(chain, collateral, book);
        let liquidatable = liquidation(&r).unwrap().liquidatable;
        (
            usd(r.equity),
            usd(r.initial),
            usd(r.maintenance),
            usd(r.isolated_initial),
            usd(r.isolated_maintenance),
            usd(r.free_collateral),
            wad(r.utilisation),
            liquidatable,
        )
    }

    /// What `risk_by_underlying` should answer for `book` with `collateral`.
    pub fn risk_by_underlying(
        &self,
        chain: &Chain,
        collateral: I256,
        book: &[(u128, i128)],
    ) -> RiskByUnderlying {
        let mut held: Vec<u8> = book.iter().map(|(id, _)| spec_of(*id).underlying).collect();
        held.sort();
        held.dedup();
        let mut out: RiskByUnderlying = (held, vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
        if book.is_empty() {
            return out;
        }
        let r = self.report(chain, collateral, book);
        for u in r.underlyings.iter().take(usize::from(r.count)) {
            out.1.push(wad(u.delta));
            out.2.push(wad(u.gamma));
            out.3.push(usd(u.vega));
            out.4.push(usd(u.loss));
            out.5.push(wad(u.worst.price_move));
            out.6.push(vol_state_code(u.worst.vol) as u8);
            out.7.push(wad(u.scan_range));
        }
        out
    }
}

/// A fake feed's answer in 18 decimals.
pub fn feed_price(chain: &Chain, feed: Address) -> i128 {
    chain.fake(feed, |f: &FakeFeed| {
        let answer = i128::try_from(f.answer).unwrap();
        answer * 10i128.pow(18 - u32::from(f.decimals))
    })
}
