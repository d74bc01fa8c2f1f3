//! Roles (owner with two-step transfer, risk admin, guardian) and the pause.

use alloy_primitives::Address;
use stylus_sdk::prelude::*;

use crate::errors::{
    EngineError, EngineNotPaused, EnginePaused, NotGuardian, NotOwner, NotPendingOwner, NotRiskAdmin, Result,
    ZeroAddress,
};
use crate::events::{
    EnginePausedBy, EngineUnpausedBy, GuardianSet, OwnershipTransferStarted, OwnershipTransferred,
    RiskAdminSet,
};
use crate::storage::Vault;

impl Vault {
    pub(crate) fn init_owner(&mut self, owner: Address) -> Result<()> {
        if owner.is_zero() {
            return Err(EngineError::ZeroAddress(ZeroAddress {}));
        }
        self.owner.set(owner);
        self.vm().log(OwnershipTransferred {
            previousOwner: Address::ZERO,
            newOwner: owner,
        });
        Ok(())
    }

    /// Errors: `NotOwner` unless the caller is the owner.
    pub(crate) fn only_owner(&self) -> Result<Address> {
        let caller = self.vm().msg_sender();
        if caller != self.owner.get() {
            return Err(EngineError::NotOwner(NotOwner { caller }));
        }
        Ok(caller)
    }

    /// Errors: `NotRiskAdmin` unless the caller is the risk admin.
    pub(crate) fn only_risk_admin(&self) -> Result<()> {
        let caller = self.vm().msg_sender();
        if caller.is_zero() || caller != self.risk_admin.get() {
            return Err(EngineError::NotRiskAdmin(NotRiskAdmin { caller }));
        }
        Ok(())
    }

    /// Errors: `EnginePaused` while paused.
    pub(crate) fn when_not_paused(&self) -> Result<()> {
        if self.paused.get() {
            return Err(EngineError::EnginePaused(EnginePaused {}));
        }
        Ok(())
    }

    pub(crate) fn start_ownership_transfer(&mut self, new_owner: Address) -> Result<()> {
        let owner = self.only_owner()?;
        self.pending_owner.set(new_owner);
        self.vm().log(OwnershipTransferStarted {
            previousOwner: owner,
            newOwner: new_owner,
        });
        Ok(())
    }

    pub(crate) fn finish_ownership_transfer(&mut self) -> Result<()> {
        let caller = self.vm().msg_sender();
        if caller.is_zero() || caller != self.pending_owner.get() {
            return Err(EngineError::NotPendingOwner(NotPendingOwner { caller }));
        }
        let previous = self.owner.get();
        self.owner.set(caller);
        self.pending_owner.set(Address::ZERO);
        self.vm().log(OwnershipTransferred {
            previousOwner: previous,
            newOwner: caller,
        });
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
            let guardian = self.guardian.get();
            if caller != self.owner.get() && (guardian.is_zero() || caller != guardian) {
                return Err(EngineError::NotGuardian(NotGuardian { caller }));
            }
            self.when_not_paused()?;
            self.paused.set(true);
            self.vm().log(EnginePausedBy { account: caller });
        } else {
            self.only_owner()?;
            if !self.paused.get() {
                return Err(EngineError::EngineNotPaused(EngineNotPaused {}));
            }
            self.paused.set(false);
            self.vm().log(EngineUnpausedBy { account: caller });
        }
        Ok(())
    }
}
