//! One keeper round, run each block: follow the engine's events to learn which books changed and
//! fetch those again; fix the settlement price of each passed expiry an account holds; read
//! every underlying's and collateral token's feed; re-margin every book locally, least healthy
//! first; ask the chain to confirm each account below maintenance (`liquidationQuote`) and
//! liquidate it; settle expired positions whose price is fixed; every few minutes of chain time
//! do the engine's chores (reference prices, ramps: `upkeep`); now and then hold one account's
//! local figures against the chain's `accountMargin`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use alloy_primitives::aliases::U80;
use alloy_primitives::{Address, B256, I256, U256};
use alloy_rpc_types_eth::Filter;
use alloy_sol_types::{SolCall, SolEvent};
use pm_clearinghouse::units::UsdWad;
use pm_deploy::abi::{IClearinghouse, IVault};
use pm_deploy::rpc_chain::RpcChain;
use pm_deploy::Chain;
use pm_risk::MarginReport;
use serde_json::json;

use crate::books::{expiries_of, health, Book, Books};
use crate::log::log;
use crate::state::KeeperState;
use crate::upkeep::{settlement_round, Schedule, Settlement, DEFAULT_UPKEEP_EVERY};

alloy_sol_types::sol! {
    /// A Chainlink feed.
    interface IFeed {
        function decimals() external view returns (uint8);
        function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80);
        function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80);
    }
}

/// The most blocks one `eth_getLogs` asks for (providers refuse wide ranges).
pub const LOG_CHUNK: u64 = 5_000;
/// Blocks an account waits after a liquidation of it failed, so that it does not hold up the
/// accounts behind it.
pub const COOL_DOWN_BLOCKS: u64 = 10;

/// How the keeper behaves.
#[derive(Clone, Debug)]
pub struct KeeperConfig {
    /// Simulate what it would send (`eth_call`) and log it, send nothing.
    pub dry_run: bool,
    /// Send nothing while the chain's gas price is above this (wei).
    pub max_gas_price: Option<u128>,
    /// Hold one account against `accountMargin` every this many rounds (0: never).
    pub check_every: u64,
    /// Tries of a transaction that failed for want of a receipt or a connection (a revert is
    /// not tried again).
    pub tries: u32,
    /// The wait before the second try; it doubles after each failure.
    pub backoff: Duration,
    /// Seconds of chain time between two upkeeps (reference prices, ramps; 0: never).
    pub upkeep_every: u64,
}

