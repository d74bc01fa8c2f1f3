//! Expiry: expired options settle at the feed price and leave both books.
//!
//! Needs `script/build-wasm.sh` and `forge build` first (script/test.sh runs both before this).
#![cfg(feature = "e2e")]

mod common;

use alloy_sol_types::SolCall;
use common::*;
use pm_e2e::deployment::{IClearinghouse, E18, E8};

/// An expired call settles at the feed price: the holder is paid the intrinsic value, the writer
/// pays it, and both positions leave.
#[test]
fn expired_options_settle_at_the_feed_price() {
    let mut e = engine();
    let (alice, bob) = (e.chain.accounts[1], e.chain.accounts[2]);
    e.open_account(alice, 100_000).unwrap();
    e.open_account(bob, 100_000).unwrap();
    let expiry = e.chain.timestamp() + DAY;
    let call = e.list_option(0, true, expiry, 60_000 * E8 as u128).unwrap();
    let r = e
        .trade(e.options, alice, bob, &[(call, 2 * E18, 5_500 * E18)])
        .unwrap();
    assert!(r.status, "{r:?}");
    assert_eq!(positions(&mut e, alice), (vec![call], vec![2 * E18]));

    e.chain.advance(DAY + 1);
    e.set_price(0, 66_000 * E8).unwrap();
    e.refresh_usdc_feed().unwrap();
    e.post_vols().unwrap();
    for account in [alice, bob] {
        let r = e.send(
            account,
            e.clearinghouse,
            IClearinghouse::settleExpiredCall { account }.abi_encode(),
        );
        assert!(r.status, "{r:?}");
        assert_eq!(positions(&mut e, account), (vec![], vec![]));
    }
    // 100,000 − 11,000 premium + 2 × 6,000 intrinsic; the writer the mirror image.
    assert_eq!(e.collateral_value(alice).unwrap(), wad(101_000 * E18));
    assert_eq!(e.collateral_value(bob).unwrap(), wad(99_000 * E18));
}
