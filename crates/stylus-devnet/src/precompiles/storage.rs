//! A precompile's own storage, through revm's journal (so a reverting caller undoes its writes):
//! the account is loaded, then the slot read or written. The storage is the devnet's
//! bookkeeping, not charged: each precompile burns what Nitro burns (`burner`).

use revm::context_interface::{ContextTr, JournalTr};
use revm::handler::evm::ContextTrDbError;
use revm::primitives::{Address, U256};

/// The word at `slot` of `precompile`. Errors: the database failed.
pub fn read<CTX: ContextTr>(
    ctx: &mut CTX,
    precompile: Address,
    slot: U256,
) -> Result<U256, ContextTrDbError<CTX>> {
    ctx.journal_mut().load_account(precompile)?;
    Ok(ctx.journal_mut().sload(precompile, slot)?.data)
}

/// Writes `value` at `slot` of `precompile` (journaled). Errors: the database failed.
pub fn write<CTX: ContextTr>(
    ctx: &mut CTX,
    precompile: Address,
    slot: U256,
    value: U256,
) -> Result<(), ContextTrDbError<CTX>> {
    ctx.journal_mut().load_account(precompile)?;
    ctx.journal_mut().sstore(precompile, slot, value)?;
    Ok(())
}
