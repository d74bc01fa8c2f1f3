//! `settle_expired`: expired futures and options leave the account, settled in cash at the feed
//! price against the clearinghouse's own balance in the vault.

use alloy_primitives::U256;
use pm_clearinghouse::errors::*;
use pm_clearinghouse::events::*;

use crate::support::*;

/// The expiry of the tests' dated instruments: one week after `NOW`.
const EXPIRY: u64 = NOW + 7 * DAY;

fn expired_cash(account: alloy_primitives::Address, amount: i128) -> Settlement {
    Settlement {
        account,
        counterparty: CLEARINGHOUSE,
        amount: wad(amount),
    }
}

/// ALICE holds a BTC future, a perp, a 58,000 call and a 50,000 put, all expiring at `EXPIRY`
/// (the perp never does).
fn book_chain() -> Chain {
    let chain = listed_chain();
    trade(&chain, ALICE, future(BTC, EXPIRY), E18, 60_000 * E18);
    trade(&chain, ALICE, perp(BTC), E18 / 2, 60_000 * E18);
    trade(&chain, ALICE, call(BTC, EXPIRY, 58_000), 2 * E18, 3_000 * E18);
    trade(&chain, ALICE, put(BTC, EXPIRY, 50_000), -E18, 100 * E18);
    chain
}

#[test]
fn settle_expired_settles_nothing_before_expiry() {
    let chain = book_chain();
    chain.set_time(EXPIRY - 1);
    let (ledger, calls) = (chain.ledger(), chain.calls().len());
    assert_eq!(chain.as_(BOB).ch().settle_expired(ALICE).unwrap(), 0);
    assert_eq!(chain.ledger(), ledger);
    // No price read and no settlement: nothing called at all.
    assert_eq!(chain.calls().len(), calls);
    assert_eq!(chain.ch().positions(ALICE).0.len(), 4);
}

#[test]
fn settle_expired_settles_at_the_feed_price_from_expiry_and_removes_the_positions() {
    let chain = book_chain();
    let ledger = chain.ledger().len();
    chain.advance_to(EXPIRY);
    chain.set_price(BTC_FEED, 65_000 * 100_000_000);
    let logs = chain.logs().len();
    // Anyone may call it.
    assert_eq!(chain.as_(BOB).ch().settle_expired(ALICE).unwrap(), 3);
    let settled = |instrument, size, value| {
        event(&ExpirySettled {
            account: ALICE,
            instrument,
            size,
            value,
        })
    };
    // Storage order [future, perp, call, put]: the future leaves (the put takes its place and
    // leaves too), then the call; the perp stays.
    assert_eq!(
        chain.logs_since(logs),
        vec![
            settled(future(BTC, EXPIRY), E18, 65_000 * E18),
            settled(put(BTC, EXPIRY, 50_000), -E18, 0),
            settled(call(BTC, EXPIRY, 58_000), 2 * E18, 7_000 * E18),
        ]
    );
    assert_eq!(chain.ch().positions(ALICE), (vec![perp(BTC)], vec![E18 / 2]));
    // 65,000 + 2 · 7,000 + 0, in one settlement against the clearinghouse itself.
    assert_eq!(
        chain.ledger()[ledger..],
        [expired_cash(ALICE, 79_000 * USDC_UNIT)]
    );
    // A second call finds nothing more.
    assert_eq!(chain.ch().settle_expired(ALICE).unwrap(), 0);
    assert_eq!(chain.ledger().len(), ledger + 1);
}

