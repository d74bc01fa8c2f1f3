//! An account's code hash as ArbOS reads it (Nitro's `Storage.GetCodeHash`, for ArbWasm's
//! program getters and ArbWasmCache's `cacheProgram`): from the transaction's state when the
//! account is in it, else from the database, without touching the access list (a later call to
//! the account in the same transaction still pays the cold access). Either way an account with
//! no code has no program.

use revm::context_interface::{ContextTr, JournalTr};
use revm::database_interface::Database;
use revm::handler::evm::ContextTrDbError;
use revm::primitives::{Address, B256};
use revm::state::EvmState;

/// `account`'s code hash (zero or the empty code's when it has none). Errors: the database
/// failed.
pub fn code_hash<CTX>(ctx: &mut CTX, account: Address) -> Result<B256, ContextTrDbError<CTX>>
where
    CTX: ContextTr<Journal: JournalTr<State = EvmState>>,
{
    if let Some(loaded) = ctx.journal_mut().evm_state().get(&account) {
        return Ok(loaded.info.code_hash);
    }
    Ok(ctx
        .db_mut()
        .basic(account)?
        .map_or(B256::ZERO, |info| info.code_hash))
}
