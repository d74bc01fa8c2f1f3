//! Underlying prices from Chainlink `AggregatorV3` feeds, and the checks every price passes.

use alloy_primitives::{Address, I256, U256};
use alloy_sol_types::SolCall;
use stylus_sdk::{call::static_call, prelude::*, stylus_core::calls::Call};

use crate::errors::{
    overflow, ClearinghouseError, IncompleteRound, InvalidPrice, OracleCallFailed, Result, StalePrice,
};
use crate::external::IAggregatorV3;
use crate::storage::Clearinghouse;

fn failed(oracle: Address) -> ClearinghouseError {
    ClearinghouseError::OracleCallFailed(OracleCallFailed { oracle })
}

/// Checks a round: complete (updated, answered in its own round), positive, and no older than
/// `heartbeat` seconds at `now`. Returns the answer. Errors: `IncompleteRound`, `InvalidPrice`,
/// `StalePrice`.
pub fn checked_answer(
    oracle: Address,
    round: &IAggregatorV3::latestRoundDataReturn,
    heartbeat: u32,
    now: u64,
) -> Result<U256> {
    if round.updatedAt.is_zero() || round.answeredInRound < round.roundId {
        return Err(ClearinghouseError::IncompleteRound(IncompleteRound {
            oracle,
            roundId: round.roundId,
            answeredInRound: round.answeredInRound,
            updatedAt: round.updatedAt,
        }));
    }
    if round.answer <= I256::ZERO {
        return Err(ClearinghouseError::InvalidPrice(InvalidPrice {
            oracle,
            answer: round.answer,
        }));
    }
    let now = U256::from(now);
    if now.saturating_sub(round.updatedAt) > U256::from(heartbeat) {
        return Err(ClearinghouseError::StalePrice(StalePrice {
            oracle,
            updatedAt: round.updatedAt,
            heartbeat: U256::from(heartbeat),
            timestamp: now,
        }));
    }
    Ok(round.answer.into_raw())
}

/// An answer with `decimals` decimals (at most 18) as an 18-decimal `i128`.
/// Errors: `ArithmeticOverflow`.
pub fn wad_of(answer: U256, decimals: u8) -> Result<i128> {
    let scale = 10i128
        .checked_pow(u32::from(18u8.checked_sub(decimals).ok_or_else(overflow)?))
        .ok_or_else(overflow)?;
    i128::try_from(answer)
        .ok()
        .and_then(|a| a.checked_mul(scale))
        .ok_or_else(overflow)
}

impl Clearinghouse {
    /// `feed.latestRoundData()`. Errors: `OracleCallFailed`.
    pub(crate) fn latest_round(&self, feed: Address) -> Result<IAggregatorV3::latestRoundDataReturn> {
        let data = IAggregatorV3::latestRoundDataCall {}.abi_encode();
        let ret = static_call(self.vm(), Call::new(), feed, &data).map_err(|_| failed(feed))?;
        IAggregatorV3::latestRoundDataCall::abi_decode_returns_validate(&ret).map_err(|_| failed(feed))
    }

    /// `feed.decimals()`. Errors: `OracleCallFailed`.
    pub(crate) fn feed_decimals(&self, feed: Address) -> Result<u8> {
        let data = IAggregatorV3::decimalsCall {}.abi_encode();
        let ret = static_call(self.vm(), Call::new(), feed, &data).map_err(|_| failed(feed))?;
        IAggregatorV3::decimalsCall::abi_decode_returns_validate(&ret).map_err(|_| failed(feed))
    }

    /// The checked price of underlying `index`, USD with 18 decimals.
    /// Errors: `UnknownUnderlying`, and those of [`checked_answer`] and [`wad_of`].
    pub(crate) fn underlying_price(&self, index: usize) -> Result<i128> {
        let u = self
            .underlyings
            .getter(index)
            .ok_or_else(|| crate::config::unknown(index))?;
        let feed = u.feed.get();
        let round = self.latest_round(feed)?;
        let answer = checked_answer(feed, &round, u.heartbeat.get().to(), self.vm().block_timestamp())?;
        wad_of(answer, u.feed_decimals.get().to())
    }
}
