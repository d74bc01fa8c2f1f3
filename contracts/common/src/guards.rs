//! Checks on callers and addresses that every program makes.

use alloy_primitives::Address;
use stylus_sdk::stylus_core::Host;

use crate::errors::NotAContract;

/// Whether `caller` holds a role that `holder` has: never when the role is unset (zero).
pub fn holds(caller: Address, holder: Address) -> bool {
    !holder.is_zero() && caller == holder
}

/// Errors: `NotAContract` when `account` holds no code.
pub fn ensure_contract<H: Host + ?Sized>(vm: &H, account: Address) -> Result<(), NotAContract> {
    if vm.code_size(account) == 0 {
        return Err(NotAContract { account });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unset_role_is_held_by_nobody() {
        let a = Address::repeat_byte(1);
        assert!(holds(a, a));
        assert!(!holds(Address::repeat_byte(2), a));
        assert!(!holds(Address::ZERO, Address::ZERO));
    }
}
