//! The collateral table: every write of what it holds (a listing, a haircut that moves, the
//! sequencer feed) publishes what is stored, a valuation reads the published table, and code that
//! is not a whole table is refused.

use alloy_primitives::{Address, I256, U256};
use pm_vault::collateral_table::CollateralTable;
use pm_vault::errors::*;
use pm_vault::events::*;
use pm_vault::Pricing;

use crate::support::*;

/// The storage slot of the recorded table ([`pm_vault::storage`]).
const TABLE_SLOT: u64 = 14;

const E18: i128 = 1_000_000_000_000_000_000;

/// The published table, read back from its contract's code as a valuation reads it.
fn published(chain: &Chain) -> CollateralTable {
    let code = stylus_sdk::prelude::AccountAccess::code(chain, chain.vault().collateral_table());
    CollateralTable::from_code(code).expect("a whole table")
}

/// Asserts that the published table holds exactly what is stored: the sequencer feed and its
/// grace period (as `config` reads them), the listed tokens in order (as `collateralTokens`
/// does), each one's feed, heartbeat and haircut (as `collateralConfig` does) and decimals (as
/// the token and its feed answer them).
fn assert_table_is_storage(chain: &Chain, decimals: &[(Address, u8, u8)]) {
    let table = published(chain);
    let vault = chain.vault();
    let config = vault.config();
    assert_eq!(table.sequencer(), (config.3, config.4), "the sequencer feed");
    let tokens = vault.collateral_tokens();
    assert_eq!(table.listed(), tokens.len());
    for (i, token) in tokens.iter().enumerate() {
        let (oracle, haircut_bps, _, heartbeat, _) = vault.collateral_config(*token);
        let (_, token_decimals, oracle_decimals) =
            *decimals.iter().find(|(t, _, _)| t == token).expect("decimals");
        let want = Pricing {
            oracle,
            heartbeat,
            haircut_bps,
            token_decimals,
            oracle_decimals,
        };
        assert_eq!(table.token(i), Some((*token, want)), "token {i}");
    }
}

/// USDC (6 decimals, 8-decimal feed) and WETH (18, 8).
const DECIMALS: [(Address, u8, u8); 2] = [(USDC, 6, 8), (WETH, 18, 8)];

/// Asserts the last two logs: `CollateralTablePublished` of the recorded table, then `then`.
fn assert_published_then<E: alloy_sol_types::SolEvent>(chain: &Chain, then: E) {
    let logs = chain.logs();
    let table = chain.vault().collateral_table();
    assert_ne!(table, Address::ZERO);
    assert_eq!(logs[logs.len() - 2], event(&CollateralTablePublished { table }));
    chain.assert_last_event(then);
}

#[test]
fn every_listing_and_sequencer_feed_publishes_what_is_stored() {
    let chain = crate::unlisted_chain();
    // Nothing listed, no table: a valuation reads the empty table.
    assert_eq!(chain.vault().collateral_table(), Address::ZERO);
    assert_eq!(chain.vault().collateral_value(ALICE).unwrap(), I256::ZERO);
    let mut seen = vec![Address::ZERO];
    let mut admin = chain.as_(ADMIN).vault();
    for (token, feed, haircut) in [(USDC, USDC_FEED, 200u16), (WETH, ETH_FEED, 1_000)] {
        admin
            .set_collateral(token, feed, haircut, U256::from(10u128.pow(24)), 3600)
            .unwrap();
        assert_published_then(
            &chain,
            CollateralConfigured {
                token,
                oracle: feed,
                haircutBps: haircut,
                depositCap: U256::from(10u128.pow(24)),
                heartbeat: 3600,
            },
        );
        assert_table_is_storage(&chain, &DECIMALS);
        seen.push(chain.vault().collateral_table());
    }
    chain.add_feed(SEQUENCER_FEED, 0, 0);
    chain.feed_mut(SEQUENCER_FEED, |f| f.started_at = NOW - 7_200);
    admin.set_sequencer_feed(SEQUENCER_FEED, 3600).unwrap();
    assert_published_then(
        &chain,
        SequencerFeedSet {
            feed: SEQUENCER_FEED,
            gracePeriod: 3600,
        },
    );
    assert_table_is_storage(&chain, &DECIMALS);
    assert_eq!(published(&chain).sequencer(), (SEQUENCER_FEED, 3600));
    // Each write a new contract.
    seen.push(chain.vault().collateral_table());
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 4);
    // A sequencer outage in the table stops every valuation.
    chain.feed_mut(SEQUENCER_FEED, |f| f.answer = I256::ONE);
    assert_reverts(
        chain.vault().collateral_value(ALICE),
        SequencerDown {
            feed: SEQUENCER_FEED,
            answer: I256::ONE,
            startedAt: U256::from(NOW - 7_200),
        },
    );
}

