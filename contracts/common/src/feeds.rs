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
    IncompleteRound, InvalidHeartbeat, InvalidPrice, OracleCallFailed, SequencerDown, SequencerGracePeriod,
    StalePrice,
};
use crate::interfaces::IAggregatorV3;

/// The longest heartbeat (or age of a posted value) a program accepts, seconds: 7 days.
pub const MAX_HEARTBEAT: u32 = 7 * 24 * 3600;

/// Errors: `InvalidHeartbeat` unless `seconds` is in 1..=[`MAX_HEARTBEAT`].
pub fn check_heartbeat<E: From<InvalidHeartbeat>>(seconds: u32) -> Result<(), E> {
    if seconds == 0 || seconds > MAX_HEARTBEAT {
        return Err(InvalidHeartbeat {
            heartbeat: U256::from(seconds),
            maxSeconds: U256::from(MAX_HEARTBEAT),
        }
        .into());
    }
    Ok(())
}

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

/// `feed.getRoundData(round_id)`: an earlier round. Errors: `OracleCallFailed` (the call reverts,
/// as a feed does for a round it never had, or its answer does not decode).
pub fn round_at<H: Host + ?Sized>(vm: &H, feed: Address, round_id: U80) -> Result<Round, OracleCallFailed> {
    let data = IAggregatorV3::getRoundDataCall { roundId: round_id }.abi_encode();
    let failed = || OracleCallFailed { oracle: feed };
    let ret = static_call(vm, Call::new(), feed, &data).map_err(|_| failed())?;
    let r = IAggregatorV3::getRoundDataCall::abi_decode_returns_validate(&ret).map_err(|_| failed())?;
    Ok(Round {
        round_id: r.id,
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

/// The L2 sequencer gate: reads `feed`'s latest round and checks it ([`check_sequencer`]); no
/// feed (the zero address) means no gate. The vault and the clearinghouse both gate on the
/// engine's one feed (the vault's) through this.
///
/// Errors: `SequencerDown`, `SequencerGracePeriod`, `OracleCallFailed`.
pub fn ensure_sequencer_up<H, E>(vm: &H, feed: Address, grace_period: u32) -> Result<(), E>
where
    H: Host + ?Sized,
    E: From<SequencerDown> + From<SequencerGracePeriod> + From<OracleCallFailed>,
{
    if feed.is_zero() {
        return Ok(());
    }
    let round = latest_round(vm, feed)?;
    check_sequencer(feed, &round, grace_period, vm.block_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORACLE: Address = Address::repeat_byte(9);

    /// Every way a feed check fails, to compare results in tests.
    #[derive(Debug, PartialEq)]
    enum FeedError {
        Incomplete(IncompleteRound),
        Invalid(InvalidPrice),
        Stale(StalePrice),
        Down(SequencerDown),
        Grace(SequencerGracePeriod),
    }

    impl From<IncompleteRound> for FeedError {
        fn from(e: IncompleteRound) -> Self {
            FeedError::Incomplete(e)
        }
    }
    impl From<InvalidPrice> for FeedError {
        fn from(e: InvalidPrice) -> Self {
            FeedError::Invalid(e)
        }
    }
    impl From<StalePrice> for FeedError {
        fn from(e: StalePrice) -> Self {
            FeedError::Stale(e)
        }
    }
    impl From<SequencerDown> for FeedError {
        fn from(e: SequencerDown) -> Self {
            FeedError::Down(e)
        }
    }
    impl From<SequencerGracePeriod> for FeedError {
        fn from(e: SequencerGracePeriod) -> Self {
            FeedError::Grace(e)
        }
    }

    fn round(answer: i64, updated_at: u64) -> Round {
        Round {
            round_id: U80::from(5u8),
            answer: I256::try_from(answer).unwrap_or_default(),
            started_at: U256::from(updated_at),
            updated_at: U256::from(updated_at),
            answered_in_round: U80::from(5u8),
        }
    }

    fn check(r: &Round, heartbeat: u32, now: u64) -> Result<U256, FeedError> {
        checked_answer(ORACLE, r, heartbeat, now)
    }

    #[test]
    fn a_price_is_used_only_from_a_complete_positive_fresh_round() {
        assert_eq!(check(&round(7, 1_000), 60, 1_060), Ok(U256::from(7u8)));
        assert!(matches!(
            check(&round(7, 1_000), 60, 1_061),
            Err(FeedError::Stale(_))
        ));
        assert!(matches!(
            check(&round(0, 1_000), 60, 1_000),
            Err(FeedError::Invalid(_))
        ));
        assert!(matches!(
            check(&round(-1, 1_000), 60, 1_000),
            Err(FeedError::Invalid(_))
        ));
        assert!(matches!(
            check(&round(7, 0), 60, 0),
            Err(FeedError::Incomplete(_))
        ));
        let earlier = Round {
            answered_in_round: U80::from(4u8),
            ..round(7, 1_000)
        };
        assert!(matches!(
            check(&earlier, 60, 1_000),
            Err(FeedError::Incomplete(_))
        ));
    }

    #[test]
    fn a_heartbeat_is_one_second_to_seven_days() {
        assert!(check_heartbeat::<InvalidHeartbeat>(1).is_ok());
        assert!(check_heartbeat::<InvalidHeartbeat>(MAX_HEARTBEAT).is_ok());
        for bad in [0, MAX_HEARTBEAT + 1] {
            assert_eq!(
                check_heartbeat::<InvalidHeartbeat>(bad),
                Err(InvalidHeartbeat {
                    heartbeat: U256::from(bad),
                    maxSeconds: U256::from(MAX_HEARTBEAT),
                })
            );
        }
    }

    #[test]
    fn a_round_stamped_in_the_future_is_fresh() {
        assert_eq!(check(&round(5, 1_000), 1, 900), Ok(U256::from(5u8)));
    }

    #[test]
    fn the_sequencer_is_up_exactly_at_the_end_of_its_grace_period() {
        let mut r = round(0, 100);
        assert_eq!(check_sequencer::<FeedError>(ORACLE, &r, 50, 150), Ok(()));
        assert!(matches!(
            check_sequencer::<FeedError>(ORACLE, &r, 50, 149),
            Err(FeedError::Grace(_))
        ));
        r.answer = I256::ONE;
        assert!(matches!(
            check_sequencer::<FeedError>(ORACLE, &r, 0, 10_000),
            Err(FeedError::Down(_))
        ));
        let never = Round {
            started_at: U256::ZERO,
            ..round(0, 100)
        };
        assert!(matches!(
            check_sequencer::<FeedError>(ORACLE, &never, 0, 10_000),
            Err(FeedError::Down(_))
        ));
    }
}
