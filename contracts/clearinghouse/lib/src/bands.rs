//! Trade bands: per underlying, how far a trade price may lie from the engine's own mark, as a
//! fraction of the underlying's price: one band for perps and futures, one for options' premiums
//! ([`crate::rules`]). The risk admin sets them; until it does an underlying's bands are 0 and
//! only trades at the mark pass.

use alloy_primitives::{I256, U256};
use pm_risk::wire::Quote;
use stylus_sdk::prelude::*;

use crate::errors::{overflow, ClearinghouseError, InvalidTradeBand, Result, TradePriceOutsideBand};
use crate::events::TradeBandsSet;
use crate::instrument::{spec_of, CALL, PUT};
use crate::rules::{band_limit, within_band, MAX_BAND};
use crate::storage::Clearinghouse;
use crate::underlyings::unknown;
use crate::words::{halves, word_of};

impl Clearinghouse {
    /// Sets underlying `underlying`'s bands (fractions with 18 decimals, each in (0, 50%]).
    /// Errors: `NotRiskAdmin`, `UnknownUnderlying`, `InvalidTradeBand`.
    pub fn set_trade_bands(&mut self, underlying: u8, future_band: i128, option_band: i128) -> Result<()> {
        self.only_risk_admin()?;
        let index = usize::from(underlying);
        if index >= self.underlyings.len() {
            return Err(unknown(index));
        }
        for band in [future_band, option_band] {
            if !(1..=MAX_BAND).contains(&band) {
                return Err(ClearinghouseError::from(InvalidTradeBand {
                    band: I256::try_from(band).unwrap_or_default(),
                }));
            }
        }
        let mut slot = self.trade_bands.setter(index).ok_or_else(|| unknown(index))?;
        slot.set(word_of(future_band, option_band));
        self.vm().log(TradeBandsSet {
            underlying: U256::from(index),
            futureBand: future_band,
            optionBand: option_band,
        });
        Ok(())
    }

    /// (future band, option band) of `underlying`, fractions with 18 decimals (0 until set).
    pub fn trade_bands(&self, underlying: u8) -> (i128, i128) {
        halves(self.trade_bands.get(usize::from(underlying)).unwrap_or_default())
    }

    /// Errors: `TradePriceOutsideBand` unless `price` lies in `instrument`'s band around
    /// `quote`'s mark; `ArithmeticOverflow`.
    pub(crate) fn check_band(&self, instrument: u128, price: i128, quote: &Quote) -> Result<()> {
        let spec = spec_of(instrument);
        let (future_band, option_band) = self.trade_bands(spec.underlying);
        let band = if spec.kind == CALL || spec.kind == PUT {
            option_band
        } else {
            future_band
        };
        let limit = band_limit(quote, band).ok_or_else(overflow)?;
        if within_band(price, quote, limit) {
            return Ok(());
        }
        let wad = |v: i128| I256::try_from(v).unwrap_or_default();
        Err(ClearinghouseError::from(TradePriceOutsideBand {
            instrument,
            price: wad(price),
            mark: wad(quote.mark),
            maxDeviation: wad(limit),
        }))
    }
}
