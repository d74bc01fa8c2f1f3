//! One keeper round, run each block: follow the engine's events to learn which books changed and
//! fetch those again; read every underlying's feed; re-margin every book locally, least healthy
//! first; ask the chain to confirm each account below maintenance (`liquidationQuote`) and
//! liquidate it; settle expired positions whose price is fixed; now and then hold one account's
//! local figures against the chain's `accountMargin`.

use std::collections::BTreeSet;
use std::time::Duration;

use alloy_primitives::{Address, B256, I256, U256};
use alloy_rpc_types_eth::Filter;
use alloy_sol_types::{SolCall, SolEvent};
use pm_clearinghouse::units::UsdWad;
use pm_deploy::abi::{IClearinghouse, IVault};
use pm_deploy::rpc_chain::RpcChain;
use pm_deploy::Chain;
use pm_risk::MarginReport;
use serde_json::json;

use crate::books::{health, Book, Books};
use crate::log::log;

alloy_sol_types::sol! {
    /// A Chainlink feed.
    interface IFeed {
        function decimals() external view returns (uint8);
        function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80);
    }
}

/// How the keeper behaves.
#[derive(Clone, Debug)]
pub struct KeeperConfig {
    /// Log what it would send, send nothing.
    pub dry_run: bool,
    /// Send nothing while the chain's gas price is above this (wei).
    pub max_gas_price: Option<u128>,
    /// Hold one account against `accountMargin` every this many rounds (0: never).
    pub check_every: u64,
    /// Tries of a transaction before giving up until the next round.
    pub tries: u32,
    /// The wait before the second try; it doubles after each failure.
    pub backoff: Duration,
}

impl Default for KeeperConfig {
    fn default() -> Self {
        Self {
            dry_run: false,
            max_gas_price: None,
            check_every: 20,
            tries: 3,
            backoff: Duration::from_millis(250),
        }
    }
}

/// The engine's addresses the keeper needs (from the deployment file).
#[derive(Clone, Debug)]
pub struct Engine {
    /// The vault.
    pub vault: Address,
    /// The clearinghouse.
    pub clearinghouse: Address,
    /// Each listed underlying's feed, by listed index.
    pub feeds: Vec<Address>,
}

impl Engine {
    /// Reads a deployment file (`pm-deploy`'s).
    ///
    /// # Errors
    /// It cannot be read, or lacks an address.
    pub fn from_deployment(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let d: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let address = |v: &serde_json::Value| -> Result<Address, String> {
            v.as_str()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| format!("{}: a missing or bad address", path.display()))
        };
        let mut feeds = Vec::new();
        for u in d["underlyings"].as_array().ok_or("no underlyings")? {
            feeds.push(address(&u["feed"])?);
        }
        Ok(Self {
            vault: address(&d["vault"])?,
            clearinghouse: address(&d["clearinghouse"])?,
            feeds,
        })
    }
}

/// What one round did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// The block it read.
    pub block: u64,
    /// Books held.
    pub books: usize,
    /// Books fetched again this round.
    pub refreshed: usize,
    /// Accounts found below maintenance by the local margin.
    pub below_maintenance: usize,
    /// Accounts liquidated (or that would be, dry).
    pub liquidated: Vec<Address>,
    /// Accounts whose expired positions were settled.
    pub settled: Vec<Address>,
    /// A cross-check: the account and whether the chain agreed.
    pub checked: Option<(Address, bool)>,
}

/// The keeper.
pub struct Keeper {
    chain: RpcChain,
    engine: Engine,
    config: KeeperConfig,
    books: Books,
    dirty: BTreeSet<Address>,
    next_block: u64,
    decimals: Vec<u8>,
    rounds: u64,
    check_cursor: usize,
}

/// A `pm-risk` figure (USD, 6 decimals) in the ABI's units (USD, 18 decimals), as the
/// clearinghouse converts it.
fn usd_wad(usd: i128) -> I256 {
    UsdWad::from_usd(usd).0
}

