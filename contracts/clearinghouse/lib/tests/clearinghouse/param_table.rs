//! The parameter table: every write of what it holds (the risk admin's parameters and feeds,
//! the risk oracle's vols and correlations) publishes what is stored, the margin checks read the
//! published table, and code that is not a whole table is refused.

use alloy_primitives::{keccak256, Address, B256, U256};
use pm_clearinghouse::errors::*;
use pm_clearinghouse::events::ParamTablePublished;
use pm_clearinghouse::param_table::{FeedSpec, ParamTable};
use pm_clearinghouse::param_words::param_values;
use pm_risk::params::defaults;
use pm_risk::wire::{params_of, scalars_of};

use crate::support::*;

/// A BTC feed answering with 18 decimals.
const BTC_FEED_18: Address = Address::repeat_byte(0x2B);

/// The storage slot of the recorded table ([`pm_clearinghouse::storage`]).
const TABLE_SLOT: u64 = 212;

fn raw(chain: &Chain, slot: U256) -> U256 {
    chain
        .storage_snapshot()
        .into_iter()
        .find(|(s, _)| *s == slot)
        .map(|(_, v)| U256::from_be_bytes(v.0))
        .unwrap_or_default()
}

/// Parameter word `w` of listed underlying `k` as stored (the list at slot 39, five words each,
/// the parameters from the third).
fn stored_param_word(chain: &Chain, k: usize, w: usize) -> U256 {
    let first = U256::from_be_bytes(keccak256(U256::from(39).to_be_bytes::<32>()).0);
    raw(chain, first + U256::from(5 * k + 2 + w))
}

/// The published table, read back from its contract's code as a margin check reads it.
fn published(chain: &Chain) -> ParamTable {
    let ch = chain.ch();
    let code = stylus_sdk::prelude::AccountAccess::code(chain, ch.param_table());
    ParamTable::from_code(code).expect("a whole table")
}

/// Asserts that the published table holds exactly what is stored: the risk program and the
/// vault (as the `config` view reads them), the scalars and correlations (as `riskParams` reads them from
/// storage, the pairs row by row), each listed underlying's feed, vol and when it was posted (as
/// `underlying` reports them, the decimals its feed answers) and its parameter words.
fn assert_table_is_storage(chain: &Chain) {
    let table = published(chain);
    let ch = chain.ch();
    assert_eq!(table.risk_program(), ch.config().3, "the risk program");
    assert_eq!(table.vault(), ch.config().2, "the vault");
    let (levels, scalars, correlations) = ch.risk_params();
    assert_eq!(table.scalars(), (levels, scalars), "the scalars");
    let n = usize::from(ch.underlying_count());
    assert_eq!(table.listed(), n);
    let mut pairs = correlations.iter();
    for i in 0..n {
        for j in i + 1..n {
            assert_eq!(
                Some(&table.correlation(i, j)),
                pairs.next(),
                "correlation {i}, {j}"
            );
        }
    }
    for k in 0..n {
        let (feed, heartbeat, vol_max_age, vol, posted) = ch.underlying(k as u8).unwrap();
        assert_eq!(
            table.market(k),
            pm_clearinghouse::words::word_of(vol, i128::from(posted)),
            "underlying {k}'s vol"
        );
        assert_eq!(
            table.feed(k),
            FeedSpec {
                feed,
                heartbeat,
                vol_max_age,
                decimals: chain.feed_mut(feed, |f| f.decimals),
            },
            "underlying {k}'s feed"
        );
        let stored = param_values(&core::array::from_fn(|w| stored_param_word(chain, k, w)));
        assert_eq!(table.row_of(k).params, stored, "underlying {k}'s parameters");
    }
}

#[test]
fn every_parameter_write_publishes_a_table_of_the_stored_parameters() {
    let chain = initialized_chain();
    assert_table_is_storage(&chain);
    let mut tables = vec![chain.ch().param_table()];
    let mut assert_new_table = |chain: &Chain| {
        assert_table_is_storage(chain);
        let table = chain.ch().param_table();
        assert!(!tables.contains(&table), "a new table at each write");
        assert!(
            chain.logs().contains(&event(&ParamTablePublished { table })),
            "ParamTablePublished"
        );
        tables.push(table);
    };
    list(&chain, BTC, BTC_FEED, &defaults::BTC);
    assert_table_is_storage(&chain);
    list(&chain, ETH, ETH_FEED, &defaults::ETH);
    assert_table_is_storage(&chain);

    // A change of the scalars ramps in: the table follows every advance.
    let mut risk = defaults::risk(&[]);
    risk.mm_factor = risk.mm_factor * 3 / 2;
    let before = published(&chain);
    chain
        .as_(RISK_ADMIN)
        .ch()
        .set_risk_params(risk.grid_levels, scalars_of(&risk))
        .unwrap();
    assert_new_table(&chain);
    advance_hours(&chain, 3);
    assert_new_table(&chain);
    assert_ne!(
        published(&chain).scalars(),
        before.scalars(),
        "an eighth of the way"
    );
    // Advanced again in the same block, the ramp does not move: no new table.
    let table = chain.ch().param_table();
    assert_eq!(chain.ch().advance_ramps().unwrap(), 1);
    assert_eq!(chain.ch().param_table(), table);

    // A new feed (of 18 decimals) and heartbeat take effect at once, the parameters ramp.
    chain.add_feed(BTC_FEED_18, 18, 60_000 * E18);
    let mut btc = defaults::BTC;
    btc.liquidity *= 2;
    chain
        .as_(RISK_ADMIN)
        .ch()
        .set_underlying(BTC, BTC_FEED_18, 7_200, VOL_MAX_AGE, 0, params_of(&btc))
        .unwrap();
    assert_new_table(&chain);
    assert_eq!(published(&chain).feed(0).feed, BTC_FEED_18);
    assert_eq!(published(&chain).feed(0).decimals, 18);
    ramp_in(&chain);
    assert_new_table(&chain);

    // The risk oracle's updates (vols, correlations) publish one too.
    chain.advance_to(chain.now() + 3_600);
    post_update(
        &chain,
        &[BTC_VOL * 4 / 5, ETH_VOL],
        &[BTC_ETH_CORRELATION - E18 / 10],
    );
    assert_new_table(&chain);
    assert_eq!(
        published(&chain).correlation(0, 1),
        BTC_ETH_CORRELATION - E18 / 10
    );
    // An advance with no ramp under way publishes none.
    let table = chain.ch().param_table();
    assert_eq!(chain.ch().advance_ramps().unwrap(), 0);
    assert_eq!(chain.ch().param_table(), table);
}

