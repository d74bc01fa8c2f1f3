//! The events several programs emit, declared once in `sol/Events.sol`. Past tense; ids and
//! addresses indexed.
#![allow(missing_docs)]

use alloy_sol_types::sol;

sol!("src/sol/Events.sol");
