//! Every event the vault emits: its own, declared once in `sol/Events.sol`, and the ones it
//! shares with the clearinghouse (`pm_common::events`). Past tense; ids and addresses indexed.
#![allow(missing_docs)]

use alloy_sol_types::sol;
pub use pm_common::events::{OwnershipTransferStarted, OwnershipTransferred, RiskAdminSet};

sol!("src/sol/Events.sol");
