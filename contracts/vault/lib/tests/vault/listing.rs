//! Listing collateral and the sequencer feed.

use alloy_primitives::{Address, FixedBytes, U256};
use alloy_sol_types::SolCall;
use pm_common::interfaces::IERC20;
use pm_vault::errors::*;
use pm_vault::events::*;
use pm_vault::haircut_ramp::HAIRCUT_RAMP;

use crate::support::*;

const DAI: Address = Address::repeat_byte(0x14);
const DAI_FEED: Address = Address::repeat_byte(0x24);

fn chain_with_dai() -> Chain {
    let chain = crate::listed_chain();
    chain.add_token(DAI, TokenKind::Standard, 18);
    chain.add_feed(DAI_FEED, 8, 100_000_000);
    chain
}

#[test]
fn set_collateral_lists_token_and_emits() {
    let chain = chain_with_dai();
    chain
        .as_(ADMIN)
        .vault()
        .set_collateral(DAI, DAI_FEED, 500, U256::from(1_000_000u64), 86_400)
        .unwrap();
    chain.assert_last_event(CollateralConfigured {
        token: DAI,
        oracle: DAI_FEED,
        haircutBps: 500,
        depositCap: U256::from(1_000_000u64),
        heartbeat: 86_400,
    });
    let vault = chain.vault();
    assert_eq!(vault.collateral_tokens(), vec![USDC, WETH, DAI]);
    assert_eq!(
        vault.collateral_config(DAI),
        (DAI_FEED, 500, U256::from(1_000_000u64), 86_400, U256::ZERO)
    );
}

#[test]
fn set_collateral_updates_listed_token_in_place_and_ramps_its_haircut() {
    let chain = crate::listed_chain();
    chain
        .as_(ADMIN)
        .vault()
        .set_collateral(USDC, USDC_FEED, 300, U256::from(5u8), 60)
        .unwrap();
    let vault = chain.vault();
    assert_eq!(vault.collateral_tokens(), vec![USDC, WETH]);
    // The feed, cap and heartbeat at once; the haircut (200 bps) ramps to 300 over a day.
    assert_eq!(
        vault.collateral_config(USDC),
        (USDC_FEED, 200, U256::from(5u8), 60, U256::ZERO)
    );
    assert_eq!(vault.haircut_ramp(USDC), (200, 300, 0, HAIRCUT_RAMP));
    assert!(chain.logs().contains(&event(&HaircutRampStarted {
        token: USDC,
        fromBps: 200,
        toBps: 300,
        duration: HAIRCUT_RAMP,
    })));
}

#[test]
fn collateral_config_is_zero_for_unlisted_token() {
    let chain = crate::listed_chain();
    assert_eq!(
        chain.vault().collateral_config(DAI),
        (Address::ZERO, 0, U256::ZERO, 0, U256::ZERO)
    );
}

/// Calls `set_collateral` as `caller` and checks it reverts with `expected` and changes nothing.
fn assert_listing_reverts<E: alloy_sol_types::SolError>(
    chain: &Chain,
    caller: Address,
    args: (Address, Address, u16, u32),
    expected: E,
) {
    let before = chain.storage_snapshot();
    let logs = chain.logs().len();
    let (token, oracle, haircut, heartbeat) = args;
    assert_reverts(
        chain
            .as_(caller)
            .vault()
            .set_collateral(token, oracle, haircut, U256::from(1u8), heartbeat),
        expected,
    );
    assert_eq!(chain.storage_snapshot(), before);
    assert_eq!(chain.logs().len(), logs);
}

#[test]
fn set_collateral_reverts_when_caller_not_risk_admin() {
    let chain = chain_with_dai();
    assert_listing_reverts(
        &chain,
        OWNER,
        (DAI, DAI_FEED, 0, 60),
        NotRiskAdmin { caller: OWNER },
    );
}

