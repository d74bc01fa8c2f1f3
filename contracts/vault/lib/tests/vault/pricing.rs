//! Oracle prices, the sequencer gate and collateral values.

use alloy_primitives::{aliases::U80, Address, I256, U256};
use pm_vault::errors::*;

use crate::support::*;

const E18: u128 = 1_000_000_000_000_000_000;

#[test]
fn price_normalises_feed_decimals_to_18() {
    let chain = crate::listed_chain();
    assert_eq!(chain.vault().price(USDC).unwrap(), U256::from(E18));
    assert_eq!(chain.vault().price(WETH).unwrap(), U256::from(3_000 * E18));
    // A 20-decimal feed is divided down, rounding down.
    chain.feed_mut(ETH_FEED, |f| {
        f.decimals = 20;
        f.answer = I256::try_from(123_456_789_999i64).unwrap();
    });
    chain
        .as_(ADMIN)
        .vault()
        .set_collateral(WETH, ETH_FEED, 1000, U256::ZERO, 3600)
        .unwrap();
    assert_eq!(chain.vault().price(WETH).unwrap(), U256::from(1_234_567_899u64));
}

#[test]
fn price_reverts_for_unlisted_token() {
    let chain = crate::listed_chain();
    let t = Address::repeat_byte(0x99);
    assert_reverts(chain.vault().price(t), CollateralNotListed { token: t });
}

#[test]
fn price_is_fresh_at_heartbeat_and_stale_one_second_later() {
    let chain = crate::listed_chain();
    chain.feed_mut(USDC_FEED, |f| f.updated_at = NOW - 3600);
    assert!(chain.vault().price(USDC).is_ok());
    chain.feed_mut(USDC_FEED, |f| f.updated_at = NOW - 3601);
    assert_reverts(
        chain.vault().price(USDC),
        StalePrice {
            oracle: USDC_FEED,
            updatedAt: U256::from(NOW - 3601),
            heartbeat: U256::from(3600u32),
            timestamp: U256::from(NOW),
        },
    );
}

#[test]
fn price_reverts_on_zero_or_negative_answer() {
    let chain = crate::listed_chain();
    for answer in [0i64, -1] {
        chain.feed_mut(USDC_FEED, |f| f.answer = I256::try_from(answer).unwrap());
        assert_reverts(
            chain.vault().price(USDC),
            InvalidPrice {
                oracle: USDC_FEED,
                answer: I256::try_from(answer).unwrap(),
            },
        );
    }
}

#[test]
fn price_reverts_on_incomplete_round() {
    let chain = crate::listed_chain();
    chain.feed_mut(USDC_FEED, |f| f.answered_in_round = 6);
    assert_reverts(
        chain.vault().price(USDC),
        IncompleteRound {
            oracle: USDC_FEED,
            roundId: U80::from(7u8),
            answeredInRound: U80::from(6u8),
            updatedAt: U256::from(NOW),
        },
    );
    chain.feed_mut(USDC_FEED, |f| {
        f.answered_in_round = 7;
        f.updated_at = 0;
    });
    assert_reverts(
        chain.vault().price(USDC),
        IncompleteRound {
            oracle: USDC_FEED,
            roundId: U80::from(7u8),
            answeredInRound: U80::from(7u8),
            updatedAt: U256::ZERO,
        },
    );
}

#[test]
fn price_reverts_when_feed_reverts() {
    let chain = crate::listed_chain();
    chain.feed_mut(USDC_FEED, |f| f.reverts = true);
    assert_reverts(chain.vault().price(USDC), OracleCallFailed { oracle: USDC_FEED });
}

fn chain_with_sequencer(answer: i128, up_since: u64) -> Chain {
    let chain = crate::listed_chain();
    chain.add_feed(SEQUENCER_FEED, 0, answer);
    chain.feed_mut(SEQUENCER_FEED, |f| f.started_at = up_since);
    chain
        .as_(ADMIN)
        .vault()
        .set_sequencer_feed(SEQUENCER_FEED, 3600)
        .unwrap();
    chain
}

