//! The clearinghouse's margin check, the one interface the vault calls beyond ERC-20 tokens and
//! Chainlink feeds (`pm_common::interfaces`). Written out here rather than taken from the
//! generated `abi/IClearinghouse.sol` (the clearinghouse's own, which the clearinghouse takes
//! `IVault` from): that costs the size-bound vault 130 bytes. A test pins this signature to the
//! generated one.
#![allow(missing_docs)]

use alloy_sol_types::sol;

sol! {
    interface IClearinghouse {
        function marginFor(address account, int256 collateralValue)
            external view returns (int256 equity, int256 initialMargin);
    }
}
