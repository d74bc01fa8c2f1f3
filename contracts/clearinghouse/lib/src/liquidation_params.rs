//! The liquidation parameters the risk admin sets ([`crate::liquidation_plan::Params`]), stored in
//! two words; the defaults until set.

use stylus_sdk::prelude::*;

use crate::errors::{ClearinghouseError, InvalidLiquidationParams, Result};
use crate::events::LiquidationParamsSet;
use crate::liquidation_plan::Params;
use crate::storage::Clearinghouse;
use crate::words::{halves, word_of};

impl Clearinghouse {
    /// Sets the liquidation parameters (fractions with 18 decimals): the largest discount rate in
    /// (0, 50%], the buffer above maintenance restored in (0, 100%], the fund's share of a
    /// discount in [0, 100%], the least reward in [0, the largest discount].
    /// Errors: `NotRiskAdmin`, `InvalidLiquidationParams`.
    pub fn set_liquidation_params(&mut self, params: Params) -> Result<()> {
        self.only_risk_admin()?;
        if !params.valid() {
            return Err(ClearinghouseError::from(InvalidLiquidationParams {
                maxDiscount: params.max_discount,
                targetBuffer: params.target_buffer,
                fundShare: params.fund_share,
                minReward: params.min_reward,
            }));
        }
        for (k, (a, b)) in [
            (params.max_discount, params.target_buffer),
            (params.fund_share, params.min_reward),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(mut slot) = self.liquidation_params.setter(k) {
                slot.set(word_of(a, b));
            }
        }
        self.vm().log(LiquidationParamsSet {
            maxDiscount: params.max_discount,
            targetBuffer: params.target_buffer,
            fundShare: params.fund_share,
            minReward: params.min_reward,
        });
        Ok(())
    }

    /// The liquidation parameters in force (the defaults until the risk admin sets them).
    pub fn liquidation_params(&self) -> Params {
        let (max_discount, target_buffer) = halves(self.liquidation_params.get(0).unwrap_or_default());
        if max_discount == 0 {
            return Params::DEFAULT;
        }
        let (fund_share, min_reward) = halves(self.liquidation_params.get(1).unwrap_or_default());
        Params {
            max_discount,
            target_buffer,
            fund_share,
            min_reward,
        }
    }
}
