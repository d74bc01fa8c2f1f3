//! The core program's ABI: trading, settlement and the margin views (the hot path), and the
//! fallback that delegates every other selector to the admin facet.

use alloc::vec::Vec;

use alloy_primitives::{Address, I256, U8};
use pm_risk::defaults;
use pm_risk::wire::scalars_of;
use stylus_sdk::{prelude::*, ArbResult};

use crate::errors::{self, ClearinghouseError, ZeroAddress};
use crate::margin;
use crate::storage::Clearinghouse;
use crate::trading;

/// The core: trading, settlement and the margin views (the hot path). Built by default.
#[public]
impl Clearinghouse {
    /// Sets the owner, the vault, the risk program, the admin and views facets (this program's
    /// configuration functions and rarer calls, reached by delegatecall) and the settlement
    /// token's decimals (at most 18; the token is worth one USD), with the default account-wide
    /// risk parameters.
    /// Errors: `ZeroAddress`, `NotAContract`, `InvalidRiskParameters` (decimals above 18).
    #[constructor]
    pub fn constructor(
        &mut self,
        owner: Address,
        vault: Address,
        risk_program: Address,
        admin_facet: Address,
        views_facet: Address,
        settlement_decimals: u8,
    ) -> Result<(), ClearinghouseError> {
        if owner.is_zero() {
            return Err(ClearinghouseError::ZeroAddress(ZeroAddress {}));
        }
        self.ensure_contract(vault)?;
        self.ensure_contract(risk_program)?;
        self.ensure_contract(admin_facet)?;
        self.ensure_contract(views_facet)?;
        if settlement_decimals > 18 {
            return Err(ClearinghouseError::InvalidRiskParameters(
                errors::InvalidRiskParameters {
                    code: settlement_decimals,
                },
            ));
        }
        self.owner.set(owner);
        self.vault.set(vault);
        self.risk_program.set(risk_program);
        self.admin_facet.set(admin_facet);
        self.views_facet.set(views_facet);
        self.settlement_decimals.set(U8::from(settlement_decimals));
        let p = defaults::risk(&[]);
        self.store_scalars(p.grid_levels, &scalars_of(&p));
        Ok(())
    }

    /// Changes `account`'s position in `instrument` by `size_delta` units (18 decimals) traded at
    /// `price` USD per unit (18 decimals; an option's premium), for the calling market. The buyer
    /// pays `size_delta · price` settlement-token units to the market, the seller receives them.
    /// Then, unless the change only reduces the position, the account must meet initial margin.
    /// Errors: `MarketNotAuthorised`, `MarketNotApproved`, `InvalidInstrument`,
    /// `InstrumentNotTradable`, `InvalidTradePrice`, `InvalidSize`, `TooManyPositions`,
    /// `VaultCallFailed`, `InsufficientMargin`, and the price, vol and risk errors of a check.
    pub fn update_position(
        &mut self,
        account: Address,
        instrument: u128,
        size_delta: i128,
        price: i128,
    ) -> Result<(), ClearinghouseError> {
        self.update(account, &[(instrument, size_delta, price)])
    }

    /// `updatePosition` for several instruments, with one margin check at the end.
    /// Errors: those of `updatePosition`, and `LengthMismatch`.
    pub fn update_positions(
        &mut self,
        account: Address,
        instruments: Vec<u128>,
        size_deltas: Vec<i128>,
        prices: Vec<i128>,
    ) -> Result<(), ClearinghouseError> {
        let changes = trading::changes_of(instruments, size_deltas, prices)?;
        self.update(account, &changes)
    }

    /// Moves `amount` settlement-token units from the calling market to `account` (negative: from
    /// the account to the market): realised PnL, funding, fees. A balance that runs out becomes
    /// debt. Errors: `MarketNotAuthorised`, `MarketNotApproved`, `VaultCallFailed`.
    pub fn settle(&mut self, account: Address, amount: I256) -> Result<(), ClearinghouseError> {
        self.settle_cash(account, amount)
    }

    /// The account's margin: (equity, initialMargin, maintenanceMargin, isolatedInitial,
    /// isolatedMaintenance, freeCollateral, utilisation, liquidatable), USD with 18 decimals.
    /// Errors: `VaultCallFailed`, and the price, vol and risk errors of a check.
    pub fn account_margin(&self, account: Address) -> Result<margin::MarginTuple, ClearinghouseError> {
        Ok(self
            .figures(self.collateral_value(account)?, &self.book(account))?
            .tuple())
    }

    /// (equity, initialMargin) of `account` if its collateral value were `collateral_value` (USD,
    /// 18 decimals): the vault's check before a withdrawal. Errors: those of `accountMargin`.
    pub fn margin_for(
        &self,
        account: Address,
        collateral_value: I256,
    ) -> Result<(I256, I256), ClearinghouseError> {
        let f = self.figures(collateral_value, &self.book(account))?;
        Ok((f.equity, f.initial))
    }

    /// Every selector this program does not route (the configuration functions and views) goes
    /// to the admin facet by delegatecall, over this program's storage; its answer or revert
    /// data comes back unchanged.
    #[fallback]
    pub fn fallback(&mut self, calldata: &[u8]) -> ArbResult {
        let facet = self.admin_facet.get();
        self.delegate(facet, calldata)
    }
}