impl Default for KeeperConfig {
    fn default() -> Self {
        Self {
            dry_run: false,
            max_gas_price: None,
            check_every: 20,
            tries: 3,
            backoff: Duration::from_millis(250),
            upkeep_every: DEFAULT_UPKEEP_EVERY,
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
    /// The deployment's first block: where following the events starts by default.
    pub first_block: u64,
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
        let address = |field: &str| -> Result<Address, String> {
            d[field]
                .as_str()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| format!("{}: no address {field}", path.display()))
        };
        Ok(Self {
            vault: address("vault")?,
            clearinghouse: address("clearinghouse")?,
            first_block: d["firstBlock"].as_u64().unwrap_or(0),
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
    /// Accounts found below maintenance by the local margin (or with no positions and negative
    /// equity).
    pub below_maintenance: usize,
    /// Accounts liquidated (or that would be, dry).
    pub liquidated: Vec<Address>,
    /// Accounts whose expired positions were settled.
    pub settled: Vec<Address>,
    /// Settlement prices fixed: (listed underlying, expiry).
    pub fixed: Vec<(u8, u64)>,
    /// The upkeep's calls sent (e.g. `advanceRamps`).
    pub upkept: Vec<String>,
    /// A cross-check: the account and whether the chain agreed.
    pub checked: Option<(Address, bool)>,
}

/// A feed and what the keeper knows of it.
#[derive(Clone, Debug, Default)]
struct Feed {
    address: Address,
    decimals: Option<u8>,
    answer: Option<I256>,
    /// Its heartbeat, seconds (an underlying's, from the clearinghouse; 0 otherwise).
    heartbeat: u64,
}

/// The keeper.
pub struct Keeper {
    chain: RpcChain,
    engine: Engine,
    config: KeeperConfig,
    books: Books,
    /// Accounts whose book must be fetched again.
    dirty: BTreeSet<Address>,
    /// Accounts with no positions and negative equity (closed out by `liquidate` too).
    insolvent: BTreeSet<Address>,
    /// Accounts not to try before the block given.
    cool_down: HashMap<Address, u64>,
    next_block: u64,
    /// The underlyings' feeds, by listed index (read again when one is set).
    underlyings: Vec<Feed>,
    reload_underlyings: bool,
    /// The collateral tokens' feeds, by feed address (from `CollateralConfigured`).
    collateral: BTreeMap<Address, Feed>,
    /// The collateral tokens (from `CollateralConfigured`), whose haircut ramps the upkeep moves.
    collateral_tokens: BTreeSet<Address>,
    /// Every (listed underlying, expiry) each account holds (from `positions`, even when its
    /// book cannot be valued now).
    expiries: HashMap<Address, Vec<(u8, u64)>>,
    /// Expiries whose settlement price is known fixed: (listed underlying, expiry).
    fixed: BTreeSet<(u8, u64)>,
    /// Expiries whose price the chain cannot be shown (looked at again when the underlyings
    /// change).
    unprovable: BTreeSet<(u8, u64)>,
    upkeep: Schedule,
    rounds: u64,
    check_cursor: usize,
}

/// A `pm-risk` figure (USD, 6 decimals) in the ABI's units (USD, 18 decimals), as the
/// clearinghouse converts it.
fn usd_wad(usd: i128) -> I256 {
    UsdWad::from_usd(usd).0
}

/// The address in an event's indexed topic `i`.
fn topic_address(topics: &[B256], i: usize) -> Option<Address> {
    topics.get(i).map(|t| Address::from_word(*t))
}

/// Logs that (underlying, expiry)'s price or round cannot be read now (tried again next round).
fn expiry_unreadable((underlying, expiry): (u8, u64), error: String) {
    log(
        "warn",
        "expiry_price_unreadable",
        json!({ "underlying": underlying, "expiry": expiry, "error": error }),
    );
}

/// Whether a send failed because the chain refused it on its merits (a revert: trying again
/// changes nothing).
fn reverted(error: &str) -> bool {
    error.starts_with("reverted") || error.contains("execution reverted")
}

impl Keeper {
    /// A keeper signing with `chain`'s account, following the engine's events from `from_block`.
    pub fn new(chain: RpcChain, engine: Engine, config: KeeperConfig, from_block: u64) -> Self {
        let upkeep = Schedule::every(config.upkeep_every);
        Self {
            chain,
            engine,
            config,
            books: Books::default(),
            dirty: BTreeSet::new(),
            insolvent: BTreeSet::new(),
            cool_down: HashMap::new(),
            next_block: from_block,
            underlyings: Vec::new(),
            reload_underlyings: true,
            collateral: BTreeMap::new(),
            collateral_tokens: BTreeSet::new(),
            expiries: HashMap::new(),
            fixed: BTreeSet::new(),
            unprovable: BTreeSet::new(),
            upkeep,
            rounds: 0,
            check_cursor: 0,
        }
    }

    /// The books it holds.
    pub fn books(&self) -> &Books {
        &self.books
    }

    /// What it would need after a restart ([`KeeperState`]).
    pub fn state(&self) -> KeeperState {
        let mut accounts = self.known();
        accounts.sort();
        accounts.dedup();
        KeeperState {
            chain_id: self.chain.chain_id,
            clearinghouse: self.engine.clearinghouse,
            next_block: self.next_block,
            accounts,
            collateral_tokens: self.collateral_tokens.iter().copied().collect(),
            collateral_feeds: self.collateral.keys().copied().collect(),
            block_hash: None,
        }
    }

    /// The hash of block `number` (`None`: not mined).
    ///
    /// # Errors
    /// The chain cannot be read.
    pub fn block_hash(&mut self, number: u64) -> Result<Option<B256>, String> {
        crate::state::block_hash(&mut self.chain, number)
    }

    /// Takes up what an earlier run learnt from the events before `state`'s block (start the
    /// keeper from that block): each of its accounts' books is fetched again, and its collateral
    /// tokens and feeds are watched.
    pub fn restore(&mut self, state: &KeeperState) {
        self.dirty.extend(state.accounts.iter().copied());
        self.collateral_tokens
            .extend(state.collateral_tokens.iter().copied());
        for feed in &state.collateral_feeds {
            self.collateral.entry(*feed).or_insert(Feed {
                address: *feed,
                ..Feed::default()
            });
        }
    }

    /// Every account with a book or waiting for one.
    fn known(&self) -> Vec<Address> {
        let mut all: Vec<Address> = self.dirty.iter().copied().collect();
        all.extend(self.books.accounts());
        all.extend(self.insolvent.iter().copied());
        all
    }

    fn everyone_dirty(&mut self) {
        let known = self.known();
        self.dirty.extend(known);
    }

    /// Learns from the events of blocks `next_block..=to` which books changed, in chunks of
    /// [`LOG_CHUNK`] blocks.
    fn follow(&mut self, to: u64) -> Result<(), String> {
        let both_sides = [
            IClearinghouse::Liquidated::SIGNATURE_HASH,
            IVault::Settled::SIGNATURE_HASH,
            IVault::CollateralSeized::SIGNATURE_HASH,
        ];
        let per_account = [
            IClearinghouse::PositionUpdated::SIGNATURE_HASH,
            IClearinghouse::ExpirySettled::SIGNATURE_HASH,
            IClearinghouse::BadDebt::SIGNATURE_HASH,
            IVault::Deposited::SIGNATURE_HASH,
            IVault::Withdrawn::SIGNATURE_HASH,
        ];
        let everyone = [
            IClearinghouse::RiskUpdatePosted::SIGNATURE_HASH,
            IClearinghouse::RampAdvanced::SIGNATURE_HASH,
            IClearinghouse::RiskParamsSet::SIGNATURE_HASH,
            IClearinghouse::ExpiryPriceFixed::SIGNATURE_HASH,
            IVault::HaircutAdvanced::SIGNATURE_HASH,
            IVault::DebtSocialised::SIGNATURE_HASH,
        ];
        while self.next_block <= to {
            let end = to.min(self.next_block.saturating_add(LOG_CHUNK - 1));
            let filter = Filter::new()
                .address(vec![self.engine.vault, self.engine.clearinghouse])
                .from_block(self.next_block)
                .to_block(end);
            for l in self.chain.logs(&filter)? {
                let topics = l.inner.topics();
                let Some(topic0) = topics.first() else { continue };
                if per_account.contains(topic0) || both_sides.contains(topic0) {
                    self.dirty.extend(topic_address(topics, 1));
                    if both_sides.contains(topic0) {
                        self.dirty.extend(topic_address(topics, 2));
                    }
                } else if *topic0 == IClearinghouse::UnderlyingSet::SIGNATURE_HASH {
                    self.reload_underlyings = true;
                    self.everyone_dirty();
                } else if *topic0 == IVault::CollateralConfigured::SIGNATURE_HASH {
                    if let Some(token) = topic_address(topics, 1) {
                        self.collateral_tokens.insert(token);
                    }
                    if let Some(oracle) = topic_address(topics, 2) {
                        self.collateral.entry(oracle).or_insert(Feed {
                            address: oracle,
                            ..Feed::default()
                        });
                    }
                    self.everyone_dirty();
                } else if everyone.contains(topic0) {
                    self.everyone_dirty();
                }
            }
            self.next_block = end + 1;
        }
        Ok(())
    }

    fn view<C: SolCall>(&mut self, to: Address, call: C) -> Result<C::Return, String> {
        let out = self.chain.call(to, call.abi_encode(), U256::ZERO)?;
        C::abi_decode_returns(&out).map_err(|e| format!("{}: {e}", C::SIGNATURE))
    }

    /// Reads the listed underlyings' feeds from the clearinghouse (at start, and after
    /// `UnderlyingSet`).
    fn load_underlyings(&mut self) -> Result<(), String> {
        let count = self.view(self.engine.clearinghouse, IClearinghouse::underlyingCountCall {})?;
        let mut feeds = Vec::new();
        for index in 0..count {
            let u = self.view(
                self.engine.clearinghouse,
                IClearinghouse::underlyingCall { index },
            )?;
            feeds.push(Feed {
                address: u.feed,
                heartbeat: u64::from(u.heartbeat),
                ..Feed::default()
            });
        }
        self.underlyings = feeds;
        // A feed may have changed: expiries set aside are looked at again.
        self.unprovable.clear();
        let tokens = self.view(self.engine.vault, IVault::collateralTokensCall {})?;
        self.collateral_tokens.extend(tokens);
        self.reload_underlyings = false;
        Ok(())
    }

    /// Fetches the changed books again. One the chain cannot value now stays to be fetched next
    /// round; its account is returned, to be settled if an expiry is what stops it.
    fn refresh(&mut self) -> (usize, Vec<Address>) {
        let mut refreshed = 0;
        let mut unreadable = Vec::new();
        let dirty: Vec<Address> = std::mem::take(&mut self.dirty).into_iter().collect();
        let clearinghouse = self.engine.clearinghouse;
        for account in dirty {
            let fetched = self
                .view(clearinghouse, IClearinghouse::positionsCall { account })
                .and_then(|p| {
                    let held = expiries_of(&p.instruments);
                    if held.is_empty() {
                        self.expiries.remove(&account);
                    } else {
                        self.expiries.insert(account, held);
                    }
                    if p.instruments.is_empty() {
                        return Ok(None);
                    }
                    let request = self.view(clearinghouse, IClearinghouse::riskRequestCall { account })?;
                    let listed = self
                        .view(clearinghouse, IClearinghouse::riskByUnderlyingCall { account })?
                        .underlyings;
                    Book::new(&request, listed, &p.instruments).map(Some)
                });
            match fetched {
                Ok(Some(book)) => {
                    self.books.insert(account, book);
                    self.insolvent.remove(&account);
                    refreshed += 1;
                }
                Ok(None) => {
                    self.books.remove(account);
                    let value = self.view(self.engine.vault, IVault::collateralValueCall { account });
                    if value.is_ok_and(|v| v.is_negative()) {
                        self.insolvent.insert(account);
                    } else {
                        self.insolvent.remove(&account);
                    }
                }
                Err(e) => {
                    log(
                        "warn",
                        "book_unreadable",
                        json!({ "account": account, "error": e }),
                    );
                    unreadable.push(account);
                }
            }
        }
        self.dirty.extend(unreadable.iter().copied());
        (refreshed, unreadable)
    }

    /// A feed's answer and decimals now; none where it cannot be read or is not positive.
    fn read_feed(&mut self, feed: &mut Feed) -> Option<(I256, u8)> {
        if feed.decimals.is_none() {
            feed.decimals = self.view(feed.address, IFeed::decimalsCall {}).ok();
        }
        let decimals = feed.decimals?;
        let answer = self.view(feed.address, IFeed::latestRoundDataCall {}).ok()?._1;
        (answer > I256::ZERO).then_some((answer, decimals))
    }

    /// Every listed underlying's price from its feed (USD, 18 decimals); none where it cannot be
    /// read (the books keep their price, and the chain will refuse what needs it).
    fn prices(&mut self) -> Vec<Option<i128>> {
        let mut feeds = std::mem::take(&mut self.underlyings);
        let prices = feeds
            .iter_mut()
            .map(|feed| {
                let (answer, decimals) = self.read_feed(feed)?;
                let answer = i128::try_from(answer).ok()?;
                if decimals <= 18 {
                    answer.checked_mul(10i128.checked_pow(u32::from(18 - decimals))?)
                } else {
                    answer.checked_div(10i128.checked_pow(u32::from(decimals - 18))?)
                }
            })
            .collect();
        self.underlyings = feeds;
        prices
    }

    /// Whether a collateral token's feed moved since the last round (the books' collateral
    /// values are then stale).
    fn collateral_moved(&mut self) -> bool {
        let mut feeds = std::mem::take(&mut self.collateral);
        let mut moved = false;
        for feed in feeds.values_mut() {
            let now = self.read_feed(feed).map(|(a, _)| a);
            moved |= feed.answer.is_some() && now != feed.answer;
            feed.answer = now;
        }
        self.collateral = feeds;
        moved
    }

    /// Sends `data` to `to`, unless dry (then simulated) or the gas price is above the guard.
    /// A revert is not tried again; a lost connection or receipt is, with back-off. Whether it
    /// was mined (dry: whether it would succeed).
    fn send(&mut self, what: &str, subject: serde_json::Value, to: Address, data: Vec<u8>) -> bool {
        // `subject`'s fields (e.g. the account) with `more`'s.
        let with = |more: serde_json::Value| {
            let mut fields = subject.clone();
            if let (Some(f), Some(m)) = (fields.as_object_mut(), more.as_object()) {
                f.extend(m.clone());
            }
            fields
        };
        if self.config.dry_run {
            let simulated = self.chain.call(to, data, U256::ZERO);
            log(
                "info",
                "dry_run",
                with(json!({ "would": what, "ok": simulated.is_ok(), "error": simulated.err() })),
            );
            return false;
        }
        if let Some(max) = self.config.max_gas_price {
            match self.chain.gas_price() {
                Ok(price) if price > max => {
                    log(
                        "warn",
                        "gas_price_guard",
                        with(json!({ "would": what, "gasPrice": price.to_string(), "max": max.to_string() })),
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
        let tries = self.config.tries.max(1);
        for attempt in 1..=tries {
            match self.chain.send(Some(to), data.clone(), U256::ZERO) {
                Ok(sent) => {
                    log(
                        "info",
                        what,
                        with(json!({ "gasUsed": sent.gas_used, "attempt": attempt })),
                    );
                    return true;
                }
                Err(e) => {
                    let final_try = attempt == tries || reverted(&e);
                    log(
                        "warn",
                        "send_failed",
                        with(json!({ "what": what, "attempt": attempt, "error": e, "again": !final_try })),
                    );
                    if final_try {
                        break;
                    }
                    std::thread::sleep(wait);
                    wait = wait.saturating_mul(2);
                }
            }
        }
        false
    }

    /// Confirms with the chain and liquidates `account`; whether it did. A failure cools the
    /// account down for [`COOL_DOWN_BLOCKS`].
    fn liquidate(
        &mut self,
        account: Address,
        local: Option<&Result<MarginReport, String>>,
        block: u64,
    ) -> bool {
        let clearinghouse = self.engine.clearinghouse;
        let quote = match self.view(clearinghouse, IClearinghouse::liquidationQuoteCall { account }) {
            Ok(q) => q,
            Err(e) => {
                log("warn", "quote_failed", json!({ "account": account, "error": e }));
                self.cool_down.insert(account, block + COOL_DOWN_BLOCKS);
                return false;
            }
        };
        let figures = match local {
            Some(Ok(r)) => {
                json!({ "equity": usd_wad(r.equity).to_string(), "maintenance": usd_wad(r.maintenance).to_string() })
            }
            Some(Err(e)) => json!({ "localError": e }),
            None => json!({ "noPositions": true }),
        };
        if !quote.liquidatable {
            log(
                "info",
                "not_liquidatable_on_chain",
                json!({ "account": account, "local": figures }),
            );
            self.dirty.insert(account);
            self.cool_down.insert(account, block + COOL_DOWN_BLOCKS);
            return false;
        }
        log(
            "info",
            "liquidating",
            json!({ "account": account, "local": figures, "fraction": quote.fraction.to_string(), "reward": quote.reward.to_string() }),
        );
        let done = self.send(
            "liquidated",
            json!({ "account": account }),
            clearinghouse,
            IClearinghouse::liquidateCall { account }.abi_encode(),
        );
        if !done {
            self.cool_down.insert(account, block + COOL_DOWN_BLOCKS);
        }
        done
    }

    /// Simulates `call` to `to` and sends it (as [`Self::send`], logged as `what` with
    /// `subject`) if `worth` finds its answer changes something (and gives the answer's fields
    /// to log); whether it was sent. A failed simulation is logged as `failed`, with `subject`,
    /// and nothing is sent.
    fn send_if<C: SolCall + Clone>(
        &mut self,
        (what, failed): (&str, &str),
        subject: serde_json::Value,
        to: Address,
        call: C,
        worth: impl FnOnce(&C::Return) -> Option<serde_json::Value>,
    ) -> bool {
        let mut fields = subject;
        match self.view(to, call.clone()) {
            Ok(answer) => match (worth(&answer), fields.as_object_mut()) {
                (Some(more), Some(f)) => {
                    f.extend(more.as_object().cloned().unwrap_or_default());
                    self.send(what, fields, to, call.abi_encode())
                }
                _ => false,
            },
            Err(e) => {
                fields["error"] = e.into();
                log("warn", failed, fields);
                false
            }
        }
    }

    /// Settles `account`'s expired positions whose price is fixed; whether any were.
    fn settle(&mut self, account: Address) -> bool {
        let clearinghouse = self.engine.clearinghouse;
        self.send_if(
            ("settled", "settle_failed"),
            json!({ "account": account }),
            clearinghouse,
            IClearinghouse::settleExpiredCall { account },
            |settled| (*settled > 0).then(|| json!({})),
        )
    }

    /// The settlement round of `expiry` in `underlying`'s feed (`upkeep::settlement_round`),
    /// checked as `fixExpiryPrice` will: within one heartbeat of the expiry. One not provable is
    /// not yet while `now` is within that heartbeat (a replaced aggregator may still post it).
    ///
    /// # Errors
    /// The feed cannot be read now.
    fn settlement(&mut self, underlying: u8, expiry: u64, now: u64) -> Result<Settlement, String> {
        let feed = self
            .underlyings
            .get(usize::from(underlying))
            .cloned()
            .ok_or("the underlyings are not loaded")?;
        let latest = self.view(feed.address, IFeed::latestRoundDataCall {})?;
        let updated = u64::try_from(latest._3).map_err(|e| e.to_string())?;
        let found = settlement_round((latest._0.to::<u128>(), updated), expiry, |id| {
            let id = U80::try_from(id).map_err(|e| e.to_string())?;
            match self.view(feed.address, IFeed::getRoundDataCall { roundId: id }) {
                // A feed answers a missing round with zeros (OCR2) or a revert (OCR1, mocks).
                Ok(r) => Ok(u64::try_from(r._3).ok().filter(|t| *t > 0)),
                Err(e) if reverted(&e) => Ok(None),
                Err(e) => Err(e),
            }
        })?;
        Ok(match found {
            Settlement::Round { updated_at, .. } if updated_at > expiry.saturating_add(feed.heartbeat) => {
                Settlement::Unprovable(format!(
                    "the first round after the expiry came at {updated_at}, more than a heartbeat ({}) after it",
                    feed.heartbeat
                ))
            }
            // Within a heartbeat of the expiry a replaced aggregator may still post the round
            // that settles it: looked at again next round until then.
            Settlement::Unprovable(_) if now <= expiry.saturating_add(feed.heartbeat) => Settlement::NotYet,
            other => other,
        })
    }

    /// Fixes the settlement price of each passed expiry an account holds (from its feed's first
    /// round at or after it); the expiries fixed. One the chain cannot be shown is set aside
    /// (logged once) until the underlyings change; one whose round has not come is looked at
    /// again next round.
    fn fix_expiries(&mut self, now: u64) -> Vec<(u8, u64)> {
        let clearinghouse = self.engine.clearinghouse;
        let mut fixed = Vec::new();
        let due: BTreeSet<(u8, u64)> = self
            .expiries
            .values()
            .flatten()
            .copied()
            .filter(|(_, e)| *e <= now)
            .collect();
        for (underlying, expiry) in due {
            let key = (underlying, expiry);
            if self.fixed.contains(&key) || self.unprovable.contains(&key) {
                continue;
            }
            let subject = json!({ "underlying": underlying, "expiry": expiry });
            let known = self.view(
                clearinghouse,
                IClearinghouse::expiryPriceCall { underlying, expiry },
            );
            let round = match known.and_then(|price| {
                if price.is_zero() {
                    self.settlement(underlying, expiry, now).map(Some)
                } else {
                    Ok(None)
                }
            }) {
                Ok(None) => {
                    self.fixed.insert(key);
                    continue;
                }
                Ok(Some(Settlement::NotYet)) => {
                    log("debug", "expiry_round_not_yet", subject);
                    continue;
                }
                Ok(Some(Settlement::Unprovable(why))) => {
                    self.set_aside(key, why);
                    continue;
                }
                Ok(Some(Settlement::Round { id, .. })) => id,
                Err(e) => {
                    expiry_unreadable(key, e);
                    continue;
                }
            };
            let Ok(round_id) = U80::try_from(round) else {
                continue;
            };
            let call = IClearinghouse::fixExpiryPriceCall {
                underlying,
                expiry,
                roundId: round_id,
            };
            // Simulated first: a refusal on the round's merits is not tried again; one of the
            // moment (the sequencer, the vault, a feed round not readable yet: a later phase that
            // has not posted its first round) is, next round.
            if let Err(e) = self.chain.call(clearinghouse, call.abi_encode(), U256::ZERO) {
                let passing = [
                    "SequencerDown",
                    "SequencerGracePeriod",
                    "VaultCallFailed",
                    "OracleCallFailed",
                ];
                if reverted(&e) && !passing.iter().any(|p| e.contains(p)) {
                    self.set_aside(key, e);
                } else {
                    expiry_unreadable(key, e);
                }
                continue;
            }
            let sent = self.send("expiry_price_fixed", subject, clearinghouse, call.abi_encode());
            // A dry run logs it once.
            if sent || self.config.dry_run {
                self.fixed.insert(key);
            }
            if sent {
                fixed.push(key);
            }
        }
        fixed
    }

    /// Sets aside an expiry the chain cannot be shown (`why`), logged once, until the
    /// underlyings change.
    fn set_aside(&mut self, (underlying, expiry): (u8, u64), why: String) {
        log(
            "error",
            "expiry_price_unprovable",
            json!({ "underlying": underlying, "expiry": expiry, "why": why }),
        );
        self.unprovable.insert((underlying, expiry));
    }

    /// The engine's chores, each sent only when it would change something: every listed
    /// underlying's reference price moved towards its live price, the parameter ramps under way
    /// advanced, and each collateral token's haircut ramp under way advanced. The calls sent.
    fn upkeep(&mut self) -> Vec<String> {
        let (clearinghouse, vault) = (self.engine.clearinghouse, self.engine.vault);
        let mut sent = Vec::new();
        for underlying in 0..u8::try_from(self.underlyings.len()).unwrap_or(u8::MAX) {
            let subject = json!({ "underlying": underlying });
            let stored = match self.view(clearinghouse, IClearinghouse::referencePriceCall { underlying }) {
                Ok(r) => r.price,
                Err(e) => {
                    log(
                        "warn",
                        "reference_price_failed",
                        json!({ "underlying": underlying, "error": e }),
                    );
                    continue;
                }
            };
            let call = IClearinghouse::updateReferencePriceCall { underlying };
            let events = ("reference_price_updated", "reference_price_failed");
            let moved = |next: &I256| (*next != stored).then(|| json!({ "price": next.to_string() }));
            if self.send_if(events, subject, clearinghouse, call, moved) {
                sent.push(format!("updateReferencePrice({underlying})"));
            }
        }
        let events = ("ramps_advanced", "ramps_failed");
        let call = IClearinghouse::advanceRampsCall {};
        let under_way = |n: &u8| (*n > 0).then(|| json!({ "underWay": n }));
        if self.send_if(events, json!({}), clearinghouse, call, under_way) {
            sent.push("advanceRamps".into());
        }
        let tokens: Vec<Address> = self.collateral_tokens.iter().copied().collect();
        for token in tokens {
            match self.view(vault, IVault::haircutRampCall { token }) {
                Ok(r) if r.duration > 0 && r.applied < r.duration => {
                    let call = IVault::advanceHaircutCall { token };
                    if self.send(
                        "haircut_advanced",
                        json!({ "token": token }),
                        vault,
                        call.abi_encode(),
                    ) {
                        sent.push(format!("advanceHaircut({token})"));
                    }
                }
                Ok(_) => {}
                Err(e) => log(
                    "warn",
                    "haircut_ramp_unreadable",
                    json!({ "token": token, "error": e }),
                ),
            }
        }
        sent
    }

    /// Holds one account's local figures against the chain's `accountMargin`: whether they agree
    /// to the wei (`pm-risk` counts USD with 6 decimals, the ABI with 18). A disagreement marks
    /// the book to be fetched again.
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
        if !agree {
            self.dirty.insert(account);
        }
        log(
            if agree { "info" } else { "warn" },
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

    /// One round at the latest block (nothing if no block came since the last and nothing
    /// waits).
    ///
    /// # Errors
    /// The chain's latest block cannot be read (the caller backs off and tries again). Other
    /// failures are logged and the round goes on with what it knows.
    pub fn round(&mut self) -> Result<Round, String> {
        let (block, now) = self.chain.latest_block()?;
        if block + 1 == self.next_block && self.dirty.is_empty() && self.insolvent.is_empty() {
            return Ok(Round {
                block,
                books: self.books.len(),
                ..Round::default()
            });
        }
        let me = self.chain.account();
        if let Err(e) = self.follow(block) {
            log(
                "warn",
                "follow_failed",
                json!({ "from": self.next_block, "to": block, "error": e }),
            );
        }
        if self.reload_underlyings {
            if let Err(e) = self.load_underlyings() {
                log("warn", "underlyings_unreadable", json!({ "error": e }));
            }
        }
        if self.collateral_moved() {
            self.everyone_dirty();
        }
        let (refreshed, unreadable) = self.refresh();
        // Before liquidations: `liquidate` settles what is fixed first.
        let fixed = self.fix_expiries(now);
        let prices = self.prices();
        let margins = self.books.remargin(&prices, now);
        let mut round = Round {
            block,
            books: self.books.len(),
            refreshed,
            fixed,
            ..Round::default()
        };
        self.cool_down.retain(|_, until| *until > block);
        let insolvent: Vec<Address> = self.insolvent.iter().copied().collect();
        let below = margins
            .iter()
            .take_while(|(_, r)| r.as_ref().map(|r| health(r) < 0).unwrap_or(true))
            .map(|(a, r)| (*a, Some(r.clone())))
            .chain(insolvent.into_iter().map(|a| (a, None)));
        for (account, report) in below.collect::<Vec<_>>() {
            round.below_maintenance += 1;
            if account == me || self.cool_down.contains_key(&account) {
                continue;
            }
            if self.liquidate(account, report.as_ref(), block) {
                round.liquidated.push(account);
                self.dirty.insert(account);
            }
        }
        let mut expired = self.books.expired(now);
        expired.extend(unreadable);
        for account in expired {
            if self.settle(account) {
                round.settled.push(account);
                self.dirty.insert(account);
            }
        }
        // Not in a round that liquidated (its sends wait for receipts): the next one does it.
        if round.liquidated.is_empty() && self.upkeep.due(now) {
            round.upkept = self.upkeep();
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
            json!({ "block": block, "books": round.books, "refreshed": refreshed, "belowMaintenance": round.below_maintenance,
                    "liquidated": round.liquidated.len(), "settled": round.settled.len(), "fixed": round.fixed.len(),
                    "upkept": round.upkept }),
        );
        Ok(round)
    }
}
