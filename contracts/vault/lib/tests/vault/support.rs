//! The vault's test setup on `pm-test-host` (a TestVM-backed host with fake tokens and feeds):
//! the addresses the tests use, the block time they start at, and the vault over the host.
#![allow(dead_code)]

use alloy_primitives::Address;
use pm_vault::Vault;

pub use pm_test_host::{assert_reverts, event, Chain, TokenKind};

pub const VAULT: Address = Address::repeat_byte(0xAA);
pub const OWNER: Address = Address::repeat_byte(0x01);
pub const ADMIN: Address = Address::repeat_byte(0x02);
pub const GUARDIAN: Address = Address::repeat_byte(0x03);
pub const ALICE: Address = Address::repeat_byte(0x0A);
pub const BOB: Address = Address::repeat_byte(0x0B);
pub const USDC: Address = Address::repeat_byte(0x10);
pub const WETH: Address = Address::repeat_byte(0x11);
pub const USDT: Address = Address::repeat_byte(0x12);
pub const FEE: Address = Address::repeat_byte(0x13);
pub const USDC_FEED: Address = Address::repeat_byte(0x20);
pub const ETH_FEED: Address = Address::repeat_byte(0x21);
pub const SEQUENCER_FEED: Address = Address::repeat_byte(0x2F);
/// The facets the core records (code only: these tests call the library directly).
pub const ADMIN_FACET: Address = Address::repeat_byte(0xAD);
pub const LIQUIDATION_FACET: Address = Address::repeat_byte(0xAE);
/// The block time tests start at.
pub const NOW: u64 = 1_800_000_000;

/// A chain with the vault at [`VAULT`] (and code at the facets'), called by [`OWNER`], at
/// [`NOW`].
pub fn new_chain() -> Chain {
    let chain = Chain::new(VAULT, OWNER, NOW);
    chain.deploy_code(ADMIN_FACET);
    chain.deploy_code(LIQUIDATION_FACET);
    chain
}

/// The vault over a chain.
pub trait VaultHost {
    /// The vault at the chain's contract address.
    fn vault(&self) -> Vault;
}

impl VaultHost for Chain {
    fn vault(&self) -> Vault {
        Vault::from(self)
    }
}
