//! Every event the clearinghouse emits, declared once in `sol/Events.sol`.
#![allow(missing_docs)]

use alloy_sol_types::sol;

sol!("src/sol/Events.sol");
