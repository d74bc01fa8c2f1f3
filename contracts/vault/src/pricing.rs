//! Reading Chainlink feeds: price rounds, decimals, and the L2 sequencer-uptime gate.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use stylus_sdk::{call::static_call, prelude::*, stylus_core::calls::Call};

use crate::errors::{CollateralNotListed, EngineError, OracleCallFailed, Result};
use crate::external::IAggregatorV3;
use crate::storage::Vault;
use crate::valuation::{check_sequencer, checked_answer, normalised_price, Round};

fn failed(oracle: Address) -> EngineError {
    EngineError::OracleCallFailed(OracleCallFailed { oracle })
}

/// A collateral token's pricing parameters, read from its packed slot.
pub(crate) struct Pricing {
    pub(crate) oracle: Address,
    pub(crate) heartbeat: u32,
    pub(crate) haircut_bps: u16,
    pub(crate) token_decimals: u8,
    pub(crate) oracle_decimals: u8,
}

impl Vault {
    /// `feed.latestRoundData()`. Errors: `OracleCallFailed`.
    pub(crate) fn latest_round(&self, feed: Address) -> Result<Round> {
        let data = IAggregatorV3::latestRoundDataCall {}.abi_encode();
        let ret = static_call(self.vm(), Call::new(), feed, &data).map_err(|_| failed(feed))?;
        let r = IAggregatorV3::latestRoundDataCall::abi_decode_returns_validate(&ret)
            .map_err(|_| failed(feed))?;
        Ok(Round {
            round_id: r.roundId,
            answer: r.answer,
            started_at: r.startedAt,
            updated_at: r.updatedAt,
            answered_in_round: r.answeredInRound,
        })
    }

    /// `feed.decimals()`. Errors: `OracleCallFailed`.
    pub(crate) fn feed_decimals(&self, feed: Address) -> Result<u8> {
        let data = IAggregatorV3::decimalsCall {}.abi_encode();
        let ret = static_call(self.vm(), Call::new(), feed, &data).map_err(|_| failed(feed))?;
        IAggregatorV3::decimalsCall::abi_decode_returns_validate(&ret).map_err(|_| failed(feed))
    }

    /// Errors: `SequencerDown`, `SequencerGracePeriod`, `OracleCallFailed` when a feed is set.
    pub(crate) fn ensure_sequencer_up(&self) -> Result<()> {
        let feed = self.sequencer_feed.get();
        if feed.is_zero() {
            return Ok(());
        }
        let round = self.latest_round(feed)?;
        check_sequencer(
            feed,
            &round,
            self.sequencer_grace.get().saturating_to(),
            self.vm().block_timestamp(),
        )
    }

    /// The pricing parameters of a listed token. Errors: `CollateralNotListed`.
    pub(crate) fn pricing(&self, token: Address) -> Result<Pricing> {
        let c = self.collaterals.getter(token);
        let oracle = c.oracle.get();
        if oracle.is_zero() {
            return Err(EngineError::CollateralNotListed(CollateralNotListed { token }));
        }
        Ok(Pricing {
            oracle,
            heartbeat: c.heartbeat.get().saturating_to(),
            haircut_bps: c.haircut_bps.get().saturating_to(),
            token_decimals: c.token_decimals.get().saturating_to(),
            oracle_decimals: c.oracle_decimals.get().saturating_to(),
        })
    }

    /// A checked oracle answer for `pricing`, in the feed's decimals (no sequencer check).
    pub(crate) fn oracle_answer(&self, pricing: &Pricing) -> Result<U256> {
        let round = self.latest_round(pricing.oracle)?;
        checked_answer(
            pricing.oracle,
            &round,
            pricing.heartbeat,
            self.vm().block_timestamp(),
        )
    }

    /// A listed token's price, 18 decimals, rounded down, behind the sequencer gate.
    pub(crate) fn token_price(&self, token: Address) -> Result<U256> {
        let pricing = self.pricing(token)?;
        self.ensure_sequencer_up()?;
        normalised_price(self.oracle_answer(&pricing)?, pricing.oracle_decimals)
    }
}