#[test]
fn set_collateral_reverts_on_haircut_of_100_percent() {
    let chain = chain_with_dai();
    let e = InvalidHaircut {
        haircutBps: U256::from(10_000u16),
        maxBps: U256::from(10_000u16),
    };
    assert_listing_reverts(&chain, ADMIN, (DAI, DAI_FEED, 10_000, 60), e);
    // 9,999 bps is the highest accepted haircut.
    chain
        .as_(ADMIN)
        .vault()
        .set_collateral(DAI, DAI_FEED, 9_999, U256::ZERO, 60)
        .unwrap();
}

#[test]
fn set_collateral_reverts_on_zero_or_too_long_heartbeat() {
    let chain = chain_with_dai();
    let max = U256::from(7u32 * 24 * 3600);
    let zero = InvalidHeartbeat {
        heartbeat: U256::ZERO,
        maxSeconds: max,
    };
    assert_listing_reverts(&chain, ADMIN, (DAI, DAI_FEED, 0, 0), zero);
    let long = InvalidHeartbeat {
        heartbeat: max + U256::from(1u8),
        maxSeconds: max,
    };
    assert_listing_reverts(&chain, ADMIN, (DAI, DAI_FEED, 0, 7 * 24 * 3600 + 1), long);
}

#[test]
fn set_collateral_reverts_when_token_or_oracle_has_no_code() {
    let chain = chain_with_dai();
    let nobody = Address::repeat_byte(0x77);
    assert_listing_reverts(
        &chain,
        ADMIN,
        (nobody, DAI_FEED, 0, 60),
        NotAContract { account: nobody },
    );
    assert_listing_reverts(
        &chain,
        ADMIN,
        (DAI, nobody, 0, 60),
        NotAContract { account: nobody },
    );
}

#[test]
fn set_collateral_reverts_when_token_or_feed_call_fails() {
    let chain = chain_with_dai();
    chain.set_token_kind(DAI, TokenKind::Reverts);
    let e = TokenCallFailed {
        token: DAI,
        selector: FixedBytes(IERC20::decimalsCall::SELECTOR),
    };
    assert_listing_reverts(&chain, ADMIN, (DAI, DAI_FEED, 0, 60), e);

    chain.set_token_kind(DAI, TokenKind::Standard);
    chain.feed_mut(DAI_FEED, |f| f.reverts = true);
    assert_listing_reverts(
        &chain,
        ADMIN,
        (DAI, DAI_FEED, 0, 60),
        OracleCallFailed { oracle: DAI_FEED },
    );
}

#[test]
fn set_collateral_reverts_on_more_than_36_decimals() {
    let chain = chain_with_dai();
    let odd = Address::repeat_byte(0x15);
    chain.add_token(odd, TokenKind::Standard, 37);
    let e = UnsupportedDecimals {
        source: odd,
        decimals: U256::from(37u8),
        maxDecimals: U256::from(36u8),
    };
    assert_listing_reverts(&chain, ADMIN, (odd, DAI_FEED, 0, 60), e);

    chain.feed_mut(DAI_FEED, |f| f.decimals = 37);
    let e = UnsupportedDecimals {
        source: DAI_FEED,
        decimals: U256::from(37u8),
        maxDecimals: U256::from(36u8),
    };
    assert_listing_reverts(&chain, ADMIN, (DAI, DAI_FEED, 0, 60), e);
}

/// 36 decimals each are fine alone, but not together: the valuation (and a liquidation's sale)
/// of the token must fit 256 bits. The feed counts as at least 18 decimals.
#[test]
fn set_collateral_reverts_on_more_than_54_decimals_for_token_and_feed_together() {
    let chain = chain_with_dai();
    let wide = Address::repeat_byte(0x16);
    chain.add_token(wide, TokenKind::Standard, 36);
    chain.feed_mut(DAI_FEED, |f| f.decimals = 19);
    let e = UnsupportedDecimals {
        source: wide,
        decimals: U256::from(55u8),
        maxDecimals: U256::from(54u8),
    };
    assert_listing_reverts(&chain, ADMIN, (wide, DAI_FEED, 0, 60), e);
    // With an 8-decimal feed (counted as 18) a 36-decimal token lists.
    chain.feed_mut(DAI_FEED, |f| f.decimals = 8);
    chain
        .as_(ADMIN)
        .vault()
        .set_collateral(wide, DAI_FEED, 0, U256::from(1u8), 60)
        .unwrap();
}

