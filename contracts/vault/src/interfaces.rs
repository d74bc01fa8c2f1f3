//! The clearinghouse's margin check, the one interface the vault calls beyond ERC-20 tokens and
//! Chainlink feeds (`pm_common::interfaces`).
#![allow(missing_docs)]

use alloy_sol_types::sol;

sol! {
    interface IClearinghouse {
        function marginFor(address account, int256 collateralValue)
            external view returns (int256 equity, int256 initialMargin);
    }
}
