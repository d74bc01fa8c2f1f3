//! `withdrawable`: the token units an account can take out now: its free collateral at the
//! token's haircut price, rounded down, capped by its balance; the settlement token has no
//! haircut and no cap (beyond the balance it becomes debt).

use alloy_primitives::{Address, Bytes, FixedBytes, U256};
use alloy_sol_types::SolCall;
use pm_clearinghouse::errors::*;
use pm_common::interfaces::IERC20;

use crate::support::*;

const EXPIRY: u64 = NOW + 30 * DAY;
/// A token with a feed that reverts every call, listed in the vault.
const BROKEN: Address = Address::repeat_byte(0x19);

fn withdrawable(chain: &Chain, account: Address, token: Address) -> Result<U256> {
    chain.ch().withdrawable(account, token)
}

fn set_balance(chain: &Chain, account: Address, token: Address, amount: U256) {
    chain.vault(|v| v.balances.insert((account, token), amount));
}

/// `free · 10^decimals · 10,000 / (price · kept)`, rounded down, from the test's own numbers.
fn expected(free: U256, decimals: u8, price: U256, kept_bps: u64) -> U256 {
    free * U256::from(10).pow(U256::from(decimals)) * U256::from(10_000) / (price * U256::from(kept_bps))
}

fn usd_wad(v: i128) -> U256 {
    U256::try_from(v).unwrap()
}

#[test]
fn withdrawable_is_zero_for_a_token_the_vault_does_not_list() {
    let chain = listed_chain();
    let calls = chain.calls().len();
    assert_eq!(withdrawable(&chain, ALICE, BROKEN).unwrap(), U256::ZERO);
    // One question to the vault, nothing else.
    let new = &chain.calls()[calls..];
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].to, VAULT);
}

#[test]
fn withdrawable_of_the_settlement_token_is_the_free_collateral_beyond_the_balance() {
    let chain = listed_chain();
    set_balance(&chain, ALICE, USDC, U256::from(1_000 * USDC_UNIT));
    assert_eq!(
        withdrawable(&chain, ALICE, USDC).unwrap(),
        U256::from(100_000 * USDC_UNIT)
    );
}

#[test]
fn withdrawable_of_the_settlement_token_ignores_its_haircut_and_uses_its_price() {
    let chain = listed_chain();
    chain.vault(|v| v.collaterals.get_mut(&USDC).unwrap().haircut_bps = 500);
    chain.set_price(USDC_FEED, 99_000_000); // $0.99
    assert_eq!(
        withdrawable(&chain, ALICE, USDC).unwrap(),
        expected(usd_wad(COLLATERAL), 6, usd_wad(99 * E18 / 100), 10_000)
    );
}

#[test]
fn withdrawable_of_a_haircut_token_is_the_free_collateral_at_the_haircut_price_capped_by_the_balance() {
    let chain = listed_chain();
    // $100,000 free at $3,000 less 10%: 37.037… WETH.
    let uncapped = expected(usd_wad(COLLATERAL), 18, usd_wad(3_000 * E18), 9_000);
    assert_eq!(uncapped, U256::from(37_037_037_037_037_037_037u128));
    set_balance(&chain, ALICE, WETH, U256::from(50 * E18));
    assert_eq!(withdrawable(&chain, ALICE, WETH).unwrap(), uncapped);
    set_balance(&chain, ALICE, WETH, U256::from(10 * E18));
    assert_eq!(withdrawable(&chain, ALICE, WETH).unwrap(), U256::from(10 * E18));
}

#[test]
fn withdrawable_uses_the_free_collateral_the_real_margin_leaves() {
    let chain = listed_chain();
    trade(&chain, ALICE, call(BTC, EXPIRY, 62_000), -3 * E18, 2_400 * E18);
    trade(&chain, ALICE, perp(ETH), 5 * E18, 3_000 * E18);
    let book = [(call(BTC, EXPIRY, 62_000), -3 * E18), (perp(ETH), 5 * E18)];
    let free = Model::standard()
        .margin(&chain, chain.collateral_of(ALICE), &book)
        .5;
    assert!(free > alloy_primitives::I256::ZERO && free < wad(COLLATERAL));
    let free = free.into_raw();
    assert_eq!(
        withdrawable(&chain, ALICE, USDC).unwrap(),
        expected(free, 6, usd_wad(E18), 10_000)
    );
    set_balance(&chain, ALICE, WETH, U256::from(1_000 * E18));
    assert_eq!(
        withdrawable(&chain, ALICE, WETH).unwrap(),
        expected(free, 18, usd_wad(3_000 * E18), 9_000)
    );
}

/// Lists `token` (a fake with `decimals`) in the vault at the ETH feed with a 10% haircut and
/// gives ALICE a large balance of it.
fn list_token(chain: &Chain, token: Address, decimals: u8) {
    chain.add_token(token, TokenKind::Standard, decimals);
    chain.vault(|v| {
        v.collaterals.insert(
            token,
            Collateral {
                oracle: ETH_FEED,
                haircut_bps: 1_000,
                heartbeat: 3_600,
            },
        )
    });
    set_balance(chain, ALICE, token, U256::MAX);
}