#[test]
fn set_collateral_reverts_when_feed_is_stale_now() {
    let chain = chain_with_dai();
    chain.feed_mut(DAI_FEED, |f| f.updated_at = NOW - 61);
    let e = StalePrice {
        oracle: DAI_FEED,
        updatedAt: U256::from(NOW - 61),
        heartbeat: U256::from(60u8),
        timestamp: U256::from(NOW),
    };
    assert_listing_reverts(&chain, ADMIN, (DAI, DAI_FEED, 0, 60), e);
}

#[test]
fn set_collateral_reverts_beyond_16_tokens() {
    let chain = crate::listed_chain();
    for i in 0..14u8 {
        let token = Address::repeat_byte(0x40 + i);
        chain.add_token(token, TokenKind::Standard, 18);
        chain
            .as_(ADMIN)
            .vault()
            .set_collateral(token, USDC_FEED, 0, U256::ZERO, 60)
            .unwrap();
    }
    assert_eq!(chain.vault().collateral_tokens().len(), 16);
    let extra = Address::repeat_byte(0x60);
    chain.add_token(extra, TokenKind::Standard, 18);
    let e = TooManyCollaterals {
        max: U256::from(16u8),
    };
    assert_listing_reverts(&chain, ADMIN, (extra, USDC_FEED, 0, 60), e);
    // Updating an already listed token still works at the limit.
    chain
        .as_(ADMIN)
        .vault()
        .set_collateral(USDC, USDC_FEED, 100, U256::ZERO, 60)
        .unwrap();
}

#[test]
fn set_sequencer_feed_sets_and_clears() {
    let chain = crate::listed_chain();
    chain.add_feed(SEQUENCER_FEED, 0, 0);
    chain
        .as_(ADMIN)
        .vault()
        .set_sequencer_feed(SEQUENCER_FEED, 3600)
        .unwrap();
    chain.assert_last_event(SequencerFeedSet {
        feed: SEQUENCER_FEED,
        gracePeriod: 3600,
    });
    let c = chain.vault().config();
    assert_eq!((c.3, c.4), (SEQUENCER_FEED, 3600));
    chain
        .as_(ADMIN)
        .vault()
        .set_sequencer_feed(Address::ZERO, 0)
        .unwrap();
    let c = chain.vault().config();
    assert_eq!((c.3, c.4), (Address::ZERO, 0));
}

#[test]
fn set_sequencer_feed_reverts_on_bad_input() {
    let chain = crate::listed_chain();
    chain.add_feed(SEQUENCER_FEED, 0, 0);
    let before = chain.storage_snapshot();
    assert_reverts(
        chain.as_(OWNER).vault().set_sequencer_feed(SEQUENCER_FEED, 60),
        NotRiskAdmin { caller: OWNER },
    );
    assert_reverts(
        chain
            .as_(ADMIN)
            .vault()
            .set_sequencer_feed(SEQUENCER_FEED, 86_401),
        InvalidGracePeriod {
            gracePeriod: U256::from(86_401u32),
            maxSeconds: U256::from(86_400u32),
        },
    );
    let nobody = Address::repeat_byte(0x77);
    assert_reverts(
        chain.as_(ADMIN).vault().set_sequencer_feed(nobody, 60),
        NotAContract { account: nobody },
    );
    assert_eq!(chain.storage_snapshot(), before);
}