#[test]
fn settle_expired_charges_a_short_rounded_up_and_pays_a_long_rounded_down() {
    let chain = listed_chain();
    trade(&chain, ALICE, future(BTC, EXPIRY), -E18, 60_000 * E18);
    trade(&chain, BOB, future(BTC, EXPIRY), E18, 60_000 * E18);
    let ledger = chain.ledger().len();
    chain.advance_to(EXPIRY + 10);
    // 65,000.000 000 50 USD: half a settlement-token unit above 65,000.
    chain.set_price(BTC_FEED, 6_500_000_000_050);
    assert_eq!(chain.ch().settle_expired(ALICE).unwrap(), 1);
    assert_eq!(chain.ch().settle_expired(BOB).unwrap(), 1);
    assert_eq!(
        chain.ledger()[ledger..],
        [
            expired_cash(ALICE, -65_000_000_001),
            expired_cash(BOB, 65_000_000_000),
        ]
    );
}

#[test]
fn settle_expired_of_an_out_of_the_money_option_only_removes_it() {
    let chain = listed_chain();
    trade(&chain, ALICE, call(BTC, EXPIRY, 70_000), E18, 500 * E18);
    let ledger = chain.ledger().len();
    chain.advance_to(EXPIRY);
    assert_eq!(chain.ch().settle_expired(ALICE).unwrap(), 1);
    chain.assert_last_event(ExpirySettled {
        account: ALICE,
        instrument: call(BTC, EXPIRY, 70_000),
        size: E18,
        value: 0,
    });
    assert_eq!(chain.ch().positions(ALICE), (vec![], vec![]));
    assert_eq!(chain.ledger().len(), ledger, "zero cash is not settled");
}

#[test]
fn settle_expired_of_an_account_without_positions_settles_nothing() {
    let chain = listed_chain();
    assert_eq!(chain.ch().settle_expired(CAROL).unwrap(), 0);
    assert!(chain.ledger().is_empty());
}

#[test]
fn settle_expired_reverts_when_the_feeds_price_is_stale() {
    let chain = book_chain();
    // At expiry, but the feed still carries its round from a week ago.
    chain.set_time(EXPIRY);
    assert_unchanged(
        &chain,
        || chain.ch().settle_expired(ALICE),
        StalePrice {
            oracle: BTC_FEED,
            updatedAt: U256::from(NOW),
            heartbeat: U256::from(HEARTBEAT),
            timestamp: U256::from(EXPIRY),
        },
    );
}

#[test]
fn settle_expired_reverts_when_the_feed_reverts() {
    let chain = book_chain();
    chain.advance_to(EXPIRY);
    chain.feed_mut(BTC_FEED, |f| f.reverts = true);
    assert_unchanged(
        &chain,
        || chain.ch().settle_expired(ALICE),
        OracleCallFailed { oracle: BTC_FEED },
    );
}

#[test]
fn settle_expired_reverts_with_the_vaults_revert_data() {
    // The positions are removed before the vault settles: on-chain the error reverts the whole
    // transaction; here it shows the error only.
    let chain = book_chain();
    chain.advance_to(EXPIRY);
    chain.vault(|v| v.revert_with = Some(b"stop".to_vec()));
    assert_reverts(
        chain.ch().settle_expired(ALICE),
        VaultCallFailed {
            reason: b"stop".to_vec().into(),
        },
    );
}

#[test]
fn an_expired_position_margins_at_its_intrinsic_value_until_settled() {
    let chain = book_chain();
    chain.advance_to(EXPIRY + 1);
    chain.set_price(BTC_FEED, 65_000 * 100_000_000);
    post_vols(&chain);
    let book = [
        (future(BTC, EXPIRY), E18),
        (perp(BTC), E18 / 2),
        (call(BTC, EXPIRY, 58_000), 2 * E18),
        (put(BTC, EXPIRY, 50_000), -E18),
    ];
    let margin = chain.ch().account_margin(ALICE).unwrap();
    assert_eq!(
        margin,
        Model::standard().margin(&chain, chain.collateral_of(ALICE), &book)
    );
    // Settling moves the value into collateral: equity is unchanged.
    chain.ch().settle_expired(ALICE).unwrap();
    assert_eq!(chain.ch().account_margin(ALICE).unwrap().0, margin.0);
}
