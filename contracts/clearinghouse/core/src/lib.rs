//! `pm-clearinghouse-core`: the clearinghouse's core program, the address every market, the
//! vault and every user calls. It exports the margin views (keepers' health checks, a
//! front-end's simulation) and hands every other function (the vault's check before a
//! withdrawal among them, `marginFor`, in the accounts facet)
//! to the facet that exports it, by delegatecall over this program's storage ([`routing`],
//! generated from the facets' interfaces; `pm-clearinghouse` explains the seven programs). It
//! nests the library's [`Clearinghouse`] as its only field, so its storage is the library's
//! layout.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
// export-abi generates an undocumented `print_from_args`; the entrypoint an undocumented export.
#![allow(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

#[macro_use]
extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{Address, Bytes, FixedBytes};
use pm_clearinghouse::errors::UnknownSelector;
use pm_clearinghouse::{Clearinghouse, ClearinghouseError, Facet, MarginTuple};
use stylus_sdk::{prelude::*, ArbResult};

pub mod routes;
pub mod routing;

/// The selector of the admin facet's `initialize`, the one call the constructor delegates.
const INITIALIZE: [u8; 4] = pm_common::routing::selector(
    "initialize(address,address,address,address,address,address,address,address,address,uint8)",
);

/// The core program: the clearinghouse's storage, nothing else.
#[storage]
#[entrypoint]
pub struct ClearinghouseCore {
    clearinghouse: Clearinghouse,
}

#[public]
impl ClearinghouseCore {
    /// Deploys the clearinghouse: records `adminFacet`, the program that runs the admin
    /// functions, and delegatecalls `initialization` to it in the same transaction. It must be a
    /// call of `initialize(owner, vault, riskProgram, viewsFacet, accountsFacet, tradingFacet,
    /// settlementFacet, liquidationFacet, parametersFacet, settlementDecimals)`, which sets
    /// everything else, so nobody can initialise the
    /// clearinghouse in between.
    ///
    /// Errors: `UnknownSelector` (`initialization` is not a call of `initialize`, or `adminFacet`
    /// did not run it, e.g. it holds no code), and those of `initialize`.
    #[constructor]
    pub fn constructor(&mut self, admin_facet: Address, initialization: Bytes) -> Result<(), Vec<u8>> {
        let selector = pm_common::routing::selector_of(&initialization);
        let not_initialize = || -> Vec<u8> {
            ClearinghouseError::from(UnknownSelector {
                selector: FixedBytes(selector),
            })
            .into()
        };
        if selector != INITIALIZE {
            return Err(not_initialize());
        }
        self.clearinghouse.set_admin_facet(admin_facet);
        self.clearinghouse.delegate(Facet::Admin, &initialization)?;
        // `initialize` sets a non-zero owner; a program that answered without running it (or an
        // address without code, which a delegatecall "runs" successfully) did not.
        if self.clearinghouse.owner().is_zero() {
            return Err(not_initialize());
        }
        Ok(())
    }

    /// The account's margin figures. USD amounts have 18 decimals.
    ///
    /// Returns:
    /// - `equity`: collateral value (debt subtracted) plus the positions' value at the marks
    ///   (an expired position whose settlement price is fixed: the cash it settles for)
    /// - `initialMargin`: what the account needs to add risk or withdraw
    /// - `maintenanceMargin`: below it the account is liquidatable
    /// - `isolatedInitialMargin`: initial margin of each position margined alone, summed
    /// - `isolatedMaintenanceMargin`: maintenance margin of each position margined alone, summed
    /// - `freeCollateral`: equity minus initial margin
    /// - `utilisation`: maintenance margin over equity, a fraction with 18 decimals (the largest
    ///   `int128` when equity is not positive)
    /// - `liquidatable`: equity below maintenance margin
    ///
    /// Errors: `VaultCallFailed`, and the price, vol and risk errors of a check.
    pub fn account_margin(&self, account: Address) -> Result<MarginTuple, ClearinghouseError> {
        self.clearinghouse.account_margin(account)
    }

    /// `accountMargin` after hypothetical changes traded at `prices` (nothing changes): what a
    /// front-end shows before a trade (for an account holding an expired position whose price is
    /// fixed: after `settleExpired`, which the trade waits for).
    ///
    /// Returns:
    /// - `equity`: USD, 18 decimals
    /// - `initialMargin`: USD, 18 decimals
    /// - `maintenanceMargin`: USD, 18 decimals
    /// - `isolatedInitialMargin`: USD, 18 decimals
    /// - `isolatedMaintenanceMargin`: USD, 18 decimals
    /// - `freeCollateral`: USD, 18 decimals
    /// - `utilisation`: a fraction with 18 decimals
    /// - `liquidatable`: equity below maintenance margin
    ///
    /// Errors: those of `accountMargin`, `LengthMismatch`, `InvalidInstrument`,
    /// `InstrumentNotTradable`, `InvalidTradePrice`, `InvalidSize`, `TooManyPositions`.
    pub fn simulate(
        &self,
        account: Address,
        instruments: Vec<u128>,
        size_deltas: Vec<i128>,
        prices: Vec<i128>,
    ) -> Result<MarginTuple, ClearinghouseError> {
        self.clearinghouse
            .simulate(account, instruments, size_deltas, prices)
    }

    /// Every other function of the clearinghouse: the facet that exports its selector runs it,
    /// by delegatecall over this program's storage; its answer or revert data comes back
    /// unchanged. Errors: `UnknownSelector`.
    #[fallback]
    pub fn fallback(&mut self, calldata: &[u8]) -> ArbResult {
        let selector = pm_common::routing::selector_of(calldata);
        match routing::facet_of(selector) {
            Some(facet) => self.clearinghouse.delegate(facet, calldata),
            None => Err(ClearinghouseError::from(UnknownSelector {
                selector: FixedBytes(selector),
            })
            .into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The constructor's `initialize` is the one the admin facet exports (the generated routes).
    #[test]
    fn the_constructor_delegates_the_admin_facets_initialize() {
        let routed = routes::ROUTES
            .iter()
            .find(|(signature, _)| signature.starts_with("initialize("))
            .map(|(signature, facet)| (pm_common::routing::selector(signature), *facet));
        assert_eq!(routed, Some((INITIALIZE, Facet::Admin)));
    }
}
