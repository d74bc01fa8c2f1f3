//! Routing by selector, shared by the programs that answer at one address and hand the functions
//! they do not export to a facet (the clearinghouse's and the vault's cores): the selector of a
//! signature at compile time, the lookup in a generated table, and the delegatecall itself.

use alloc::vec::Vec;

use alloy_primitives::Address;
use stylus_sdk::{
    call::delegate_call,
    keccak_const::Keccak256,
    prelude::*,
    stylus_core::calls::{errors::Error as CallError, Call},
    ArbResult,
};

/// The selector of a canonical Solidity signature, e.g. `"owner()"`.
pub const fn selector(signature: &str) -> [u8; 4] {
    let digest = Keccak256::new().update(signature.as_bytes()).finalize();
    let [a, b, c, d, ..] = digest;
    [a, b, c, d]
}

/// The selector calldata starts with; zero when it is shorter than four bytes (no function has
/// the zero selector, so it routes nowhere).
pub fn selector_of(calldata: &[u8]) -> [u8; 4] {
    calldata
        .get(..4)
        .and_then(|s| <[u8; 4]>::try_from(s).ok())
        .unwrap_or_default()
}

/// A routing table's selectors, computed at compile time from its signatures (`fill` is any
/// facet: every entry is overwritten; an index out of range would fail the build, not a call).
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
pub const fn selectors<F: Copy, const N: usize>(routes: [(&str, F); N], fill: F) -> [([u8; 4], F); N] {
    let mut table = [([0u8; 4], fill); N];
    let mut i = 0;
    while i < N {
        table[i] = (selector(routes[i].0), routes[i].1);
        i += 1;
    }
    table
}

/// The facet that runs `selector` in `table`, if any.
pub fn facet_of<F: Copy>(table: &[([u8; 4], F)], selector: [u8; 4]) -> Option<F> {
    table.iter().find(|(s, _)| *s == selector).map(|(_, f)| *f)
}

/// Delegatecalls `program` with `calldata` over `storage`'s contract: its answer, or its revert
/// data, unchanged (empty when the call could not be made).
pub fn delegate<S: TopLevelStorage + HostAccess>(
    storage: &mut S,
    program: Address,
    calldata: &[u8],
) -> ArbResult {
    let context = Call::new_mutating(storage);
    // SAFETY: callers delegate only to facets built on their own storage library: the same
    // layout, and functions that check their callers' roles as the core's own would.
    #[allow(unsafe_code)]
    let result = unsafe { delegate_call(storage.vm(), context, program, calldata) };
    result.map_err(|e| match e {
        CallError::Revert(data) => data,
        _ => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_are_keccak_of_the_signature() {
        // `owner()` and `transferOwnership(address)`, as every Ownable contract has them.
        assert_eq!(selector("owner()"), [0x8d, 0xa5, 0xcb, 0x5b]);
        assert_eq!(selector("transferOwnership(address)"), [0xf2, 0xfd, 0xe3, 0x8b]);
    }

    #[test]
    fn a_table_finds_each_signature_and_nothing_else() {
        const TABLE: [([u8; 4], u8); 2] = selectors([("owner()", 1), ("transferOwnership(address)", 2)], 0);
        assert_eq!(facet_of(&TABLE, selector("owner()")), Some(1));
        assert_eq!(facet_of(&TABLE, selector("transferOwnership(address)")), Some(2));
        assert_eq!(facet_of(&TABLE, [0, 0, 0, 0]), None);
    }
}
