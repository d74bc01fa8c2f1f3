//! Account balances: deposits, withdrawals and the margin check that gates withdrawals.

use alloy_primitives::{Address, U256};
use stylus_sdk::prelude::*;

use crate::errors::{
    overflow, DepositCapExceeded, InsufficientBalance, InsufficientMargin, NothingReceived, Result,
    VaultError, ZeroAddress, ZeroAmount,
};
use crate::events::{Deposited, Withdrawn};
use crate::storage::Vault;

impl Vault {
    /// Errors: `InsufficientMargin` when the account's equity is below its initial margin, as the
    /// clearinghouse computes them from this collateral value. Without a clearinghouse an account
    /// has neither positions nor debt, so it owes nothing and no price is read.
    pub(crate) fn ensure_collateralised(&self, account: Address) -> Result<()> {
        let clearinghouse = self.clearinghouse.get();
        if clearinghouse.is_zero() {
            return Ok(());
        }
        let value = self.account_collateral_value(account)?;
        let (equity, initial) = self.margin_for(clearinghouse, account, value)?;
        if equity < initial {
            return Err(VaultError::InsufficientMargin(InsufficientMargin::of(
                account, equity, initial,
            )));
        }
        Ok(())
    }

    pub(crate) fn deposit_into(&mut self, account: Address, token: Address, amount: U256) -> Result<U256> {
        // Repaying debt lowers risk: it is open while paused and above the deposit cap, so an
        // account can always cure itself before a liquidation (a full cap, filled by someone
        // else, must not stop it).
        let repayment =
            !token.is_zero() && token == self.settlement_token.get() && amount <= self.debts.get(account);
        if !repayment {
            self.when_not_paused()?;
        }
        if account.is_zero() {
            return Err(VaultError::ZeroAddress(ZeroAddress {}));
        }
        if amount.is_zero() {
            return Err(VaultError::ZeroAmount(ZeroAmount {}));
        }
        self.pricing(token)?;
        let (cap, total) = {
            let c = self.collaterals.getter(token);
            (c.deposit_cap.get(), c.total_deposited.get())
        };
        let cap_check = |received: U256| -> Result<U256> {
            let after = total.checked_add(received).ok_or_else(overflow)?;
            if after > cap {
                return Err(VaultError::DepositCapExceeded(DepositCapExceeded {
                    token,
                    cap,
                    totalAfter: after,
                }));
            }
            Ok(after)
        };
        if !repayment {
            cap_check(amount)?;
        }

        // Credit what arrived, not what was asked: fee-on-transfer tokens deliver less.
        let this = self.vm().contract_address();
        let before = self.token_balance(token, this)?;
        let payer = self.vm().msg_sender();
        self.pull_tokens(token, payer, amount)?;
        let after = self.token_balance(token, this)?;
        let received = after.saturating_sub(before);
        if received.is_zero() {
            return Err(VaultError::NothingReceived(NothingReceived { token }));
        }
        let total_after = if repayment {
            total.checked_add(received).ok_or_else(overflow)?
        } else {
            cap_check(received)?
        };

        if token == self.settlement_token.get() {
            // Settlement-token deposits pay the account's debt first, as every credit does.
            self.credit(account, received)?;
        } else {
            let balance = self.balances.getter(account).get(token);
            let new_balance = balance.checked_add(received).ok_or_else(overflow)?;
            self.balances.setter(account).setter(token).set(new_balance);
        }
        self.collaterals.setter(token).total_deposited.set(total_after);
        self.vm().log(Deposited {
            account,
            token,
            from: payer,
            amount: received,
        });
        Ok(received)
    }

    pub(crate) fn withdraw_to(&mut self, token: Address, amount: U256, to: Address) -> Result<()> {
        if amount.is_zero() {
            return Err(VaultError::ZeroAmount(ZeroAmount {}));
        }
        if to.is_zero() {
            return Err(VaultError::ZeroAddress(ZeroAddress {}));
        }
        let account = self.vm().msg_sender();
        // Effects before the transfer; the margin check sees the balance after the withdrawal.
        if !token.is_zero() && token == self.settlement_token.get() {
            // The settlement token may be borrowed: what the balance lacks becomes debt, which
            // the margin check below counts in full against the account's other equity.
            self.debit(account, amount)?;
        } else {
            let balance = self.balances.getter(account).get(token);
            let Some(remaining) = balance.checked_sub(amount) else {
                return Err(VaultError::InsufficientBalance(InsufficientBalance {
                    account,
                    token,
                    balance,
                    amount,
                }));
            };
            self.balances.setter(account).setter(token).set(remaining);
        }
        let total = self.collaterals.getter(token).total_deposited.get();
        let total_after = total.checked_sub(amount).ok_or_else(overflow)?;
        self.collaterals.setter(token).total_deposited.set(total_after);
        // A failure from here on reverts the transaction, which undoes the writes above.
        self.ensure_collateralised(account)?;
        self.push_tokens(token, to, amount)?;
        self.vm().log(Withdrawn {
            account,
            token,
            to,
            amount,
        });
        Ok(())
    }
}