/// The account in an event's first indexed topic.
fn account_topic(topics: &[B256]) -> Option<Address> {
    topics.get(1).map(|t| Address::from_word(*t))
}

impl Keeper {
    /// A keeper signing with `chain`'s account, following the engine's events from `from_block`.
    pub fn new(chain: RpcChain, engine: Engine, config: KeeperConfig, from_block: u64) -> Self {
        Self {
            chain,
            engine,
            config,
            books: Books::default(),
            dirty: BTreeSet::new(),
            next_block: from_block,
            decimals: Vec::new(),
            rounds: 0,
            check_cursor: 0,
        }
    }

    /// The books it holds.
    pub fn books(&self) -> &Books {
        &self.books
    }

    /// Learns from the events of blocks `next_block..=to` which books changed.
    fn follow(&mut self, to: u64) -> Result<(), String> {
        if to < self.next_block {
            return Ok(());
        }
        let filter = Filter::new()
            .address(vec![self.engine.vault, self.engine.clearinghouse])
            .from_block(self.next_block)
            .to_block(to);
        let per_account = [
            IClearinghouse::PositionUpdated::SIGNATURE_HASH,
            IClearinghouse::Liquidated::SIGNATURE_HASH,
            IClearinghouse::ExpirySettled::SIGNATURE_HASH,
            IClearinghouse::BadDebt::SIGNATURE_HASH,
            IVault::Deposited::SIGNATURE_HASH,
            IVault::Withdrawn::SIGNATURE_HASH,
            IVault::Settled::SIGNATURE_HASH,
            IVault::CollateralSeized::SIGNATURE_HASH,
        ];
        let everyone = [
            IClearinghouse::RiskUpdatePosted::SIGNATURE_HASH,
            IClearinghouse::RampAdvanced::SIGNATURE_HASH,
            IClearinghouse::RiskParamsSet::SIGNATURE_HASH,
            IClearinghouse::UnderlyingSet::SIGNATURE_HASH,
            IClearinghouse::ExpiryPriceFixed::SIGNATURE_HASH,
            IVault::CollateralConfigured::SIGNATURE_HASH,
            IVault::HaircutAdvanced::SIGNATURE_HASH,
            IVault::DebtSocialised::SIGNATURE_HASH,
        ];
        for l in self.chain.logs(&filter)? {
            let topics = l.inner.topics();
            let Some(topic0) = topics.first() else { continue };
            if per_account.contains(topic0) {
                if let Some(a) = account_topic(topics) {
                    self.dirty.insert(a);
                }
            } else if everyone.contains(topic0) {
                let known: Vec<Address> = self.known();
                self.dirty.extend(known);
            }
        }
        self.next_block = to + 1;
        Ok(())
    }

    /// The accounts with a book or waiting for one.
    fn known(&self) -> Vec<Address> {
        let mut all: Vec<Address> = self.dirty.iter().copied().collect();
        all.extend(self.books.accounts());
        all
    }

    fn view<C: SolCall>(&mut self, to: Address, call: C) -> Result<C::Return, String> {
        let out = self.chain.call(to, call.abi_encode(), U256::ZERO)?;
        C::abi_decode_returns(&out).map_err(|e| format!("{}: {e}", C::SIGNATURE))
    }

    /// Fetches the changed books again; an account the chain cannot value now stays to be
    /// fetched next round.
    fn refresh(&mut self) -> usize {
        let mut refreshed = 0;
        let dirty: Vec<Address> = std::mem::take(&mut self.dirty).into_iter().collect();
        for account in dirty {
            let fetched = self
                .view(
                    self.engine.clearinghouse,
                    IClearinghouse::positionsCall { account },
                )
                .and_then(|p| {
                    if p.instruments.is_empty() {
                        return Ok(None);
                    }
                    let request = self.view(
                        self.engine.clearinghouse,
                        IClearinghouse::riskRequestCall { account },
                    )?;
                    Book::new(&request, &p.instruments).map(Some)
                });
            match fetched {
                Ok(Some(book)) => {
                    self.books.insert(account, book);
                    refreshed += 1;
                }
                Ok(None) => self.books.remove(account),
                Err(e) => {
                    log(
                        "warn",
                        "book_unreadable",
                        json!({ "account": account, "error": e }),
                    );
                    self.dirty.insert(account);
                }
            }
        }
        refreshed
    }

