//! What the clearinghouse is wired to and who may change it: the owner (two-step, through
//! [`pm_common::ownership`]), the risk admin, the risk oracle, the vault, the risk program
//! and the facets, and the settlement token's decimals.

use alloy_primitives::{Address, U8};
use pm_common::guards::{ensure_contract, holds};
use pm_risk::defaults;
use pm_risk::wire::scalars_of;
use stylus_sdk::prelude::*;

use crate::errors::{
    AlreadyInitialized, ClearinghouseError, InvalidRiskParameters, NotRiskAdmin, NotRiskOracle, Result,
};
use crate::events::{RiskAdminSet, RiskOracleSet};
use crate::facet::Facet;
use crate::parameters::scalar_words;
use crate::ramps::SCALARS;
use crate::storage::Clearinghouse;

/// The configuration view: (riskAdmin, riskOracle, vault, riskProgram, adminFacet, viewsFacet,
/// accountsFacet, tradingFacet, settlementFacet, liquidationFacet, parametersFacet,
/// settlementDecimals).
pub type ConfigTuple = (
    Address,
    Address,
    Address,
    Address,
    Address,
    Address,
    Address,
    Address,
    Address,
    Address,
    Address,
    u8,
);

impl Clearinghouse {
    /// Everything the core's constructor leaves to the admin facet (it delegatecalls this in the
    /// deployment transaction, so nobody else can initialise the clearinghouse): the owner, the
    /// vault, the risk program, the views, accounts, trading, expiry and liquidation facets and the settlement token's
    /// decimals (at most 18), with the default account-wide risk parameters. Once only.
    /// Errors: `NotThroughCore` (called at the admin facet's own address), `AlreadyInitialized`,
    /// `ZeroAddress`, `NotAContract`, `InvalidRiskParameters`
    /// (decimals above 18, the code being the decimals), `ParamTableUnavailable`.
    // One argument per piece of wiring, as the ABI's `initialize` takes them.
    #[allow(clippy::too_many_arguments)]
    pub fn initialize(
        &mut self,
        owner: Address,
        vault: Address,
        risk_program: Address,
        views_facet: Address,
        accounts_facet: Address,
        trading_facet: Address,
        settlement_facet: Address,
        liquidation_facet: Address,
        parameters_facet: Address,
        settlement_decimals: u8,
    ) -> Result<()> {
        // The core's constructor records the admin facet before it delegates this: called at the
        // admin facet's own address, the slot is empty, and initialising the facet's own storage
        // would make a shadow clearinghouse there.
        self.through_core()?;
        // The owner is never zero once initialised: a transfer needs the successor to accept, and
        // the zero address cannot. So a non-zero owner means "initialised".
        if !self.ownership.owner().is_zero() {
            return Err(ClearinghouseError::from(AlreadyInitialized {}));
        }
        for program in [
            vault,
            risk_program,
            views_facet,
            accounts_facet,
            trading_facet,
            settlement_facet,
            liquidation_facet,
            parameters_facet,
        ] {
            ensure_contract(self.vm(), program)?;
        }
        if settlement_decimals > 18 {
            return Err(ClearinghouseError::from(InvalidRiskParameters {
                code: settlement_decimals,
            }));
        }
        self.ownership.initialize::<ClearinghouseError>(owner)?;
        self.vault.set(vault);
        self.risk_program.set(risk_program);
        self.set_facet(Facet::Views, views_facet);
        self.set_facet(Facet::Accounts, accounts_facet);
        self.set_facet(Facet::Trading, trading_facet);
        self.set_facet(Facet::Settlement, settlement_facet);
        self.set_facet(Facet::Liquidation, liquidation_facet);
        self.set_facet(Facet::Parameters, parameters_facet);
        self.settlement_decimals.set(U8::from(settlement_decimals));
        let p = defaults::risk(&[]);
        self.set_live_words(SCALARS, &scalar_words(p.grid_levels, &scalars_of(&p))?);
        self.publish_params()
    }

    /// The owner.
    pub fn owner(&self) -> Address {
        self.ownership.owner()
    }

    /// The successor `transfer_ownership` named (zero when none).
    pub fn pending_owner(&self) -> Address {
        self.ownership.pending_owner()
    }

    /// Names the next owner, who must accept. Errors: `NotOwner`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<()> {
        self.ownership.transfer_ownership(new_owner)
    }

    /// The named successor becomes the owner. Errors: `NotPendingOwner`.
    pub fn accept_ownership(&mut self) -> Result<()> {
        self.ownership.accept_ownership()
    }

    /// The configuration ([`ConfigTuple`]).
    pub fn config(&self) -> ConfigTuple {
        (
            self.risk_admin.get(),
            self.risk_oracle.get(),
            self.vault.get(),
            self.risk_program.get(),
            self.facet(Facet::Admin),
            self.facet(Facet::Views),
            self.facet(Facet::Accounts),
            self.facet(Facet::Trading),
            self.facet(Facet::Settlement),
            self.facet(Facet::Liquidation),
            self.facet(Facet::Parameters),
            self.settlement_decimals.get().to(),
        )
    }

    /// Sets the risk admin (zero removes it). Errors: `NotOwner`.
    pub fn set_risk_admin(&mut self, risk_admin: Address) -> Result<()> {
        self.ownership.only_owner::<ClearinghouseError>()?;
        self.risk_admin.set(risk_admin);
        self.vm().log(RiskAdminSet {
            riskAdmin: risk_admin,
        });
        Ok(())
    }

    /// Sets the risk oracle (zero removes it). Errors: `NotOwner`.
    pub fn set_risk_oracle(&mut self, risk_oracle: Address) -> Result<()> {
        self.ownership.only_owner::<ClearinghouseError>()?;
        self.risk_oracle.set(risk_oracle);
        self.vm().log(RiskOracleSet {
            riskOracle: risk_oracle,
        });
        Ok(())
    }

    /// Errors: `NotRiskAdmin`.
    pub(crate) fn only_risk_admin(&self) -> Result<()> {
        let caller = self.vm().msg_sender();
        if !holds(caller, self.risk_admin.get()) {
            return Err(ClearinghouseError::from(NotRiskAdmin { caller }));
        }
        Ok(())
    }

    /// Errors: `NotRiskOracle`.
    pub(crate) fn only_risk_oracle(&self) -> Result<()> {
        let caller = self.vm().msg_sender();
        if !holds(caller, self.risk_oracle.get()) {
            return Err(ClearinghouseError::from(NotRiskOracle { caller }));
        }
        Ok(())
    }
}
