//! Roles, markets and approvals, underlyings, volatility and the risk parameters. Every parameter
//! change is validated by the risk program itself (the same code that will margin with it), so a
//! bad matrix or an out-of-range parameter is rejected with its `RiskError` code.

use alloc::vec::Vec;

use alloy_primitives::{Address, U256, U32, U8};
use pm_risk::units::{MAX_VOL, MIN_VOL};
use pm_risk::MAX_UNDERLYINGS;
use stylus_sdk::prelude::*;

use crate::errors::{
    ClearinghouseError, InvalidHeartbeat, InvalidVolatility, LengthMismatch, NotAContract, NotOwner,
    NotRiskAdmin, NotVolOracle, Result, TooManyUnderlyings, UnknownUnderlying,
};
use crate::events::{
    MarketApproved, MarketSet, RiskAdminSet, RiskParamsSet, UnderlyingSet, VolOracleSet, VolatilityPosted,
};
use crate::storage::Clearinghouse;
use crate::words::{halves, word_of};

/// The longest heartbeat or volatility age accepted, seconds (7 days).
pub const MAX_AGE: u32 = 7 * 24 * 3600;

/// `UnknownUnderlying` for `index`.
pub(crate) fn unknown(index: usize) -> ClearinghouseError {
    ClearinghouseError::UnknownUnderlying(UnknownUnderlying {
        index: U256::from(index),
    })
}

/// The storage index of correlation pair (i, j), i ≠ j: j(j−1)/2 + i with i < j.
pub fn pair_index(i: usize, j: usize) -> usize {
    let (lo, hi) = if i < j { (i, j) } else { (j, i) };
    (hi.saturating_mul(hi.saturating_sub(1)) / 2).saturating_add(lo)
}

impl Clearinghouse {
    /// Errors: `NotOwner`.
    pub(crate) fn only_owner(&self) -> Result<()> {
        let caller = self.vm().msg_sender();
        if caller != self.owner.get() {
            return Err(ClearinghouseError::NotOwner(NotOwner { caller }));
        }
        Ok(())
    }

    /// Errors: `NotRiskAdmin`.
    pub(crate) fn only_risk_admin(&self) -> Result<()> {
        let caller = self.vm().msg_sender();
        if caller.is_zero() || caller != self.risk_admin.get() {
            return Err(ClearinghouseError::NotRiskAdmin(NotRiskAdmin { caller }));
        }
        Ok(())
    }

    /// Errors: `NotAContract`.
    pub(crate) fn ensure_contract(&self, account: Address) -> Result<()> {
        if self.vm().code_size(account) == 0 {
            return Err(ClearinghouseError::NotAContract(NotAContract { account }));
        }
        Ok(())
    }

    pub(crate) fn assign_risk_admin(&mut self, risk_admin: Address) -> Result<()> {
        self.only_owner()?;
        self.risk_admin.set(risk_admin);
        self.vm().log(RiskAdminSet {
            riskAdmin: risk_admin,
        });
        Ok(())
    }

    pub(crate) fn assign_vol_oracle(&mut self, vol_oracle: Address) -> Result<()> {
        self.only_owner()?;
        self.vol_oracle.set(vol_oracle);
        self.vm().log(VolOracleSet {
            volOracle: vol_oracle,
        });
        Ok(())
    }

    pub(crate) fn authorise_market(&mut self, market: Address, authorised: bool) -> Result<()> {
        self.only_owner()?;
        if authorised {
            self.ensure_contract(market)?;
        }
        self.markets.setter(market).set(authorised);
        self.vm().log(MarketSet { market, authorised });
        Ok(())
    }

    pub(crate) fn approve(&mut self, market: Address, approved: bool) {
        let account = self.vm().msg_sender();
        self.approvals.setter(account).setter(market).set(approved);
        self.vm().log(MarketApproved {
            account,
            market,
            approved,
        });
    }

