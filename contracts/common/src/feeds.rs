//! Chainlink `AggregatorV3` feeds: reading a round and the checks every price passes before any
//! program uses it.
//!
//! Invariants kept here (tests are named after them):
//! 1. A price is used only from a complete, positive round no older than the heartbeat.
//! 2. A round stamped in the future is as fresh as one stamped now.
//! 3. With a sequencer-uptime feed, prices are unusable while the sequencer is down and for a
//!    grace period after it comes back.

use alloy_primitives::{aliases::U80, Address, I256, U256};
use alloy_sol_types::SolCall;
use stylus_sdk::{call::static_call, stylus_core::calls::Call, stylus_core::Host};

use crate::errors::{
    IncompleteRound, InvalidPrice, OracleCallFailed, SequencerDown, SequencerGracePeriod, StalePrice,
};
use crate::interfaces::IAggregatorV3;

/// One `latestRoundData` answer of a feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Round {
    /// Round id.
    pub round_id: U80,
    /// Answer in the feed's decimals (a price feed), or a status (the sequencer feed: 0 up, 1 down).
    pub answer: I256,
    /// Unix seconds when the round started (the sequencer feed: when the status last changed).
    pub started_at: U256,
    /// Unix seconds of the last update.
    pub updated_at: U256,
    /// Round in which the answer was computed.
    pub answered_in_round: U80,
}

/// `feed.latestRoundData()`. Errors: `OracleCallFailed` (the call reverts or its answer does not
/// decode).
pub fn latest_round<H: Host + ?Sized>(vm: &H, feed: Address) -> Result<Round, OracleCallFailed> {
    let data = IAggregatorV3::latestRoundDataCall {}.abi_encode();
    let failed = || OracleCallFailed { oracle: feed };
    let ret = static_call(vm, Call::new(), feed, &data).map_err(|_| failed())?;
    let r = IAggregatorV3::latestRoundDataCall::abi_decode_returns_validate(&ret).map_err(|_| failed())?;
    Ok(Round {
        round_id: r.roundId,
        answer: r.answer,
        started_at: r.startedAt,
        updated_at: r.updatedAt,
        answered_in_round: r.answeredInRound,
    })
}

/// `feed.decimals()`. Errors: `OracleCallFailed`.
pub fn feed_decimals<H: Host + ?Sized>(vm: &H, feed: Address) -> Result<u8, OracleCallFailed> {
    let data = IAggregatorV3::decimalsCall {}.abi_encode();
    let failed = || OracleCallFailed { oracle: feed };
    let ret = static_call(vm, Call::new(), feed, &data).map_err(|_| failed())?;
    IAggregatorV3::decimalsCall::abi_decode_returns_validate(&ret).map_err(|_| failed())
}

/// Checks a price round (invariants 1, 2) and returns its answer, in the feed's decimals.
///
/// Errors: `IncompleteRound` (never updated, or answered in an earlier round), `InvalidPrice`
/// (zero or negative), `StalePrice` (`timestamp − updatedAt > heartbeat`).
pub fn checked_answer<E>(oracle: Address, round: &Round, heartbeat: u32, timestamp: u64) -> Result<U256, E>
where
    E: From<IncompleteRound> + From<InvalidPrice> + From<StalePrice>,
{
    if round.updated_at.is_zero() || round.answered_in_round < round.round_id {
        return Err(IncompleteRound {
            oracle,
            roundId: round.round_id,
            answeredInRound: round.answered_in_round,
            updatedAt: round.updated_at,
        }
        .into());
    }
    if round.answer <= I256::ZERO {
        return Err(InvalidPrice {
            oracle,
            answer: round.answer,
        }
        .into());
    }
    let now = U256::from(timestamp);
    if now.saturating_sub(round.updated_at) > U256::from(heartbeat) {
        return Err(StalePrice {
            oracle,
            updatedAt: round.updated_at,
            heartbeat: U256::from(heartbeat),
            timestamp: now,
        }
        .into());
    }
    Ok(round.answer.into_raw())
}

/// Checks a Chainlink L2 sequencer-uptime round (invariant 3): the sequencer must be up (answer
/// 0) for at least `grace_period` seconds.
///
/// Errors: `SequencerDown` (answer not 0, or no round yet), `SequencerGracePeriod`.
pub fn check_sequencer<E>(feed: Address, round: &Round, grace_period: u32, timestamp: u64) -> Result<(), E>
where
    E: From<SequencerDown> + From<SequencerGracePeriod>,
{
    if !round.answer.is_zero() || round.started_at.is_zero() {
        return Err(SequencerDown {
            feed,
            answer: round.answer,
            startedAt: round.started_at,
        }
        .into());
    }
    let now = U256::from(timestamp);
    if now.saturating_sub(round.started_at) < U256::from(grace_period) {
        return Err(SequencerGracePeriod {
            feed,
            upSince: round.started_at,
            gracePeriod: U256::from(grace_period),
            timestamp: now,
        }
        .into());
    }
    Ok(())
}
