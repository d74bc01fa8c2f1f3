//! Every event the engine emits, declared once in `sol/Events.sol` (which the committed interface
//! `abi/IPortfolioMargin.sol` also carries). Past tense; ids and addresses indexed.
#![allow(missing_docs)]

use alloy_sol_types::sol;

sol!("src/sol/Events.sol");