    /// Lists underlying `index` (the next index) or changes a listed one.
    pub(crate) fn configure_underlying(
        &mut self,
        index: usize,
        feed: Address,
        heartbeat: u32,
        vol_max_age: u32,
        oracle_addon: i128,
        params: [i128; 8],
    ) -> Result<()> {
        self.only_risk_admin()?;
        let count = self.underlyings.len();
        if index > count {
            return Err(unknown(index));
        }
        if index >= MAX_UNDERLYINGS {
            return Err(ClearinghouseError::TooManyUnderlyings(TooManyUnderlyings {
                max: U256::from(MAX_UNDERLYINGS),
            }));
        }
        for age in [heartbeat, vol_max_age] {
            if age == 0 || age > MAX_AGE {
                return Err(ClearinghouseError::InvalidHeartbeat(InvalidHeartbeat {
                    heartbeat: U256::from(age),
                    maxSeconds: U256::from(MAX_AGE),
                }));
            }
        }
        self.ensure_contract(feed)?;
        let decimals = self.feed_decimals(feed)?;
        if index == count {
            self.underlyings.grow();
        }
        let mut u = self.underlyings.setter(index).ok_or_else(|| unknown(index))?;
        u.feed.set(feed);
        u.heartbeat.set(U32::from(heartbeat));
        u.vol_max_age.set(U32::from(vol_max_age));
        u.feed_decimals.set(U8::from(decimals));
        let values = [
            oracle_addon,
            params[0],
            params[1],
            params[2],
            params[3],
            params[4],
            params[5],
            params[6],
            params[7],
            0,
        ];
        for (k, pair) in values.chunks_exact(2).enumerate() {
            if let (Some(mut slot), [a, b]) = (u.params.setter(k), pair) {
                slot.set(word_of(*a, *b));
            }
        }
        // The feed must answer a usable price now, and the parameters must pass the risk program.
        self.underlying_price(index)?;
        self.validate_parameters()?;
        self.vm().log(UnderlyingSet {
            index: U256::from(index),
            feed,
            heartbeat,
            volMaxAge: vol_max_age,
        });
        Ok(())
    }

    /// Sets the grid levels, the eight scalars (wire order) and the correlations above the
    /// diagonal, row by row, for the listed underlyings.
    pub(crate) fn configure_risk_params(
        &mut self,
        grid_levels: u8,
        scalars: [i128; 8],
        correlations: Vec<i128>,
    ) -> Result<()> {
        self.only_risk_admin()?;
        let n = self.underlyings.len();
        if correlations.len() != n.saturating_mul(n.saturating_sub(1)) / 2 {
            return Err(ClearinghouseError::LengthMismatch(LengthMismatch {}));
        }
        self.store_scalars(grid_levels, &scalars);
        let mut values = correlations.iter();
        for i in 0..n {
            for j in i.saturating_add(1)..n {
                let v = values.next().copied().unwrap_or(0);
                self.set_correlation(pair_index(i, j), v);
            }
        }
        self.validate_parameters()?;
        self.vm().log(RiskParamsSet {
            gridLevels: grid_levels,
            scalars,
            correlations,
        });
        Ok(())
    }

    /// Writes the grid levels and the eight account-wide scalars (wire order), unchecked.
    pub(crate) fn store_scalars(&mut self, grid_levels: u8, scalars: &[i128; 8]) {
        if let Some(mut w) = self.params.setter(0usize) {
            w.set(U256::from(grid_levels));
        }
        for (k, pair) in scalars.chunks_exact(2).enumerate() {
            if let (Some(mut slot), [a, b]) = (self.params.setter(k.saturating_add(1)), pair) {
                slot.set(word_of(*a, *b));
            }
        }
    }

    fn set_correlation(&mut self, index: usize, value: i128) {
        let word_index = index / 2;
        let Some(word) = self.correlations.get(word_index) else {
            return;
        };
        let (high, low) = halves(word);
        let new = if index.is_multiple_of(2) {
            word_of(value, low)
        } else {
            word_of(high, value)
        };
        if let Some(mut slot) = self.correlations.setter(word_index) {
            slot.set(new);
        }
    }

    /// Correlation of listed underlyings `i` and `j` (1 on the diagonal), 18 decimals.
    pub(crate) fn correlation(&self, i: usize, j: usize) -> i128 {
        if i == j {
            return pm_risk::fixed::WAD;
        }
        let index = pair_index(i, j);
        let (high, low) = halves(self.correlations.get(index / 2).unwrap_or_default());
        if index.is_multiple_of(2) {
            high
        } else {
            low
        }
    }

    pub(crate) fn post_vol(&mut self, index: usize, vol: i128) -> Result<()> {
        let caller = self.vm().msg_sender();
        if caller.is_zero() || caller != self.vol_oracle.get() {
            return Err(ClearinghouseError::NotVolOracle(NotVolOracle { caller }));
        }
        if !(MIN_VOL..=MAX_VOL).contains(&vol) {
            return Err(ClearinghouseError::InvalidVolatility(InvalidVolatility {
                vol: alloy_primitives::I256::try_from(vol).unwrap_or_default(),
            }));
        }
        let now = self.vm().block_timestamp();
        let mut u = self.underlyings.setter(index).ok_or_else(|| unknown(index))?;
        u.market.set(word_of(vol, i128::from(now)));
        self.vm().log(VolatilityPosted {
            underlying: U256::from(index),
            vol,
        });
        Ok(())
    }
}