#[test]
fn price_reverts_while_sequencer_down() {
    let chain = chain_with_sequencer(1, NOW - 10_000);
    assert_reverts(
        chain.vault().price(USDC),
        SequencerDown {
            feed: SEQUENCER_FEED,
            answer: I256::ONE,
            startedAt: U256::from(NOW - 10_000),
        },
    );
}

#[test]
fn price_reverts_when_sequencer_feed_has_no_round() {
    let chain = chain_with_sequencer(0, 0);
    assert_reverts(
        chain.vault().price(USDC),
        SequencerDown {
            feed: SEQUENCER_FEED,
            answer: I256::ZERO,
            startedAt: U256::ZERO,
        },
    );
}

#[test]
fn price_reverts_during_sequencer_grace_period_then_recovers() {
    let chain = chain_with_sequencer(0, NOW - 3599);
    assert_reverts(
        chain.vault().price(USDC),
        SequencerGracePeriod {
            feed: SEQUENCER_FEED,
            upSince: U256::from(NOW - 3599),
            gracePeriod: U256::from(3600u32),
            timestamp: U256::from(NOW),
        },
    );
    chain.feed_mut(SEQUENCER_FEED, |f| f.started_at = NOW - 3600);
    assert_eq!(chain.vault().price(USDC).unwrap(), U256::from(E18));
}

#[test]
fn collateral_value_applies_haircuts_and_sums_tokens() {
    let chain = crate::funded_chain();
    let mut vault = chain.as_(ALICE).vault();
    vault.deposit(USDC, U256::from(1_000_000_000u64)).unwrap(); // 1,000 USDC
    vault.deposit(WETH, U256::from(2 * E18)).unwrap(); // 2 WETH
                                                       // 1,000 × $1 × 0.98 + 2 × $3,000 × 0.90 = 980 + 5,400
    assert_eq!(
        chain.vault().collateral_value(ALICE).unwrap(),
        I256::from_raw(U256::from(6_380 * E18))
    );
    assert_eq!(chain.vault().collateral_value(BOB).unwrap(), I256::ZERO);
}

#[test]
fn collateral_value_rounds_down() {
    let chain = crate::funded_chain();
    chain.feed_mut(ETH_FEED, |f| {
        f.answer = I256::try_from(300_012_345_678i64).unwrap()
    });
    chain.as_(ALICE).vault().deposit(WETH, U256::from(1u8)).unwrap();
    // 1 wei × $3,000.12345678 × 0.9 = 2,700.111111102e-18 USD -> 2,700 (18-decimal units).
    assert_eq!(
        chain.vault().collateral_value(ALICE).unwrap(),
        I256::from_raw(U256::from(2_700u32))
    );
}

#[test]
fn collateral_value_needs_no_price_for_an_empty_account() {
    let chain = crate::listed_chain();
    chain.feed_mut(USDC_FEED, |f| f.reverts = true);
    assert_eq!(chain.vault().collateral_value(ALICE).unwrap(), I256::ZERO);
}

#[test]
fn collateral_value_reverts_on_stale_price_or_sequencer_down() {
    let chain = crate::funded_chain();
    chain.as_(ALICE).vault().deposit(USDC, U256::from(1u8)).unwrap();
    chain.feed_mut(USDC_FEED, |f| f.updated_at = NOW - 4000);
    assert_reverts(
        chain.vault().collateral_value(ALICE),
        StalePrice {
            oracle: USDC_FEED,
            updatedAt: U256::from(NOW - 4000),
            heartbeat: U256::from(3600u32),
            timestamp: U256::from(NOW),
        },
    );
    chain.feed_mut(USDC_FEED, |f| f.updated_at = NOW);
    chain.add_feed(SEQUENCER_FEED, 0, 1);
    chain
        .as_(ADMIN)
        .vault()
        .set_sequencer_feed(SEQUENCER_FEED, 0)
        .unwrap();
    assert_reverts(
        chain.vault().collateral_value(ALICE),
        SequencerDown {
            feed: SEQUENCER_FEED,
            answer: I256::ONE,
            startedAt: U256::from(NOW),
        },
    );
}