#[test]
fn a_margin_check_reads_the_published_table_not_the_stored_words() {
    let chain = listed_chain();
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    trade(&chain, ALICE, perp(ETH), -E18, 3_000 * E18);
    let margin = chain.ch().account_margin(ALICE).unwrap();
    let request = chain.ch().risk_request(ALICE).unwrap();
    // The stored words alone change (no write of the clearinghouse does this without
    // publishing): BTC's vol and first parameter word, the scalars' first word, the
    // correlations' first word. The checks do not see it.
    let first = U256::from_be_bytes(keccak256(U256::from(39).to_be_bytes::<32>()).0);
    for slot in [
        first + U256::from(1),
        first + U256::from(2),
        U256::from(6),
        U256::from(9),
    ] {
        chain.vm.set_storage(slot, B256::ZERO);
    }
    assert_eq!(chain.ch().account_margin(ALICE).unwrap(), margin);
    assert_eq!(chain.ch().risk_request(ALICE).unwrap(), request);
    // The control: once published (an advance finds the table stale), the same words do change
    // the check (BTC has no vol now).
    chain.ch().advance_ramps().unwrap();
    assert_reverts(
        chain.ch().account_margin(ALICE),
        StaleVolatility {
            underlying: U256::from(BTC),
            updatedAt: U256::ZERO,
            maxAge: U256::from(VOL_MAX_AGE),
            timestamp: U256::from(chain.now()),
        },
    );
}

#[test]
fn code_that_is_no_whole_table_is_refused_and_so_is_a_table_without_the_books_underlying() {
    let chain = initialized_chain();
    list(&chain, BTC, BTC_FEED, &defaults::BTC);
    let one_row = chain.ch().param_table();
    list(&chain, ETH, ETH_FEED, &defaults::ETH);
    post_vols(&chain);
    chain.as_(OWNER).ch().set_market(MARKET, true).unwrap();
    chain.as_(ALICE).ch().approve_market(MARKET, true);
    chain.set_collateral(ALICE, COLLATERAL);
    trade(&chain, ALICE, perp(ETH), E18, 3_000 * E18);
    let record = |table: Address| chain.vm.set_storage(U256::from(TABLE_SLOT), table.into_word());
    // Code that is no table, no code at all.
    for table in [VAULT, Address::repeat_byte(0x77)] {
        record(table);
        chain.assert_reverts_unchanged(
            || chain.ch().account_margin(ALICE),
            ParamTableUnavailable { table },
        );
    }
    // A whole table, but one from before ETH was listed (never recorded: every listing
    // publishes): the book's underlying is unknown to it.
    record(one_row);
    chain.assert_reverts_unchanged(
        || chain.ch().account_margin(ALICE),
        UnknownUnderlying {
            index: U256::from(ETH),
        },
    );
    // A trade too (last: the test host does not roll back what a failed call wrote).
    record(Address::repeat_byte(0x77));
    assert_reverts(
        chain
            .as_(MARKET)
            .ch()
            .update_position(ALICE, perp(ETH), -E18, 3_000 * E18),
        ParamTableUnavailable {
            table: Address::repeat_byte(0x77),
        },
    );
}

#[test]
fn where_no_table_is_recorded_checks_refuse_and_anyone_advancing_the_ramps_publishes_one() {
    let chain = listed_chain();
    ramp_in(&chain);
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    let margin = chain.ch().account_margin(ALICE).unwrap();
    // A clearinghouse whose table word is empty (as one deployed before tables would be).
    chain.vm.set_storage(U256::from(TABLE_SLOT), B256::ZERO);
    chain.assert_reverts_unchanged(
        || chain.ch().account_margin(ALICE),
        ParamTableUnavailable { table: Address::ZERO },
    );
    // No ramp is under way, yet the advance publishes the stored parameters.
    assert_eq!(chain.as_(CAROL).ch().advance_ramps().unwrap(), 0);
    assert_table_is_storage(&chain);
    assert_eq!(chain.ch().account_margin(ALICE).unwrap(), margin);
}
