// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClearinghouse} from "@pm/abi/IClearinghouse.sol";
import {BilateralMarket} from "./BilateralMarket.sol";

/// @title OptionsMarket
/// @notice European calls and puts between two accounts, margined by the portfolio-margin engine.
/// The owner lists series; a trade's price is the premium per unit, which the buyer pays the
/// writer through the clearinghouse. After expiry anyone fixes the settlement price, once per
/// underlying and expiry (the clearinghouse's `fixExpiryPrice`), and the clearinghouse cash-settles
/// each position at it (`settleExpired`, which anyone may call; `settleExpired` here forwards).
contract OptionsMarket is BilateralMarket {
    /// Listed series.
    mapping(uint128 => bool) public listed;

    /// The owner listed a series.
    event SeriesListed(uint128 indexed instrument, uint8 underlying, bool isCall, uint64 expiry, uint128 strike);

    /// The series is not a call or put that expires in the future.
    error InvalidSeries(uint128 instrument);

    constructor(IClearinghouse clearinghouse_, address owner_) BilateralMarket(clearinghouse_, owner_) {}

    /// @notice Lists a series: `strike` in USD with 8 decimals, `expiry` in unix seconds.
    /// @return instrument The series' instrument id in the clearinghouse.
    function listSeries(uint8 underlying, bool isCall, uint64 expiry, uint128 strike)
        external
        returns (uint128 instrument)
    {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        instrument = clearinghouse.instrumentId(underlying, isCall ? 2 : 3, expiry, strike);
        // forge-lint: disable-next-line(block-timestamp) an expiry is a time
        if (expiry <= block.timestamp || strike == 0) revert InvalidSeries(instrument);
        listed[instrument] = true;
        emit SeriesListed(instrument, underlying, isCall, expiry, strike);
    }

    /// @notice Listed calls and puts only.
    function trades(uint128 instrument) public view override returns (bool) {
        uint8 kind = _kind(instrument);
        return (kind == 2 || kind == 3) && listed[instrument];
    }

    /// @notice Cash-settles `account`'s expired options (and any other expired positions) in the
    /// clearinghouse. @return settled How many positions settled.
    function settleExpired(address account) external returns (uint32 settled) {
        return clearinghouse.settleExpired(account);
    }
}