#[test]
fn a_haircut_advance_publishes_only_when_the_haircut_moves_and_valuations_follow_it() {
    let chain = crate::listed_chain();
    crate::deposit_weth(&chain, 10u128.pow(18));
    // $3,000 at 10%.
    assert_eq!(
        chain.vault().collateral_value(ALICE).unwrap(),
        I256::try_from(2_700 * E18).unwrap()
    );
    chain
        .as_(ADMIN)
        .vault()
        .set_collateral(WETH, ETH_FEED, 5_000, U256::from(10u128.pow(24)), 3600)
        .unwrap();
    let ramping = chain.vault().collateral_table();
    assert_table_is_storage(&chain, &DECIMALS);
    // Advanced at once: the haircut has not moved, nothing is published.
    let logs = chain.logs().len();
    assert_eq!(chain.as_(BOB).vault().advance_haircut(WETH).unwrap(), 1_000);
    assert_eq!(chain.vault().collateral_table(), ramping);
    assert!(chain
        .logs_since(logs)
        .iter()
        .all(|log| *log != event(&CollateralTablePublished { table: ramping })));
    // An hour on, it moved (1/24 of the way): a new table, and the valuation reads it.
    chain.set_time(NOW + 3_600);
    for feed in [USDC_FEED, ETH_FEED] {
        chain.feed_mut(feed, |f| f.updated_at = NOW + 3_600);
    }
    let haircut = chain.as_(BOB).vault().advance_haircut(WETH).unwrap();
    assert!(haircut > 1_000 && haircut < 5_000);
    assert_ne!(chain.vault().collateral_table(), ramping);
    assert_table_is_storage(&chain, &DECIMALS);
    let want = 3_000 * E18 * i128::from(10_000 - haircut) / 10_000;
    assert_eq!(
        chain.vault().collateral_value(ALICE).unwrap(),
        I256::try_from(want).unwrap()
    );
}

#[test]
fn code_that_is_no_whole_table_is_refused_and_a_valuation_reads_only_the_recorded_table() {
    let chain = crate::unlisted_chain();
    let mut admin = chain.as_(ADMIN).vault();
    admin
        .set_collateral(USDC, USDC_FEED, 200, U256::from(10u128.pow(24)), 3600)
        .unwrap();
    let usdc_only = chain.vault().collateral_table();
    admin
        .set_collateral(WETH, ETH_FEED, 1_000, U256::from(10u128.pow(24)), 3600)
        .unwrap();
    crate::deposit_weth(&chain, 10u128.pow(18));
    assert_eq!(
        chain.vault().collateral_value(ALICE).unwrap(),
        I256::try_from(2_700 * E18).unwrap()
    );
    let record = |table: Address| chain.vm.set_storage(U256::from(TABLE_SLOT), table.into_word());
    // Code that is no table (a contract's), no code at all: refused, nothing changed.
    for table in [USDC_FEED, Address::repeat_byte(0x77)] {
        record(table);
        chain.assert_reverts_unchanged(
            || chain.vault().collateral_value(ALICE),
            CollateralTableUnavailable { table },
        );
    }
    // A whole table from before WETH was listed (never recorded so: every listing publishes):
    // the valuation reads it, not the listing in storage, so WETH counts for nothing.
    record(usdc_only);
    assert_eq!(chain.vault().collateral_value(ALICE).unwrap(), I256::ZERO);
}
