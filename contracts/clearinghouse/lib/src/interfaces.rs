//! The vault, the one program the clearinghouse calls by ABI (the risk program takes a packed
//! request, `pm_risk::wire`; feeds and tokens are in `pm_common::interfaces`).
#![allow(missing_docs)]

use alloy_sol_types::sol;

sol! {
    interface IVault {
        function collateralValue(address account) external view returns (int256);
        function settle(address account, address counterparty, int256 amount) external;
        function collateralConfig(address token) external view returns (address, uint16, uint256, uint32, uint256);
        function config() external view returns (address, address, bool, address, uint32, address, address);
        function balanceOf(address account, address token) external view returns (uint256);
    }
}
