//! The parameter table: every write of the risk admin's parameters publishes the stored
//! parameters, the margin checks read the published table, and a table that is not a whole one
//! of the listed underlyings is refused.

use alloy_primitives::{keccak256, Address, B256, U256};
use pm_clearinghouse::errors::*;
use pm_clearinghouse::events::ParamTablePublished;
use pm_clearinghouse::param_table::{FeedSpec, ParamTable};
use pm_clearinghouse::param_words::param_values;
use pm_risk::params::defaults;
use pm_risk::wire::{params_of, scalars_of};

use crate::support::*;

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
    ParamTable::from_code(code, usize::from(ch.underlying_count())).expect("a whole table")
}

/// Asserts that the published table holds exactly the stored parameters: the scalars (as the
/// `riskParams` view reads them from storage), each listed underlying's feed (as the
/// `underlying` view reports it, decimals 8) and its parameter words.
fn assert_table_is_storage(chain: &Chain) {
    let table = published(chain);
    let ch = chain.ch();
    let (levels, scalars, _) = ch.risk_params();
    assert_eq!(table.scalars(), (levels, scalars), "the scalars");
    for k in 0..usize::from(ch.underlying_count()) {
        let (feed, heartbeat, vol_max_age, _, _) = ch.underlying(k as u8).unwrap();
        assert_eq!(
            table.feed(k),
            FeedSpec {
                feed,
                heartbeat,
                vol_max_age,
                decimals: 8
            },
            "underlying {k}'s feed"
        );
        let stored = param_values(&core::array::from_fn(|w| stored_param_word(chain, k, w)));
        assert_eq!(table.params(k), stored, "underlying {k}'s parameters");
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
        "a quarter of the way"
    );

    // A new feed and heartbeat take effect at once, the parameters ramp.
    let mut btc = defaults::BTC;
    btc.liquidity *= 2;
    chain
        .as_(RISK_ADMIN)
        .ch()
        .set_underlying(BTC, ETH_FEED, 7_200, VOL_MAX_AGE, 0, params_of(&btc))
        .unwrap();
    assert_new_table(&chain);
    assert_eq!(published(&chain).feed(0).feed, ETH_FEED);
    ramp_in(&chain);
    assert_new_table(&chain);

    // The risk oracle's updates (vols, correlations) are storage only: no new table.
    let table = chain.ch().param_table();
    chain.advance_to(chain.now() + 3_600);
    post_update(&chain, &[BTC_VOL, ETH_VOL], &[BTC_ETH_CORRELATION]);
    assert_eq!(chain.ch().param_table(), table);
    // Nor does an advance with no ramp under way publish one.
    assert_eq!(chain.ch().advance_ramps().unwrap(), 0);
    assert_eq!(chain.ch().param_table(), table);
}

#[test]
fn a_margin_check_reads_the_published_table_not_the_stored_words() {
    let chain = listed_chain();
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    let margin = chain.ch().account_margin(ALICE).unwrap();
    let request = chain.ch().risk_request(ALICE).unwrap();
    // The stored words alone change (no write of the clearinghouse does this without
    // publishing): the checks do not see it.
    let first = U256::from_be_bytes(keccak256(U256::from(39).to_be_bytes::<32>()).0);
    chain.vm.set_storage(first + U256::from(2), B256::ZERO);
    chain.vm.set_storage(U256::from(6), B256::ZERO);
    assert_eq!(chain.ch().account_margin(ALICE).unwrap(), margin);
    assert_eq!(chain.ch().risk_request(ALICE).unwrap(), request);
}

#[test]
fn a_table_that_is_not_a_whole_one_of_the_listed_underlyings_is_refused() {
    let chain = initialized_chain();
    list(&chain, BTC, BTC_FEED, &defaults::BTC);
    let one_row = chain.ch().param_table();
    list(&chain, ETH, ETH_FEED, &defaults::ETH);
    post_vols(&chain);
    chain.as_(OWNER).ch().set_market(MARKET, true).unwrap();
    chain.as_(ALICE).ch().approve_market(MARKET, true);
    chain.set_collateral(ALICE, COLLATERAL);
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    let record = |table: Address| chain.vm.set_storage(U256::from(TABLE_SLOT), table.into_word());
    // A stale table (one row while two are listed), code that is no table, no code at all.
    for table in [one_row, VAULT, Address::repeat_byte(0x77)] {
        record(table);
        chain.assert_reverts_unchanged(
            || chain.ch().account_margin(ALICE),
            ParamTableUnavailable { table },
        );
    }
    // A trade too (last: the test host does not roll back what a failed call wrote).
    assert_reverts(
        chain
            .as_(MARKET)
            .ch()
            .update_position(ALICE, perp(BTC), -E18, 60_000 * E18),
        ParamTableUnavailable {
            table: Address::repeat_byte(0x77),
        },
    );
}
