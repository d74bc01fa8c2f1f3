// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Records the calls a market makes to the clearinghouse (the real one is a Stylus program, which
/// Foundry's EVM cannot run; the devnet tests run the markets against it). `instrumentId` encodes
/// as the clearinghouse does. Set `revertData` to make position updates revert with it.
contract MockClearinghouse {
    struct Update {
        address account;
        uint128 instrument;
        int128 size;
        int128 price;
    }

    Update[] public updates;
    uint256 public batchCalls;
    address[] public settledAccounts;
    int256[] public settledAmounts;
    bytes public revertData;

    function setRevert(bytes calldata data) external {
        revertData = data;
    }

    function updateCount() external view returns (uint256) {
        return updates.length;
    }

    function settleCount() external view returns (uint256) {
        return settledAmounts.length;
    }

    function _maybeRevert() private view {
        bytes memory data = revertData;
        if (data.length != 0) {
            assembly {
                revert(add(data, 32), mload(data))
            }
        }
    }

    function updatePosition(address account, uint128 instrument, int128 sizeDelta, int128 price) external {
        _maybeRevert();
        updates.push(Update(account, instrument, sizeDelta, price));
    }

    function updatePositions(
        address account,
        uint128[] calldata instruments,
        int128[] calldata sizeDeltas,
        int128[] calldata prices
    ) external {
        _maybeRevert();
        batchCalls++;
        for (uint256 i = 0; i < instruments.length; ++i) {
            updates.push(Update(account, instruments[i], sizeDeltas[i], prices[i]));
        }
    }

    function settle(address account, int256 amount) external {
        settledAccounts.push(account);
        settledAmounts.push(amount);
    }

    function settleExpired(address) external pure returns (uint32) {
        return 3;
    }

    function instrumentId(uint8 underlying, uint8 kind, uint64 expiry, uint128 strike) external pure returns (uint128) {
        return (uint128(underlying) << 120) | (uint128(kind) << 112) | (uint128(expiry) << 72) | strike;
    }
}
