// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClearinghouse} from "@pm/abi/IClearinghouse.sol";
import {BilateralMarket} from "./BilateralMarket.sol";

/// @title PerpMarket
/// @notice Perpetual futures between two accounts, margined by the portfolio-margin engine. A
/// trade at price p moves size × p between the accounts' balances in the vault, so closing a position
/// realises its PnL in the settlement token; open positions are valued at the oracle price in the
/// account's equity. Funding is not charged (a venue would add it with the clearinghouse's `settle`).
contract PerpMarket is BilateralMarket {
    constructor(IClearinghouse clearinghouse_, address owner_) BilateralMarket(clearinghouse_, owner_) {}

    /// @notice Perps only.
    function trades(uint128 instrument) public pure override returns (bool) {
        return _kind(instrument) == 0;
    }
}
