//! Socialising a loss: the last step of a liquidation that leaves an account with settlement-token
//! debt and nothing to pay it (no positions, no other collateral, the insurance fund spent). The
//! vault writes the debt off and lowers the loss index ([`crate::loss_index`]) so that every
//! settlement-token balance (accounts, markets, the clearinghouse's, the fund's) bears its
//! pro-rata share, and the balances never sum to more than the vault holds plus what is owed.

use alloy_primitives::{Address, U256};
use stylus_sdk::prelude::*;

use crate::errors::{overflow, CollateralRemaining, Result, VaultError};
use crate::events::DebtSocialised;
use crate::loss_index;
use crate::storage::Vault;

impl Vault {
    /// Writes off `account`'s settlement-token debt against every settlement-token balance
    /// (all of it unless that would wipe out nearly every claim: see
    /// [`loss_index::write_off`]; the rest stays owed). Returns the units written off (zero
    /// without debt). Errors: `NotClearinghouse`,
    /// `CollateralRemaining` (the account still holds another token: sell it first),
    /// `ArithmeticOverflow`.
    pub fn socialise_debt(&mut self, account: Address) -> Result<U256> {
        self.only_clearinghouse()?;
        let debt = self.debts.get(account);
        if debt.is_zero() {
            return Ok(U256::ZERO);
        }
        let settlement = self.settlement_token.get();
        for token in self.listed_tokens() {
            if token != settlement && !self.balances.getter(account).get(token).is_zero() {
                return Err(VaultError::CollateralRemaining(CollateralRemaining {
                    account,
                    token,
                }));
            }
        }
        // Every balance sums to at most what the vault holds plus every debt.
        let total_debt = self.total_debt.get();
        let claims = self
            .collaterals
            .getter(settlement)
            .total_deposited
            .get()
            .checked_add(total_debt)
            .ok_or_else(overflow)?;
        let (written, index) = loss_index::write_off(self.loss_index(), debt, claims)?;
        // The index only falls from one (10^18 < 2^96): it always fits.
        self.settlement_index
            .set(alloy_primitives::Uint::<96, 2>::saturating_from(index));
        self.debts
            .setter(account)
            .set(debt.checked_sub(written).ok_or_else(overflow)?);
        self.total_debt
            .set(total_debt.checked_sub(written).ok_or_else(overflow)?);
        self.vm().log(DebtSocialised {
            account,
            amount: written,
            lossIndex: index,
        });
        Ok(written)
    }
}
