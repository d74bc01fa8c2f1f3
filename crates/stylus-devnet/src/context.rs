//! The concrete revm types the devnet runs on. Everything else builds on these: this file
//! imports nothing of the crate.

use revm::context::result::{EVMError, InvalidTransaction};
use revm::context::{BlockEnv, CfgEnv, TxEnv};
use revm::database::{CacheDB, EmptyDB};
use revm::{Context, Journal};

/// The world state: an in-memory database (its reads cannot fail).
pub type Db = CacheDB<EmptyDB>;
/// The execution context: block, transaction, configuration and the journal over [`Db`].
pub type Ctx = Context<BlockEnv, TxEnv, CfgEnv, Db, Journal<Db>, ()>;
/// Why a transaction was refused before it ran (the database part cannot happen).
pub type TxError = EVMError<std::convert::Infallible, InvalidTransaction>;