#[test]
fn withdrawable_answers_for_a_token_with_thirty_four_decimals() {
    let chain = listed_chain();
    let token = Address::repeat_byte(0x34);
    list_token(&chain, token, 34);
    assert_eq!(
        withdrawable(&chain, ALICE, token).unwrap(),
        expected(usd_wad(COLLATERAL), 34, usd_wad(3_000 * E18), 9_000)
    );
}

/// The vault lists tokens with up to 36 decimals (`pm_common::scaling::MAX_DECIMALS`): 10^36 ·
/// 10,000 does not fit `int128`, so the 256-bit floor multiplies the free collateral by 10,000
/// instead and the answer (3.7e37 units here) comes back exact.
#[test]
fn withdrawable_answers_for_a_token_with_thirty_six_decimals() {
    let chain = listed_chain();
    let token = Address::repeat_byte(0x36);
    list_token(&chain, token, 36);
    let answer = expected(usd_wad(COLLATERAL), 36, usd_wad(3_000 * E18), 9_000);
    assert!(answer < U256::from(i128::MAX as u128));
    assert_eq!(withdrawable(&chain, ALICE, token).unwrap(), answer);
}

#[test]
fn withdrawable_is_zero_without_free_collateral() {
    let chain = listed_chain();
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    set_balance(&chain, ALICE, WETH, U256::from(10 * E18));
    chain.set_collateral(ALICE, 1_000 * E18);
    assert_eq!(withdrawable(&chain, ALICE, USDC).unwrap(), U256::ZERO);
    assert_eq!(withdrawable(&chain, ALICE, WETH).unwrap(), U256::ZERO);
    chain.set_collateral(CAROL, -E18);
    assert_eq!(withdrawable(&chain, CAROL, USDC).unwrap(), U256::ZERO);
}

#[test]
fn withdrawable_reverts_when_the_tokens_decimals_call_fails() {
    let chain = listed_chain();
    chain.add_token(BROKEN, TokenKind::Reverts, 18);
    chain.vault(|v| {
        v.collaterals.insert(
            BROKEN,
            Collateral {
                oracle: ETH_FEED,
                haircut_bps: 0,
                heartbeat: 3_600,
            },
        )
    });
    assert_unchanged(
        &chain,
        || withdrawable(&chain, ALICE, BROKEN),
        TokenCallFailed {
            token: BROKEN,
            selector: FixedBytes(IERC20::decimalsCall::SELECTOR),
        },
    );
}

#[test]
fn withdrawable_reverts_when_the_tokens_feed_reverts() {
    let chain = listed_chain();
    chain.feed_mut(USDC_FEED, |f| f.reverts = true);
    assert_unchanged(
        &chain,
        || withdrawable(&chain, ALICE, USDC),
        OracleCallFailed { oracle: USDC_FEED },
    );
}

#[test]
fn withdrawable_reverts_when_the_tokens_price_is_older_than_the_vaults_heartbeat() {
    let chain = listed_chain();
    let later = NOW + 3_601;
    chain.set_time(later);
    // USDC's heartbeat in the vault is a day: still fresh. WETH's is an hour.
    assert_eq!(
        withdrawable(&chain, ALICE, USDC).unwrap(),
        U256::from(100_000 * USDC_UNIT)
    );
    assert_unchanged(
        &chain,
        || withdrawable(&chain, ALICE, WETH),
        StalePrice {
            oracle: ETH_FEED,
            updatedAt: U256::from(NOW),
            heartbeat: U256::from(3_600),
            timestamp: U256::from(later),
        },
    );
}

#[test]
fn withdrawable_reverts_with_the_vaults_revert_data() {
    let chain = listed_chain();
    chain.vault(|v| v.revert_with = Some(b"down".to_vec()));
    assert_unchanged(
        &chain,
        || withdrawable(&chain, ALICE, USDC),
        VaultCallFailed {
            reason: Bytes::from_static(b"down"),
        },
    );
}

#[test]
fn withdrawable_reverts_with_the_errors_of_the_margin_check() {
    let chain = listed_chain();
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    chain.advance_to(NOW + u64::from(VOL_MAX_AGE) + 1);
    assert_unchanged(
        &chain,
        || withdrawable(&chain, ALICE, USDC),
        StaleVolatility {
            underlying: U256::ZERO,
            updatedAt: U256::from(NOW),
            maxAge: U256::from(VOL_MAX_AGE),
            timestamp: U256::from(NOW + u64::from(VOL_MAX_AGE) + 1),
        },
    );
}

/// A 36-decimal token at $1: the free collateral buys more units than `int128` holds, more than
/// any balance, so the balance is the answer.
#[test]
fn withdrawable_of_a_token_worth_more_units_than_int128_holds_is_the_balance() {
    let chain = listed_chain();
    let token = Address::repeat_byte(0x37);
    chain.add_token(token, TokenKind::Standard, 36);
    chain.vault(|v| {
        v.collaterals.insert(
            token,
            Collateral {
                oracle: USDC_FEED,
                haircut_bps: 1_000,
                heartbeat: 3_600,
            },
        )
    });
    let uncapped = expected(usd_wad(COLLATERAL), 36, usd_wad(E18), 9_000);
    assert!(uncapped > U256::from(i128::MAX as u128));
    let balance = U256::from(5u8) * U256::from(10u8).pow(U256::from(39u8));
    set_balance(&chain, ALICE, token, balance);
    assert_eq!(withdrawable(&chain, ALICE, token).unwrap(), balance);
}
