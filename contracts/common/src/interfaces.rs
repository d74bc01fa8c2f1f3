//! The outside interfaces every program may call: ERC-20 tokens and Chainlink `AggregatorV3`
//! feeds.
#![allow(missing_docs)]

use alloy_sol_types::sol;

sol! {
    interface IERC20 {
        function balanceOf(address account) external view returns (uint256);
        function transfer(address to, uint256 amount) external returns (bool);
        function transferFrom(address from, address to, uint256 amount) external returns (bool);
        function decimals() external view returns (uint8);
    }

    interface IAggregatorV3 {
        function decimals() external view returns (uint8);
        function latestRoundData() external view returns (
            uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound
        );
        function getRoundData(uint80 roundId) external view returns (
            uint80 id, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound
        );
    }
}
