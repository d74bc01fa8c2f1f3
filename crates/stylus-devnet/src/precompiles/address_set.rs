//! An ArbOS address set (Nitro's `arbos/addressSet`) in a precompile's own storage: its size,
//! its members 1..=size in order, and each member's position by address. The devnet keeps
//! ArbWasmCache's cache managers in one. Reads and writes are the devnet's bookkeeping; the
//! callers burn what Nitro burns: a membership test is one storage read, listing the members one
//! read for the size and one per member.

use revm::context_interface::ContextTr;
use revm::handler::evm::ContextTrDbError;
use revm::primitives::{keccak256, Address, U256};

use crate::precompiles::storage;

/// A set of addresses stored by `precompile` from slot `base` (the size; the members at
/// `base + 1…`; the positions at keccak(address ‖ base)).
#[derive(Clone, Copy, Debug)]
pub struct AddressSet {
    /// The precompile whose storage holds the set.
    pub precompile: Address,
    /// The slot of the size.
    pub base: U256,
}

impl AddressSet {
    fn position_slot(&self, a: Address) -> U256 {
        let mut key = [0u8; 64];
        key[12..32].copy_from_slice(a.as_slice());
        key[32..].copy_from_slice(&self.base.to_be_bytes::<32>());
        U256::from_be_bytes(keccak256(key).0)
    }

    fn member_slot(&self, i: U256) -> U256 {
        self.base.wrapping_add(i)
    }

    /// Whether `a` is a member. Errors: the database failed.
    pub fn contains<CTX: ContextTr>(&self, ctx: &mut CTX, a: Address) -> Result<bool, ContextTrDbError<CTX>> {
        Ok(!storage::read(ctx, self.precompile, self.position_slot(a))?.is_zero())
    }

    /// The members, in the order they were added (a removal moves the last into the gap).
    /// Errors: the database failed.
    pub fn members<CTX: ContextTr>(&self, ctx: &mut CTX) -> Result<Vec<Address>, ContextTrDbError<CTX>> {
        let size: u64 = storage::read(ctx, self.precompile, self.base)?.saturating_to();
        (1..=size)
            .map(|i| {
                let w = storage::read(ctx, self.precompile, self.member_slot(U256::from(i)))?;
                Ok(Address::from_word(w.into()))
            })
            .collect()
    }

    /// Adds `a` (nothing if it is a member). Errors: the database failed.
    pub fn add<CTX: ContextTr>(&self, ctx: &mut CTX, a: Address) -> Result<(), ContextTrDbError<CTX>> {
        if self.contains(ctx, a)? {
            return Ok(());
        }
        let size = storage::read(ctx, self.precompile, self.base)?.saturating_add(U256::from(1));
        storage::write(ctx, self.precompile, self.position_slot(a), size)?;
        storage::write(ctx, self.precompile, self.member_slot(size), address_word(a))?;
        storage::write(ctx, self.precompile, self.base, size)
    }

    /// Removes `a`, moving the last member into its place; `false` if it was not a member.
    /// Errors: the database failed.
    pub fn remove<CTX: ContextTr>(&self, ctx: &mut CTX, a: Address) -> Result<bool, ContextTrDbError<CTX>> {
        let position = storage::read(ctx, self.precompile, self.position_slot(a))?;
        if position.is_zero() {
            return Ok(false);
        }
        let size = storage::read(ctx, self.precompile, self.base)?;
        let last = storage::read(ctx, self.precompile, self.member_slot(size))?;
        if position != size {
            storage::write(ctx, self.precompile, self.member_slot(position), last)?;
            let moved = Address::from_word(last.into());
            storage::write(ctx, self.precompile, self.position_slot(moved), position)?;
        }
        storage::write(ctx, self.precompile, self.member_slot(size), U256::ZERO)?;
        storage::write(ctx, self.precompile, self.position_slot(a), U256::ZERO)?;
        storage::write(
            ctx,
            self.precompile,
            self.base,
            size.saturating_sub(U256::from(1)),
        )?;
        Ok(true)
    }
}

/// `a` as a storage word.
fn address_word(a: Address) -> U256 {
    U256::from_be_slice(a.as_slice())
}