    /// Every listed underlying's price from its feed (USD, 18 decimals); none where it cannot be
    /// read (the books keep their price and the chain will refuse what needs it).
    fn prices(&mut self) -> Vec<Option<i128>> {
        let feeds = self.engine.feeds.clone();
        if self.decimals.len() != feeds.len() {
            self.decimals = feeds
                .iter()
                .map(|f| self.view(*f, IFeed::decimalsCall {}).unwrap_or(8))
                .collect();
        }
        feeds
            .iter()
            .zip(self.decimals.clone())
            .map(|(feed, decimals)| {
                let answer = self.view(*feed, IFeed::latestRoundDataCall {}).ok()?._1;
                let answer = i128::try_from(answer).ok()?;
                let scale = 10i128.checked_pow(u32::from(18u8.checked_sub(decimals)?))?;
                answer.checked_mul(scale)
            })
            .collect()
    }

    /// Sends `data` to `to` with the configured tries and back-off, unless dry or the gas price
    /// is above the guard. Whether it was sent and mined.
    fn send(&mut self, what: &str, account: Address, to: Address, data: Vec<u8>) -> bool {
        if self.config.dry_run {
            log("info", "dry_run", json!({ "would": what, "account": account }));
            return true;
        }
        if let Some(max) = self.config.max_gas_price {
            match self.chain.gas_price() {
                Ok(price) if price > max => {
                    log(
                        "warn",
                        "gas_price_guard",
                        json!({ "would": what, "account": account, "gasPrice": price.to_string(), "max": max.to_string() }),
                    );
                    return false;
                }
                Ok(_) => {}
                Err(e) => {
                    log("warn", "gas_price_unreadable", json!({ "error": e }));
                    return false;
                }
            }
        }
        let mut wait = self.config.backoff;
        for attempt in 1..=self.config.tries.max(1) {
            match self.chain.send(Some(to), data.clone(), U256::ZERO) {
                Ok(sent) => {
                    log(
                        "info",
                        what,
                        json!({ "account": account, "gasUsed": sent.gas_used, "attempt": attempt }),
                    );
                    return true;
                }
                Err(e) => {
                    log(
                        "warn",
                        "send_failed",
                        json!({ "what": what, "account": account, "attempt": attempt, "error": e }),
                    );
                    std::thread::sleep(wait);
                    wait = wait.saturating_mul(2);
                }
            }
        }
        false
    }

    /// Confirms with the chain and liquidates `account`; whether it did.
    fn liquidate(&mut self, account: Address, local: &Result<MarginReport, String>) -> bool {
        let quote = match self.view(
            self.engine.clearinghouse,
            IClearinghouse::liquidationQuoteCall { account },
        ) {
            Ok(q) => q,
            Err(e) => {
                log("warn", "quote_failed", json!({ "account": account, "error": e }));
                return false;
            }
        };
        let (equity, maintenance) = match local {
            Ok(r) => (usd_wad(r.equity).to_string(), usd_wad(r.maintenance).to_string()),
            Err(e) => (e.clone(), String::new()),
        };
        if !quote.liquidatable {
            log(
                "info",
                "not_liquidatable_on_chain",
                json!({ "account": account, "equity": equity, "maintenance": maintenance }),
            );
            return false;
        }
        log(
            "info",
            "liquidating",
            json!({ "account": account, "equity": equity, "maintenance": maintenance, "fraction": quote.fraction.to_string() }),
        );
        let data = IClearinghouse::liquidateCall { account }.abi_encode();
        let clearinghouse = self.engine.clearinghouse;
        self.send("liquidated", account, clearinghouse, data)
    }

