//! Roles (the owner through [`pm_common::ownership`], the risk admin, the guardian, the
//! connected clearinghouse) and the pause.

use alloy_primitives::Address;
use pm_common::guards::holds;
use stylus_sdk::prelude::*;

use crate::errors::{
    NotClearinghouse, NotGuardian, NotRiskAdmin, Result, VaultError, VaultNotPaused, VaultPaused,
};
use crate::events::{GuardianSet, Paused, RiskAdminSet, Unpaused};
use crate::storage::Vault;

impl Vault {
    /// Errors: `NotOwner` unless the caller is the owner.
    pub(crate) fn only_owner(&self) -> Result<Address> {
        self.ownership.only_owner()
    }

    /// Errors: `NotRiskAdmin` unless the caller is the risk admin.
    pub(crate) fn only_risk_admin(&self) -> Result<()> {
        let caller = self.vm().msg_sender();
        if !holds(caller, self.risk_admin.get()) {
            return Err(VaultError::NotRiskAdmin(NotRiskAdmin { caller }));
        }
        Ok(())
    }

    /// Errors: `NotClearinghouse` unless the caller is the connected clearinghouse.
    pub(crate) fn only_clearinghouse(&self) -> Result<()> {
        let caller = self.vm().msg_sender();
        if caller.is_zero() || caller != self.clearinghouse.get() {
            return Err(VaultError::NotClearinghouse(NotClearinghouse { caller }));
        }
        Ok(())
    }

    /// Errors: `VaultPaused` while paused.
    pub(crate) fn when_not_paused(&self) -> Result<()> {
        if self.paused.get() {
            return Err(VaultError::VaultPaused(VaultPaused {}));
        }
        Ok(())
    }

    pub(crate) fn assign_risk_admin(&mut self, risk_admin: Address) -> Result<()> {
        self.only_owner()?;
        self.risk_admin.set(risk_admin);
        self.vm().log(RiskAdminSet {
            riskAdmin: risk_admin,
        });
        Ok(())
    }

    pub(crate) fn assign_guardian(&mut self, guardian: Address) -> Result<()> {
        self.only_owner()?;
        self.guardian.set(guardian);
        self.vm().log(GuardianSet { guardian });
        Ok(())
    }

    /// Pausing: guardian or owner. Unpausing: owner only.
    pub(crate) fn set_paused(&mut self, paused: bool) -> Result<()> {
        let caller = self.vm().msg_sender();
        if paused {
            if caller != self.ownership.owner() && !holds(caller, self.guardian.get()) {
                return Err(VaultError::NotGuardian(NotGuardian { caller }));
            }
            self.when_not_paused()?;
            self.paused.set(true);
            self.vm().log(Paused { account: caller });
        } else {
            self.only_owner()?;
            if !self.paused.get() {
                return Err(VaultError::VaultNotPaused(VaultNotPaused {}));
            }
            self.paused.set(false);
            self.vm().log(Unpaused { account: caller });
        }
        Ok(())
    }
}
