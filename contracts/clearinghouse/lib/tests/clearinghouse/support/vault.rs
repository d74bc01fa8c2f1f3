//! A fake vault: per-account collateral values the test sets, a ledger of the clearinghouse's
//! `settle` calls, and collateral values that include the cash settled (scaled from the
//! settlement token's decimals to 18), as the real vault's do. It also answers the views
//! `withdrawable` reads (`collateralConfig`, `config`, `balanceOf`, the settlement token's
//! balance moving with the cash settled).

use std::collections::HashMap;

use alloy_primitives::{Address, I256, U256};
use alloy_sol_types::SolCall;
use pm_clearinghouse::interfaces::IVault;
use pm_test_host::{CallKind, FakeContract, Incoming, Outcome};

/// One `settle(account, counterparty, amount)` call: `amount` settlement-token units moved from
/// `counterparty` to `account` (negative: the other way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settlement {
    pub account: Address,
    pub counterparty: Address,
    pub amount: I256,
}

/// A listed collateral token, as `collateralConfig` answers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Collateral {
    pub oracle: Address,
    pub haircut_bps: u16,
    pub heartbeat: u32,
}

#[derive(Clone, Debug, Default)]
pub struct FakeVault {
    /// The only caller `settle` accepts.
    pub clearinghouse: Address,
    /// The settlement token (`config`'s last field) and its decimals.
    pub settlement_token: Address,
    pub settlement_decimals: u8,
    /// Collateral value before settlements, USD with 18 decimals.
    pub values: HashMap<Address, I256>,
    /// Every accepted `settle`, in order.
    pub ledger: Vec<Settlement>,
    pub collaterals: HashMap<Address, Collateral>,
    /// (account, token) => balance, token units.
    pub balances: HashMap<(Address, Address), U256>,
    /// When set, every call reverts with this data.
    pub revert_with: Option<Vec<u8>>,
    /// When set, every view answers these bytes (which need not decode).
    pub answer_with: Option<Vec<u8>>,
    /// Every accepted `seizeCollateral(account, liquidator)`, in order (the fake holds no other
    /// collateral: each answers the whole debt as still owed; the devnet tests run the real
    /// vault's).
    pub seizures: Vec<(Address, Address)>,
}

/// The counterparty of the ledger entries that write off a socialised debt.
pub const SOCIALISED: Address = Address::repeat_byte(0x5C);

impl FakeVault {
    /// Net settlement-token units the ledger moved to `account` (negative: paid).
    pub fn net_settled(&self, account: Address) -> I256 {
        self.ledger.iter().fold(I256::ZERO, |net, s| {
            let mut net = net;
            if s.account == account {
                net += s.amount;
            }
            if s.counterparty == account {
                net -= s.amount;
            }
            net
        })
    }

    /// The account's debt as the real vault would hold it: a negative collateral value in settlement-token units,
    /// rounded up (the fake holds nothing else to pay it with).
    pub fn debt_of(&self, account: Address) -> U256 {
        let value = self.collateral_value(account);
        if !value.is_negative() {
            return U256::ZERO;
        }
        let scale = U256::from(10u128.pow(18 - u32::from(self.settlement_decimals)));
        (-value).into_raw().div_ceil(scale)
    }

    /// What `collateralValue(account)` answers: the value set, plus the net cash settled in
    /// 18 decimals.
    pub fn collateral_value(&self, account: Address) -> I256 {
        let scale = I256::try_from(10u128.pow(18 - u32::from(self.settlement_decimals))).unwrap();
        self.values.get(&account).copied().unwrap_or_default() + self.net_settled(account) * scale
    }
}

impl FakeContract for FakeVault {
    fn call(&mut self, call: &Incoming<'_>) -> Outcome {
        if let Some(data) = &self.revert_with {
            return Err(data.clone());
        }
        let data = call.data;
        if let Ok(c) = IVault::settleCall::abi_decode(data) {
            // A view cannot write, and only the clearinghouse may settle.
            if call.kind != CallKind::Call || call.from != self.clearinghouse {
                return Err(b"settle refused".to_vec());
            }
            self.ledger.push(Settlement {
                account: c.account,
                counterparty: c.counterparty,
                amount: c.amount,
            });
            return Ok(Vec::new());
        }
        if let Ok(c) = IVault::seizeCollateralCall::abi_decode(data) {
            if call.kind != CallKind::Call || call.from != self.clearinghouse {
                return Err(b"seizeCollateral refused".to_vec());
            }
            self.seizures.push((c.account, c.liquidator));
            // Nothing to sell: the whole debt is still owed.
            return Ok(IVault::seizeCollateralCall::abi_encode_returns(
                &self.debt_of(c.account),
            ));
        }
        if let Ok(c) = IVault::socialiseDebtCall::abi_decode(data) {
            if call.kind != CallKind::Call || call.from != self.clearinghouse {
                return Err(b"socialiseDebt refused".to_vec());
            }
            // Written off: a ledger entry pays the debt from the socialised pseudo-account.
            let debt = self.debt_of(c.account);
            if !debt.is_zero() {
                self.ledger.push(Settlement {
                    account: c.account,
                    counterparty: SOCIALISED,
                    amount: I256::from_raw(debt),
                });
            }
            return Ok(IVault::socialiseDebtCall::abi_encode_returns(&debt));
        }
        if let Some(answer) = &self.answer_with {
            return Ok(answer.clone());
        }
        if let Ok(c) = IVault::collateralValueCall::abi_decode(data) {
            return Ok(IVault::collateralValueCall::abi_encode_returns(
                &self.collateral_value(c.account),
            ));
        }
        if let Ok(c) = IVault::collateralConfigCall::abi_decode(data) {
            let (oracle, haircut, heartbeat) = self
                .collaterals
                .get(&c.token)
                .map_or((Address::ZERO, 0, 0), |c| (c.oracle, c.haircut_bps, c.heartbeat));
            return Ok(IVault::collateralConfigCall::abi_encode_returns_tuple(&(
                oracle,
                haircut,
                U256::from(10u128.pow(30)),
                heartbeat,
                U256::ZERO,
            )));
        }
        if IVault::configCall::abi_decode(data).is_ok() {
            return Ok(IVault::configCall::abi_encode_returns_tuple(&(
                Address::ZERO,
                Address::ZERO,
                false,
                Address::ZERO,
                0u32,
                self.clearinghouse,
                self.settlement_token,
            )));
        }
        if let Ok(c) = IVault::balanceOfCall::abi_decode(data) {
            let mut balance = self
                .balances
                .get(&(c.account, c.token))
                .copied()
                .unwrap_or_default();
            // The settlement token's balance moves with the cash settled (never below zero: the
            // real vault records the rest as debt).
            if c.token == self.settlement_token {
                let net = I256::from_raw(balance) + self.net_settled(c.account);
                balance = if net.is_negative() {
                    U256::ZERO
                } else {
                    net.into_raw()
                };
            }
            return Ok(IVault::balanceOfCall::abi_encode_returns(&balance));
        }
        Err(Vec::new())
    }
}
