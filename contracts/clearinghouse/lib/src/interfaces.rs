//! The interfaces the clearinghouse calls: the vault, ERC-20 tokens and Chainlink `AggregatorV3`
//! feeds.
#![allow(missing_docs)]

use alloy_sol_types::sol;

sol! {
    interface IVault {
        function collateralValue(address account) external view returns (int256);
        function settle(address account, address counterparty, int256 amount) external;
        function collateralConfig(address token) external view returns (address, uint16, uint256, uint32, uint256);
        function clearinghouse() external view returns (address, address);
        function balanceOf(address account, address token) external view returns (uint256);
    }

    interface IERC20 {
        function decimals() external view returns (uint8);
    }

    interface IAggregatorV3 {
        function decimals() external view returns (uint8);
        function latestRoundData() external view returns (
            uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound
        );
    }
}
