//! The interfaces the vault calls: ERC-20 tokens, Chainlink `AggregatorV3` feeds and the
//! clearinghouse's margin check.
#![allow(missing_docs)]

use alloy_sol_types::sol;

sol! {
    interface IERC20 {
        function balanceOf(address account) external view returns (uint256);
        function transfer(address to, uint256 amount) external returns (bool);
        function transferFrom(address from, address to, uint256 amount) external returns (bool);
        function decimals() external view returns (uint8);
    }

    interface IClearinghouse {
        function marginFor(address account, int256 collateralValue)
            external view returns (int256 equity, int256 initialMargin);
    }

    interface IAggregatorV3 {
        function decimals() external view returns (uint8);
        function latestRoundData() external view returns (
            uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound
        );
    }
}
