//! Fake Chainlink `AggregatorV3` feeds: one round each, every field settable, or reverting.

use alloy_primitives::{aliases::U80, Address, I256, U256};
use alloy_sol_types::SolCall;
use pm_common::interfaces::IAggregatorV3;

use crate::calls::{FakeContract, Incoming, Outcome};
use crate::host::Chain;

/// The round id of a new feed's round.
pub const FIRST_ROUND: u64 = 7;

/// A fake feed: `decimals()` and `latestRoundData()` from its fields; any other call reverts,
/// and every call does while `reverts` is set.
#[derive(Clone, Debug)]
pub struct FakeFeed {
    /// What `decimals()` answers.
    pub decimals: u8,
    /// The round id.
    pub round_id: u64,
    /// The answer, in `decimals`.
    pub answer: I256,
    /// When the round started, unix seconds.
    pub started_at: u64,
    /// When the round was updated, unix seconds.
    pub updated_at: u64,
    /// The round the answer was computed in.
    pub answered_in_round: u64,
    /// Whether every call reverts.
    pub reverts: bool,
}

impl FakeFeed {
    /// A complete round [`FIRST_ROUND`] answering `answer`, started and updated at `now`.
    pub fn new(decimals: u8, answer: i128, now: u64) -> Self {
        Self {
            decimals,
            round_id: FIRST_ROUND,
            answer: I256::try_from(answer).expect("an i128 fits int256"),
            started_at: now,
            updated_at: now,
            answered_in_round: FIRST_ROUND,
            reverts: false,
        }
    }
}

impl FakeContract for FakeFeed {
    fn call(&mut self, call: &Incoming<'_>) -> Outcome {
        if self.reverts {
            return Err(Vec::new());
        }
        if IAggregatorV3::decimalsCall::abi_decode(call.data).is_ok() {
            return Ok(IAggregatorV3::decimalsCall::abi_encode_returns(&self.decimals));
        }
        if IAggregatorV3::latestRoundDataCall::abi_decode(call.data).is_ok() {
            return Ok(IAggregatorV3::latestRoundDataCall::abi_encode_returns_tuple(&(
                U80::from(self.round_id),
                self.answer,
                U256::from(self.started_at),
                U256::from(self.updated_at),
                U80::from(self.answered_in_round),
            )));
        }
        Err(Vec::new())
    }
}

impl Chain {
    /// Registers a [`FakeFeed`] at `feed` with a fresh round (updated at the block time)
    /// answering `answer` with `decimals`.
    pub fn add_feed(&self, feed: Address, decimals: u8, answer: i128) {
        self.register(feed, FakeFeed::new(decimals, answer, self.now()));
    }

    /// Changes the feed at `feed`.
    pub fn feed_mut<R>(&self, feed: Address, change: impl FnOnce(&mut FakeFeed) -> R) -> R {
        self.fake_mut(feed, change)
    }
}
