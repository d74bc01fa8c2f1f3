//! Native tests of the vault on a TestVM-backed host (see `support`).
#![allow(clippy::arithmetic_side_effects)]

mod access;
mod collateral_table;
mod deposit;
mod haircut_ramp;
mod listing;
mod pricing;
mod settlement;
mod support;
mod withdraw;

use alloy_primitives::U256;
use support::*;

/// A vault with roles set, and USDC (6 decimals, $1.00) and WETH (18 decimals, $3,000) with
/// 8-decimal feeds, none of them listed.
pub fn unlisted_chain() -> Chain {
    let chain = new_chain();
    let mut vault = chain.as_(OWNER).vault();
    vault
        .initialize(OWNER, ADMIN_FACET, LIQUIDATION_FACET)
        .expect("constructor");
    vault.set_risk_admin(ADMIN).expect("risk admin");
    vault.set_guardian(GUARDIAN).expect("guardian");
    chain.add_token(USDC, TokenKind::Standard, 6);
    chain.add_token(WETH, TokenKind::Standard, 18);
    chain.add_feed(USDC_FEED, 8, 100_000_000);
    chain.add_feed(ETH_FEED, 8, 300_000_000_000);
    chain
}

/// `unlisted_chain` with USDC (2% haircut) and WETH (10% haircut) listed with a 1-hour heartbeat.
pub fn listed_chain() -> Chain {
    let chain = unlisted_chain();
    let mut vault = chain.as_(ADMIN).vault();
    vault
        .set_collateral(USDC, USDC_FEED, 200, U256::from(10u128.pow(15)), 3600)
        .expect("list USDC");
    vault
        .set_collateral(WETH, ETH_FEED, 1000, U256::from(10u128.pow(24)), 3600)
        .expect("list WETH");
    chain
}

/// ALICE deposits `amount` WETH (18 decimals) minted to her.
pub fn deposit_weth(chain: &Chain, amount: u128) {
    chain.mint(WETH, ALICE, amount);
    chain
        .as_(ALICE)
        .vault()
        .deposit(WETH, U256::from(amount))
        .unwrap();
}

/// `listed_chain` with ALICE holding 10,000 USDC and 10 WETH in her wallet.
pub fn funded_chain() -> Chain {
    let chain = listed_chain();
    chain.mint(USDC, ALICE, 10_000 * 10u128.pow(6));
    chain.mint(WETH, ALICE, 10 * 10u128.pow(18));
    chain
}
