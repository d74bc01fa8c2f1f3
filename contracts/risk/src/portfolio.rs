//! What an account holds and the market data it is valued with.

use crate::fixed::{Usd, Wad};
use crate::params::UnderlyingParams;

/// An instrument on one underlying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Instrument {
    /// Perpetual future: linear in the price, no expiry.
    Perp,
    /// Dated future: linear in the price until `expiry` (unix seconds).
    Future {
        /// Expiry, unix seconds.
        expiry: u64,
    },
    /// European call (Black-76), cash-settled.
    Call {
        /// Strike, USD per unit.
        strike: Wad,
        /// Expiry, unix seconds.
        expiry: u64,
    },
    /// European put (Black-76), cash-settled.
    Put {
        /// Strike, USD per unit.
        strike: Wad,
        /// Expiry, unix seconds.
        expiry: u64,
    },
    /// Collateral that moves with the underlying (e.g. ETH posted as collateral). Its haircut
    /// value is part of the account's `collateral`; here it adds only its price risk.
    Spot,
}

/// A signed position: `size > 0` long, `size < 0` short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// Index of the underlying in the market data.
    pub underlying: u8,
    /// What is held.
    pub instrument: Instrument,
    /// Units of the instrument (Wad), |size| ≤ 1e12.
    pub size: Wad,
    /// Cost basis per unit: entry price (perp, future) or premium paid (option); unused for spot.
    pub entry: Wad,
}

/// Market data of one underlying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Market {
    /// Price (the forward for options), USD per unit, in [1e-8, 1e9].
    pub price: Wad,
    /// Implied volatility, annualised, in [1%, 500%].
    pub vol: Wad,
    /// Oracle add-on: this fraction of the underlying's gross notional is added to IM (e.g. when
    /// the price is stale or its confidence low); 0 normally.
    pub oracle_addon: Wad,
}

/// One underlying: its market data and risk parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Underlying {
    /// Market data.
    pub market: Market,
    /// Risk parameters.
    pub params: UnderlyingParams,
}

/// An account: its collateral value and positions, valued at time `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Account<'a> {
    /// Collateral value after haircuts, USD (6 decimals); may be negative (debt).
    pub collateral: Usd,
    /// The positions.
    pub positions: &'a [Position],
    /// Valuation time, unix seconds.
    pub now: u64,
}
