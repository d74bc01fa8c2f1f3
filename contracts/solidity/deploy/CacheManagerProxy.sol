// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Arbitrum's own program-cache auction, unchanged: `CacheManager` from npm
// `@arbitrum/nitro-contracts` 3.2.0 (Offchain Labs, BUSL-1.1; compiled here only to test the
// engine's deployment against it, never deployed by the engine).
import {CacheManager} from "@arbitrum/nitro-contracts/src/chain/CacheManager.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/// @title CacheManagerProxy
/// @notice Arbitrum's `CacheManager` behind OpenZeppelin's ERC-1967 proxy, as Arbitrum runs it
/// (its `initialize` is `onlyDelegated`), initialised in the proxy's constructor so that nobody
/// else can. pm-deploy's node test deploys it on pm-node, has the chain owner make it a cache
/// manager, and bids through it.
contract CacheManagerProxy is ERC1967Proxy {
    /// @param manager A deployed `CacheManager` (the logic).
    /// @param cacheSize The cache's size, bytes of machine code.
    /// @param decay How fast old bids lose weight, wei a second.
    constructor(address manager, uint64 cacheSize, uint64 decay)
        ERC1967Proxy(manager, abi.encodeCall(CacheManager.initialize, (cacheSize, decay)))
    {}
}
