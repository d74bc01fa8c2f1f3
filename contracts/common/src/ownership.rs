//! Two-step ownership, one storage component for every program: the owner names a successor
//! (`transferOwnership`), who must accept (`acceptOwnership`), so control is never handed to an
//! address nobody holds.
//!
//! Storage: slot 0 `owner`, slot 1 `pending_owner` of whatever struct nests it first.

use alloc::vec::Vec;

use alloy_primitives::Address;
use stylus_sdk::{prelude::*, storage::StorageAddress};

use crate::errors::{NotOwner, NotPendingOwner, ZeroAddress};
use crate::events::{OwnershipTransferStarted, OwnershipTransferred};

/// The owner and the successor it named.
#[storage]
pub struct Ownership {
    owner: StorageAddress,
    pending_owner: StorageAddress,
}

impl Ownership {
    /// The owner.
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// The address `transfer_ownership` named, until it accepts (zero when none).
    pub fn pending_owner(&self) -> Address {
        self.pending_owner.get()
    }

    /// Sets the first owner (a constructor). Emits `OwnershipTransferred(0, owner)`.
    /// Errors: `ZeroAddress`.
    pub fn initialize<E: From<ZeroAddress>>(&mut self, owner: Address) -> Result<(), E> {
        if owner.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        self.owner.set(owner);
        self.vm().log(OwnershipTransferred {
            previousOwner: Address::ZERO,
            newOwner: owner,
        });
        Ok(())
    }

    /// The caller, when it is the owner. Errors: `NotOwner`.
    pub fn only_owner<E: From<NotOwner>>(&self) -> Result<Address, E> {
        let caller = self.vm().msg_sender();
        if caller != self.owner.get() {
            return Err(NotOwner { caller }.into());
        }
        Ok(caller)
    }

    /// Names `new_owner` as the successor (the zero address cancels a pending transfer).
    /// Emits `OwnershipTransferStarted`. Errors: `NotOwner`.
    pub fn transfer_ownership<E: From<NotOwner>>(&mut self, new_owner: Address) -> Result<(), E> {
        let owner = self.only_owner::<E>()?;
        self.pending_owner.set(new_owner);
        self.vm().log(OwnershipTransferStarted {
            previousOwner: owner,
            newOwner: new_owner,
        });
        Ok(())
    }

    /// The named successor takes over. Emits `OwnershipTransferred`. Errors: `NotPendingOwner`.
    pub fn accept_ownership<E: From<NotPendingOwner>>(&mut self) -> Result<(), E> {
        let caller = self.vm().msg_sender();
        if caller.is_zero() || caller != self.pending_owner.get() {
            return Err(NotPendingOwner { caller }.into());
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
}