    /// Settles `account`'s expired positions whose price is fixed; whether any were.
    fn settle(&mut self, account: Address) -> bool {
        let call = IClearinghouse::settleExpiredCall { account };
        match self.view(self.engine.clearinghouse, call.clone()) {
            Ok(n) if n > 0 => {
                let clearinghouse = self.engine.clearinghouse;
                self.send("settled", account, clearinghouse, call.abi_encode())
            }
            Ok(_) => false,
            Err(e) => {
                log("warn", "settle_failed", json!({ "account": account, "error": e }));
                false
            }
        }
    }

    /// Holds one account's local figures against the chain's `accountMargin`: whether they agree
    /// to the wei (`pm-risk` counts USD with 6 decimals, the ABI with 18).
    fn cross_check(&mut self, account: Address, prices: &[Option<i128>], now: u64) -> Option<bool> {
        let local = self.books.margin(&account, prices, now).ok()?;
        let chain = self
            .view(
                self.engine.clearinghouse,
                IClearinghouse::accountMarginCall { account },
            )
            .ok()?;
        let (equity, initial, maintenance) = (
            usd_wad(local.equity),
            usd_wad(local.initial),
            usd_wad(local.maintenance),
        );
        let agree = chain.equity == equity
            && chain.initialMargin == initial
            && chain.maintenanceMargin == maintenance;
        let level = if agree { "info" } else { "warn" };
        log(
            level,
            "cross_check",
            json!({
                "account": account, "agree": agree,
                "equity": equity.to_string(), "chainEquity": chain.equity.to_string(),
                "initial": initial.to_string(), "chainInitial": chain.initialMargin.to_string(),
                "maintenance": maintenance.to_string(), "chainMaintenance": chain.maintenanceMargin.to_string(),
            }),
        );
        Some(agree)
    }

    /// One round at the latest block (nothing if no block came since the last).
    ///
    /// # Errors
    /// The chain cannot be read (the caller backs off and tries again).
    pub fn round(&mut self) -> Result<Round, String> {
        let (block, now) = self.chain.latest_block()?;
        if block + 1 == self.next_block && self.dirty.is_empty() {
            return Ok(Round {
                block,
                books: self.books.len(),
                ..Round::default()
            });
        }
        self.follow(block)?;
        let refreshed = self.refresh();
        let prices = self.prices();
        let margins = self.books.remargin(&prices, now);
        let mut round = Round {
            block,
            books: self.books.len(),
            refreshed,
            ..Round::default()
        };
        for (account, report) in &margins {
            let below = match report {
                Ok(r) => health(r) < 0,
                Err(_) => true,
            };
            if !below {
                break;
            }
            round.below_maintenance += 1;
            if self.liquidate(*account, report) {
                round.liquidated.push(*account);
                self.dirty.insert(*account);
            }
        }
        for account in self.books.expired(now) {
            if self.settle(account) {
                round.settled.push(account);
                self.dirty.insert(account);
            }
        }
        self.rounds += 1;
        if self.config.check_every > 0 && (self.rounds - 1).is_multiple_of(self.config.check_every) {
            let accounts = self.books.accounts();
            if !accounts.is_empty() {
                let account = accounts[self.check_cursor % accounts.len()];
                self.check_cursor = self.check_cursor.wrapping_add(1);
                round.checked = self
                    .cross_check(account, &prices, now)
                    .map(|agree| (account, agree));
            }
        }
        log(
            "debug",
            "round",
            json!({ "block": block, "books": round.books, "refreshed": refreshed, "belowMaintenance": round.below_maintenance }),
        );
        Ok(round)
    }
}
