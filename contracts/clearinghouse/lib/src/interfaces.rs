//! The vault's interface, from the generated `abi/IVault.sol` (the vault program's own ABI, so
//! the clearinghouse cannot call it with a signature or a return shape it does not have). The
//! risk program takes a packed request (`pm_risk::wire`); feeds and tokens are in
//! `pm_common::interfaces`.
#![allow(missing_docs)]

use alloy_sol_types::sol;

sol!("../../../abi/IVault.sol");
