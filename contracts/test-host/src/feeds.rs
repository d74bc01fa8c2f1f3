//! Fake Chainlink `AggregatorV3` feeds: a latest round with every field settable, the earlier
//! rounds kept by id, or reverting.

use std::collections::BTreeMap;

use alloy_primitives::{aliases::U80, Address, I256, U256};
use alloy_sol_types::SolCall;
use pm_common::interfaces::IAggregatorV3;

use crate::calls::{FakeContract, Incoming, Outcome};
use crate::host::Chain;

/// The round id of a new feed's round.
pub const FIRST_ROUND: u128 = 7;

/// A fake feed: `decimals()` and `latestRoundData()` from its fields, `getRoundData(id)` from
/// them or from `history` (reverting for an id it never had); any other call reverts, and every
/// call does while `reverts` is set.
#[derive(Clone, Debug)]
pub struct FakeFeed {
    /// What `decimals()` answers.
    pub decimals: u8,
    /// The round id: the phase above bit 64, the aggregator's round below (as a Chainlink
    /// proxy's).
    pub round_id: u128,
    /// The answer, in `decimals`.
    pub answer: I256,
    /// When the round started, unix seconds.
    pub started_at: u64,
    /// When the round was updated, unix seconds.
    pub updated_at: u64,
    /// The round the answer was computed in.
    pub answered_in_round: u128,
    /// Whether every call reverts.
    pub reverts: bool,
    /// Earlier rounds by id: (answer, started at, updated at, answered in round).
    pub history: BTreeMap<u128, (I256, u64, u64, u128)>,
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
            history: BTreeMap::new(),
        }
    }

    /// Keeps the latest round in `history` and starts the next one: complete, answering `answer`,
    /// started and updated at `at`.
    pub fn push_round(&mut self, answer: I256, at: u64) {
        self.start_round(self.round_id + 1, answer, at);
    }

    /// As a proxy does when its aggregator is replaced: keeps the latest round in `history` and
    /// starts round 1 of the next phase, complete, answering `answer`, started and updated at
    /// `at`.
    pub fn push_phase(&mut self, answer: I256, at: u64) {
        self.start_round(((self.round_id >> 64) + 1) << 64 | 1, answer, at);
    }

    fn start_round(&mut self, id: u128, answer: I256, at: u64) {
        self.history.insert(
            self.round_id,
            (
                self.answer,
                self.started_at,
                self.updated_at,
                self.answered_in_round,
            ),
        );
        self.round_id = id;
        self.answered_in_round = id;
        self.answer = answer;
        self.started_at = at;
        self.updated_at = at;
    }

    fn round(&self, id: u128) -> Option<(I256, u64, u64, u128)> {
        if id == self.round_id {
            return Some((
                self.answer,
                self.started_at,
                self.updated_at,
                self.answered_in_round,
            ));
        }
        self.history.get(&id).copied()
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
        if let Ok(c) = IAggregatorV3::getRoundDataCall::abi_decode(call.data) {
            let id: u128 = c.roundId.to();
            let Some((answer, started, updated, answered)) = self.round(id) else {
                return Err(Vec::new());
            };
            return Ok(IAggregatorV3::getRoundDataCall::abi_encode_returns_tuple(&(
                c.roundId,
                answer,
                U256::from(started),
                U256::from(updated),
                U80::from(answered),
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
