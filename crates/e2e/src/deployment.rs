//! Deploys the whole portfolio-margin engine on a [`Devnet`] from the built artifacts: every
//! program of `contracts/programs.tsv` (the risk program, the vault, the clearinghouse's facets
//! and core), a 6-decimal USDC with its Chainlink feed, four underlyings (BTC, ETH, SOL, SPX)
//! with their feeds, posted vols, the default risk parameters and the fixtures' correlation
//! matrix, and the two Solidity markets. Needs `script/build-wasm.sh` and `forge build` first.

use alloy_primitives::{aliases::U80, keccak256, Address, Bytes, I256, U256};
use alloy_sol_types::{sol, SolCall};
use pm_clearinghouse::instrument::{id_of, risk_instrument, spec_of, Spec};
use pm_risk::wire::params_of;
use pm_risk::{defaults, Market, Position, Underlying, UnderlyingParams};

use stylus_devnet::{Devnet, Receipt};

use pm_deploy::config::{Collateral, DeployConfig, Params, UnderlyingConfig, Wad};
use pm_deploy::devnet_chain::DevnetChain;
use pm_deploy::mocks;
use pm_deploy::plan::{deploy_programs, finish};

pub use pm_deploy::abi::{IClearinghouse, IStylusDeployer, IVault};
pub use pm_deploy::plan::constructor;

sol! {
    /// The Solidity mocks and markets this module drives.
    interface IHelpers {
        function mint(address to, uint256 amount) external;
        function approve(address spender, uint256 amount) external returns (bool);
        function setAnswer(int256 answer) external;
        function propose(address taker, uint128[] instruments, int128[] sizes, int128[] prices, uint64 deadline)
            external returns (uint256);
        function accept(uint256 id) external;
        function listSeries(uint8 underlying, bool isCall, uint64 expiry, uint128 strike) external returns (uint128);
        function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80);
        function balanceOf(address account) external view returns (uint256);
        function setRound(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
            external;
    }
}

/// One USD (or one unit) with 18 decimals.
pub const E18: i128 = 1_000_000_000_000_000_000;
/// One USD with 8 decimals (a Chainlink price, an option strike).
pub const E8: i64 = 100_000_000;
/// One USDC (6 decimals).
pub const USDC: u64 = 1_000_000;

/// A listed underlying: symbol, price (USD, 8 decimals as its feed answers), implied vol (18
/// decimals) and its default risk parameters.
pub struct Listing {
    /// Ticker.
    pub symbol: &'static str,
    /// Feed answer, USD with 8 decimals.
    pub price: i64,
    /// Implied vol, 18 decimals.
    pub vol: i128,
    /// Risk parameters.
    pub params: UnderlyingParams,
}

/// The four underlyings, in index order (the fixtures' market data).
pub fn listings() -> [Listing; 4] {
    [
        Listing {
            symbol: "BTC",
            price: 65_000 * E8,
            vol: 55 * E18 / 100,
            params: defaults::BTC,
        },
        Listing {
            symbol: "ETH",
            price: 3_000 * E8,
            vol: 65 * E18 / 100,
            params: defaults::ETH,
        },
        Listing {
            symbol: "SOL",
            price: 150 * E8,
            vol: 85 * E18 / 100,
            params: defaults::SOL,
        },
        Listing {
            symbol: "SPX",
            price: 5_800 * E8,
            vol: 18 * E18 / 100,
            params: defaults::INDEX,
        },
    ]
}

/// The correlations above the diagonal, row by row (BTC-ETH, BTC-SOL, BTC-SPX, ETH-SOL, ETH-SPX,
/// SOL-SPX), as in `test/fixtures/portfolios/options-128.json`.
pub const CORRELATIONS: [i128; 6] = [
    85 * E18 / 100,
    75 * E18 / 100,
    30 * E18 / 100,
    80 * E18 / 100,
    30 * E18 / 100,
    25 * E18 / 100,
];

/// A trade leg: instrument id, size from the maker's side, price per unit (18 decimals each).
pub type Leg = (u128, i128, i128);

/// An account's margin figures from `accountMargin` (USD with 18 decimals).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Margin {
    /// Collateral (debt subtracted) plus positions at the marks.
    pub equity: I256,
    /// Initial margin.
    pub initial: I256,
    /// Maintenance margin.
    pub maintenance: I256,
    /// Sum of each position margined alone: initial.
    pub isolated_initial: I256,
    /// Sum of each position margined alone: maintenance.
    pub isolated_maintenance: I256,
    /// Equity − initial margin.
    pub free_collateral: I256,
    /// Maintenance / equity (18 decimals).
    pub utilisation: I256,
    /// Equity below maintenance.
    pub liquidatable: bool,
}

/// The deployed engine and its chain.
pub struct Engine {
    /// The chain.
    pub chain: Devnet,
    /// Owner, risk admin and risk oracle of everything.
    pub owner: Address,
    /// Every program of `contracts/programs.tsv`: its name and address, in deployment order.
    pub programs: Vec<(String, Address)>,
    /// The stateless risk program.
    pub risk_program: Address,
    /// The vault (`IVault`).
    pub vault: Address,
    /// The clearinghouse core (`IClearinghouse`: every function answers at this address).
    pub clearinghouse: Address,
    /// The settlement token (6 decimals).
    pub usdc: Address,
    /// Its Chainlink feed (8 decimals, 1.00).
    pub usdc_feed: Address,
    /// The underlyings' feeds, in index order.
    pub feeds: Vec<Address>,
    /// The perp market.
    pub perps: Address,
    /// The options market.
    pub options: Address,
    /// Gas of each deployment and configuration step, in order.
    pub setup_gas: Vec<(String, u64)>,
}

/// The path of Foundry's artifact of contract `name` under the repository root `root`.
pub fn artifact(root: &str, name: &str) -> String {
    format!("{root}/out/{name}.sol/{name}.json")
}

/// The most each market's `settle` (fees, funding) moves per hour: 10,000 USDC.
pub const SETTLE_CAP_USDC: u64 = 10_000;

/// Every listing's trade band for perps and futures: 5% of the price around it.
pub const FUTURE_BAND: i128 = 50_000_000_000_000_000;
/// Every listing's trade band for options: 5% of the underlying's price around the Black-76 mark.
pub const OPTION_BAND: i128 = 50_000_000_000_000_000;

/// The instrument id of `kind` (0 perp, 1 future, 2 call, 3 put) on `underlying`, `strike` in
/// USD with 8 decimals: the clearinghouse's own encoding (`instrumentId`).
pub fn instrument(underlying: u8, kind: u8, expiry: u64, strike: u128) -> u128 {
    id_of(&Spec {
        underlying,
        kind,
        expiry,
        strike,
    })
}

/// Deploys Foundry's `MockERC20` named `name`, symbol `symbol`, with `decimals`; its address.
fn mock_token(
    chain: &mut Devnet,
    owner: Address,
    root: &str,
    name: &str,
    symbol: &str,
    decimals: u8,
) -> Result<Address, String> {
    let mut on = DevnetChain {
        chain,
        account: owner,
    };
    mocks::mock_token(&mut on, std::path::Path::new(root), name, symbol, decimals)
}

/// Deploys Foundry's `MockAggregatorV3` of `decimals` answering `answer`; its address.
fn mock_feed(
    chain: &mut Devnet,
    owner: Address,
    root: &str,
    decimals: u8,
    answer: i128,
) -> Result<Address, String> {
    let mut on = DevnetChain {
        chain,
        account: owner,
    };
    mocks::mock_feed(&mut on, std::path::Path::new(root), decimals, answer)
}

/// The address of the program called `name` among `programs`. Errors: none is called so.
fn address_of(programs: &[(String, Address)], name: &str) -> Result<Address, String> {
    programs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, a)| *a)
        .ok_or_else(|| format!("contracts/programs.tsv lists no {name}"))
}

fn i256(v: i128) -> I256 {
    I256::try_from(v).unwrap_or_default()
}

/// The configuration the tests deploy with: USDC (6 decimals) as settlement token, the four
/// listings with their feeds, the fixtures' correlations, every listing's trade bands, and
/// [`SETTLE_CAP_USDC`] per market.
pub fn engine_config(usdc: Address, usdc_feed: Address, feeds: &[Address]) -> DeployConfig {
    DeployConfig {
        chain_id: None,
        owner: None,
        risk_admin: None,
        risk_oracle: None,
        guardian: None,
        sequencer_feed: None,
        settlement: Collateral {
            token: usdc,
            feed: usdc_feed,
            heartbeat: 86_400,
            haircut_bps: 0,
            deposit_cap: U256::from(10u64.pow(18)),
        },
        settlement_decimals: 6,
        collateral: Vec::new(),
        underlyings: listings()
            .iter()
            .zip(feeds)
            .map(|(l, feed)| UnderlyingConfig {
                symbol: l.symbol.to_string(),
                feed: *feed,
                heartbeat: 86_400,
                vol_max_age: 86_400,
                oracle_addon: Wad(0),
                params: Params::Wire(params_of(&l.params).map(Wad)),
                future_band: Wad(FUTURE_BAND),
                option_band: Wad(OPTION_BAND),
                vol: Wad(l.vol),
            })
            .collect(),
        correlations: CORRELATIONS.iter().map(|c| Wad(*c)).collect(),
        settle_cap: U256::from(SETTLE_CAP_USDC) * U256::from(USDC),
        program_cache: None,
    }
}

impl Engine {
    /// Deploys and configures everything; `root` is the repository root. The programs and the
    /// configuration go through `pm-deploy`'s plan, the one `pm-deploy` runs on any chain; the
    /// mock tokens and feeds are deployed between its halves.
    pub fn deploy(root: &str) -> Result<Self, String> {
        let mut chain = Devnet::new();
        let owner = chain.accounts[0];
        let path = std::path::Path::new(root);
        let deployed = deploy_programs(
            &mut DevnetChain {
                chain: &mut chain,
                account: owner,
            },
            path,
            6,
        )?;
        let usdc = mock_token(&mut chain, owner, root, "USD Coin", "USDC", 6)?;
        let usdc_feed = mock_feed(&mut chain, owner, root, 8, 100_000_000)?;
        let mut feeds = Vec::new();
        for l in listings() {
            feeds.push(mock_feed(&mut chain, owner, root, 8, i128::from(l.price))?);
        }
        let config = engine_config(usdc, usdc_feed, &feeds);
        let d = finish(
            &mut DevnetChain {
                chain: &mut chain,
                account: owner,
            },
            path,
            &config,
            deployed,
        )?;
        Ok(Engine {
            chain,
            owner,
            programs: d.programs.iter().map(|p| (p.name.clone(), p.address)).collect(),
            risk_program: d.risk_program,
            vault: d.vault,
            clearinghouse: d.clearinghouse,
            usdc,
            usdc_feed,
            feeds,
            perps: d.perp_market,
            options: d.options_market,
            setup_gas: d.steps.into_iter().map(|s| (s.label, s.gas_used)).collect(),
        })
    }

    /// The address of the deployed program called `name` (`contracts/programs.tsv`).
    /// Errors: the list has no such program.
    pub fn program(&self, name: &str) -> Result<Address, String> {
        address_of(&self.programs, name)
    }

    /// Sends a transaction that must succeed; records its gas under `label`.
    pub fn step(
        &mut self,
        label: &str,
        from: Address,
        to: Address,
        data: Vec<u8>,
    ) -> Result<Receipt, String> {
        let r = self.chain.send(from, to, data, U256::ZERO);
        if !r.status {
            return Err(format!("{label} failed: {r:?}"));
        }
        self.setup_gas.push((label.to_string(), r.gas_used));
        Ok(r)
    }

    /// Puts every program in Arbitrum's program cache (`ArbWasmCache.cacheProgram`, as the chain
    /// owner): calls then pay only the cached part of the entry cost, as busy programs on
    /// Arbitrum do.
    pub fn cache_programs(&mut self) -> Result<(), String> {
        let programs: Vec<Address> = self.programs.iter().map(|(_, a)| *a).collect();
        for program in programs {
            let mut data = keccak256("cacheProgram(address)")[..4].to_vec();
            data.extend(program.into_word());
            self.step(
                "cacheProgram",
                self.owner,
                stylus_devnet::arbwasmcache::ADDRESS,
                data,
            )?;
        }
        Ok(())
    }

    /// Sends a transaction; the receipt, success or not.
    pub fn send(&mut self, from: Address, to: Address, data: Vec<u8>) -> Receipt {
        self.chain.send(from, to, data, U256::ZERO)
    }

    /// Posts the risk oracle's update again (vols expire after a day): every underlying's vol in
    /// force (its listing's before the first update) and the correlations in force (the
    /// fixtures' before the first update).
    pub fn post_vols(&mut self) -> Result<(), String> {
        let vols = self.vols_in_force()?;
        self.post_risk_update(vols)
    }

    /// Posts `vol` (18 decimals) as underlying `index`'s implied volatility, in an update that
    /// keeps every other vol and the correlations in force.
    pub fn post_vol(&mut self, index: u8, vol: i128) -> Result<(), String> {
        let mut vols = self.vols_in_force()?;
        *vols.get_mut(usize::from(index)).ok_or("unknown underlying")? = vol;
        self.post_risk_update(vols)
    }

    /// Underlying `index`'s vol in force (18 decimals; 0 before the first update).
    pub fn vol_of(&mut self, index: u8) -> Result<i128, String> {
        Ok(self
            .view(self.clearinghouse, IClearinghouse::underlyingCall { index })?
            .vol)
    }

    /// Every listed underlying's vol in force, its listing's where none was posted.
    fn vols_in_force(&mut self) -> Result<Vec<i128>, String> {
        let mut vols = Vec::new();
        for (i, l) in listings().iter().enumerate() {
            let vol = self.vol_of(i as u8)?;
            vols.push(if vol == 0 { l.vol } else { vol });
        }
        Ok(vols)
    }

    /// The risk oracle (the owner here) posts `vols` with the correlations in force, or the
    /// fixtures' before the first update.
    fn post_risk_update(&mut self, vols: Vec<i128>) -> Result<(), String> {
        let bounds = self.view(self.clearinghouse, IClearinghouse::riskOracleBoundsCall {})?;
        let correlations = if bounds.updatedAt == 0 {
            CORRELATIONS.to_vec()
        } else {
            self.view(self.clearinghouse, IClearinghouse::riskParamsCall {})?
                .correlations
        };
        let data = IClearinghouse::postRiskUpdateCall { vols, correlations }.abi_encode();
        self.step("postRiskUpdate", self.owner, self.clearinghouse, data)?;
        Ok(())
    }

    /// Mints `usdc` whole USDC to `account` and deposits them in the vault.
    pub fn deposit(&mut self, account: Address, usdc: u64) -> Result<(), String> {
        let amount = U256::from(usdc) * U256::from(USDC);
        self.deposit_token(account, self.usdc, amount)
    }

    /// Lists a new collateral token in the vault: a mock ERC-20 of `decimals` with an 8-decimal
    /// feed answering `price_e8`, at `haircut_bps`. Returns (token, feed).
    pub fn list_collateral(
        &mut self,
        root: &str,
        symbol: &str,
        decimals: u8,
        price_e8: i64,
        haircut_bps: u16,
    ) -> Result<(Address, Address), String> {
        let owner = self.owner;
        let token = mock_token(&mut self.chain, owner, root, symbol, symbol, decimals)?;
        let feed = mock_feed(&mut self.chain, owner, root, 8, i128::from(price_e8))?;
        let data = IVault::setCollateralCall {
            token,
            oracle: feed,
            haircutBps: haircut_bps,
            depositCap: U256::MAX,
            heartbeat: 86_400,
        }
        .abi_encode();
        self.step("vault setCollateral", owner, self.vault, data)?;
        Ok((token, feed))
    }

    /// Mints `amount` units of the mock `token` to `account`, which deposits them in the vault.
    pub fn deposit_token(&mut self, account: Address, token: Address, amount: U256) -> Result<(), String> {
        let (owner, vault) = (self.owner, self.vault);
        self.step(
            "mint",
            owner,
            token,
            IHelpers::mintCall { to: account, amount }.abi_encode(),
        )?;
        self.step(
            "approve",
            account,
            token,
            IHelpers::approveCall {
                spender: vault,
                amount,
            }
            .abi_encode(),
        )?;
        self.step(
            "deposit",
            account,
            vault,
            IVault::depositCall { token, amount }.abi_encode(),
        )?;
        Ok(())
    }

    /// The vault's USDC ledger of `account`: (balance, debt), token units.
    pub fn usdc_ledger(&mut self, account: Address) -> Result<(U256, U256), String> {
        let token = self.usdc;
        let balance = self.view(self.vault, IVault::balanceOfCall { account, token })?;
        let debt = self.view(self.vault, IVault::debtOfCall { account })?;
        Ok((balance, debt))
    }

    /// The USDC tokens the vault holds (the token's `balanceOf`), token units.
    pub fn vault_usdc_held(&mut self) -> Result<U256, String> {
        self.view(self.usdc, IHelpers::balanceOfCall { account: self.vault })
    }

    /// Mints `usdc` whole USDC to `account`, deposits them in the vault and approves both markets.
    pub fn open_account(&mut self, account: Address, usdc: u64) -> Result<(), String> {
        self.deposit(account, usdc)?;
        self.approve_markets(account)
    }

    /// `account` approves both markets to trade for it.
    pub fn approve_markets(&mut self, account: Address) -> Result<(), String> {
        for market in [self.perps, self.options] {
            self.step(
                "approveMarket",
                account,
                self.clearinghouse,
                IClearinghouse::approveMarketCall {
                    market,
                    approved: true,
                }
                .abi_encode(),
            )?;
        }
        Ok(())
    }

    /// Lists an option series on the options market; its instrument id.
    pub fn list_option(
        &mut self,
        underlying: u8,
        is_call: bool,
        expiry: u64,
        strike: u128,
    ) -> Result<u128, String> {
        let data = IHelpers::listSeriesCall {
            underlying,
            isCall: is_call,
            expiry,
            strike,
        }
        .abi_encode();
        self.step("listSeries", self.owner, self.options, data)?;
        Ok(instrument(
            underlying,
            if is_call { 2 } else { 3 },
            expiry,
            strike,
        ))
    }

    /// `maker` proposes `legs` on `market` to `taker`, who accepts: the accept's receipt (which
    /// fails with the engine's error if either side cannot take the trade).
    pub fn trade(
        &mut self,
        market: Address,
        maker: Address,
        taker: Address,
        legs: &[Leg],
    ) -> Result<Receipt, String> {
        let deadline = self.chain.timestamp() + 3_600;
        let propose = IHelpers::proposeCall {
            taker,
            instruments: legs.iter().map(|l| l.0).collect(),
            sizes: legs.iter().map(|l| l.1).collect(),
            prices: legs.iter().map(|l| l.2).collect(),
            deadline,
        };
        let r = self.step("propose", maker, market, propose.abi_encode())?;
        let id = U256::from_be_slice(r.output.get(..32).ok_or("propose returned nothing")?);
        // The accept opens a block, so its receipt is a first call of the programs in a block
        // (ArbOS 61 charges a repeat in the same block only the cached entry).
        self.chain.advance(0);
        Ok(self.send(taker, market, IHelpers::acceptCall { id }.abi_encode()))
    }

    /// `accountMargin(account)` (an eth_call) and its gas.
    pub fn margin(&mut self, account: Address) -> Result<(Margin, u64), String> {
        let r = self.chain.call(
            account,
            self.clearinghouse,
            IClearinghouse::accountMarginCall { account }.abi_encode(),
        );
        if !r.status {
            return Err(format!("accountMargin failed: {r:?}"));
        }
        let m =
            IClearinghouse::accountMarginCall::abi_decode_returns(&r.output).map_err(|e| e.to_string())?;
        Ok((
            Margin {
                equity: m.equity,
                initial: m.initialMargin,
                maintenance: m.maintenanceMargin,
                isolated_initial: m.isolatedInitialMargin,
                isolated_maintenance: m.isolatedMaintenanceMargin,
                free_collateral: m.freeCollateral,
                utilisation: m.utilisation,
                liquidatable: m.liquidatable,
            },
            r.gas_used,
        ))
    }

    /// The packed risk request of `account`'s book, as the clearinghouse sends it.
    pub fn risk_request(&mut self, account: Address) -> Result<Vec<u8>, String> {
        let r = self.chain.call(
            account,
            self.clearinghouse,
            IClearinghouse::riskRequestCall { account }.abi_encode(),
        );
        if !r.status {
            return Err(format!("riskRequest failed: {r:?}"));
        }
        let b: Bytes =
            IClearinghouse::riskRequestCall::abi_decode_returns(&r.output).map_err(|e| e.to_string())?;
        Ok(b.to_vec())
    }

    /// `call` on `to` as an `eth_call` from the owner, decoded. Errors: the call reverts, or
    /// its answer does not decode.
    pub fn view<C: SolCall>(&mut self, to: Address, call: C) -> Result<C::Return, String> {
        let r = self.chain.call(self.owner, to, call.abi_encode());
        if !r.status {
            return Err(format!("{} failed: {r:?}", C::SIGNATURE));
        }
        C::abi_decode_returns(&r.output).map_err(|e| e.to_string())
    }

    /// The vault's collateral value of `account` (USD, 18 decimals).
    pub fn collateral_value(&mut self, account: Address) -> Result<I256, String> {
        self.view(self.vault, IVault::collateralValueCall { account })
    }

    /// Underlying `index`'s settlement price for `expiry` (USD, 18 decimals; 0 until fixed).
    pub fn expiry_price(&mut self, index: u8, expiry: u64) -> Result<I256, String> {
        let call = IClearinghouse::expiryPriceCall {
            underlying: index,
            expiry,
        };
        self.view(self.clearinghouse, call)
    }

    /// Sets underlying `index`'s feed to `price` (USD, 8 decimals), stamped now.
    pub fn set_price(&mut self, index: usize, price: i64) -> Result<(), String> {
        let feed = *self.feeds.get(index).ok_or("no such underlying")?;
        let data = IHelpers::setAnswerCall {
            answer: i256(i128::from(price)),
        }
        .abi_encode();
        self.step("setAnswer", self.owner, feed, data)?;
        Ok(())
    }

    /// Underlying `index`'s latest feed answer (USD, 8 decimals); 0 for an unknown one.
    pub fn latest_price_of(&mut self, index: usize) -> i64 {
        let Some(&feed) = self.feeds.get(index) else {
            return 0;
        };
        let r = self
            .chain
            .call(self.owner, feed, IHelpers::latestRoundDataCall {}.abi_encode());
        IHelpers::latestRoundDataCall::abi_decode_returns(&r.output)
            .ok()
            .and_then(|round| i64::try_from(round._1).ok())
            .unwrap_or(0)
    }

    /// `keeper` settles `account`'s expired positions whose prices are fixed: the receipt.
    pub fn settle_expired(&mut self, keeper: Address, account: Address) -> Receipt {
        let data = IClearinghouse::settleExpiredCall { account }.abi_encode();
        self.send(keeper, self.clearinghouse, data)
    }

    /// Deploys a Chainlink-style L2 sequencer-uptime feed (a `MockAggregatorV3` answering 0: up
    /// since now) and makes it the vault's, with `grace_period` seconds; its address.
    pub fn add_sequencer_feed(&mut self, root: &str, grace_period: u32) -> Result<Address, String> {
        let feed = mock_feed(&mut self.chain, self.owner, root, 0, 0)?;
        let data = IVault::setSequencerFeedCall {
            feed,
            gracePeriod: grace_period,
        }
        .abi_encode();
        self.step("setSequencerFeed", self.owner, self.vault, data)?;
        Ok(feed)
    }

    /// A new round of `feed` answering `answer`, stamped now (a sequencer feed: 0 up, 1 down).
    pub fn set_feed_answer(&mut self, feed: Address, answer: i64) -> Result<(), String> {
        let data = IHelpers::setAnswerCall {
            answer: i256(i128::from(answer)),
        }
        .abi_encode();
        self.step("setAnswer", self.owner, feed, data)?;
        Ok(())
    }

    /// Makes underlying `index`'s latest round incomplete: answered in the round before it.
    pub fn make_round_incomplete(&mut self, index: usize) -> Result<(), String> {
        let feed = *self.feeds.get(index).ok_or("no such underlying")?;
        let r = self
            .chain
            .call(self.owner, feed, IHelpers::latestRoundDataCall {}.abi_encode());
        let round =
            IHelpers::latestRoundDataCall::abi_decode_returns(&r.output).map_err(|e| e.to_string())?;
        let data = IHelpers::setRoundCall {
            roundId: round._0 + U80::from(1u8),
            answer: round._1,
            startedAt: U256::from(self.chain.timestamp()),
            updatedAt: U256::from(self.chain.timestamp()),
            answeredInRound: round._0,
        }
        .abi_encode();
        self.step("setRound", self.owner, feed, data)?;
        Ok(())
    }

    /// Moves underlying `index`'s reference price towards its live price (anyone may).
    pub fn update_reference_price(&mut self, index: u8) -> Result<(), String> {
        let data = IClearinghouse::updateReferencePriceCall { underlying: index }.abi_encode();
        self.step("updateReferencePrice", self.owner, self.clearinghouse, data)?;
        Ok(())
    }

    /// Underlying `index`'s feed answers `price` (USD, 8 decimals) in round `round_id`, complete and
    /// updated now, which becomes its latest (a Chainlink proxy's id: the phase above bit 64).
    pub fn set_round(&mut self, index: usize, round_id: U80, price: i64) -> Result<(), String> {
        let feed = *self.feeds.get(index).ok_or("no such underlying")?;
        let data = IHelpers::setRoundCall {
            roundId: round_id,
            answer: i256(i128::from(price)),
            startedAt: U256::from(self.chain.timestamp()),
            updatedAt: U256::from(self.chain.timestamp()),
            answeredInRound: round_id,
        }
        .abi_encode();
        self.step("setRound", self.owner, feed, data)?;
        Ok(())
    }

    /// The id of underlying `index`'s feed's latest round.
    pub fn latest_round_id(&mut self, index: usize) -> Result<U80, String> {
        let feed = *self.feeds.get(index).ok_or("no such underlying")?;
        let r = self
            .chain
            .call(self.owner, feed, IHelpers::latestRoundDataCall {}.abi_encode());
        let round =
            IHelpers::latestRoundDataCall::abi_decode_returns(&r.output).map_err(|e| e.to_string())?;
        Ok(round._0)
    }

    /// `keeper` fixes underlying `index`'s settlement price for `expiry` from its feed's latest
    /// round (which must be the first at or after the expiry).
    pub fn fix_expiry_price(&mut self, keeper: Address, index: u8, expiry: u64) -> Result<Receipt, String> {
        let round = self.latest_round_id(usize::from(index))?;
        let data = IClearinghouse::fixExpiryPriceCall {
            underlying: index,
            expiry,
            roundId: round,
        }
        .abi_encode();
        Ok(self.send(keeper, self.clearinghouse, data))
    }

    /// Stamps the USDC feed's 1.00 again (its heartbeat is a day).
    pub fn refresh_usdc_feed(&mut self) -> Result<(), String> {
        let data = IHelpers::setAnswerCall {
            answer: i256(100_000_000),
        }
        .abi_encode();
        self.step("setAnswer USDC", self.owner, self.usdc_feed, data)?;
        Ok(())
    }

    /// Lists `n` option series and returns them as legs of size ±1 at their marks: calls and puts,
    /// 4 strikes (80–120% of the price), 4 expiries (7–180 days, plus i minutes so that every
    /// option is its own series), round-robin over the first `underlyings` underlyings. The
    /// risk program's gas test margins the same book.
    pub fn options_book(&mut self, n: usize, underlyings: usize) -> Result<Vec<Leg>, String> {
        let now = self.chain.timestamp();
        let prices: Vec<i64> = listings().iter().map(|l| l.price).collect();
        let mut legs = Vec::with_capacity(n);
        for i in 0..n {
            let u = i % underlyings.max(1);
            let price = *prices.get(u).ok_or("at most 4 underlyings")? as u128;
            let strike = price / 100 * [80, 90, 110, 120][(i / underlyings) % 4];
            let expiry = now + [7, 30, 90, 180][(i / (4 * underlyings)) % 4] * 86_400 + i as u64 * 60;
            let id = self.list_option(u as u8, i.is_multiple_of(2), expiry, strike)?;
            let premium = self.mark(id)?;
            legs.push((id, if (i / 2).is_multiple_of(2) { E18 } else { -E18 }, premium));
        }
        Ok(legs)
    }

    /// The engine's mark of `instrument` now, USD per unit with 18 decimals, as the risk program
    /// quotes it to hold trade prices to their band: its underlying's feed price for a perp or
    /// future, Black-76 at the posted vol for an option (computed with `pm-risk` from the chain's
    /// feed answer and posted vol).
    pub fn mark(&mut self, instrument: u128) -> Result<i128, String> {
        let spec = spec_of(instrument);
        let k = usize::from(spec.underlying);
        let feed = *self.feeds.get(k).ok_or("unknown underlying")?;
        let round = self
            .chain
            .call(self.owner, feed, IHelpers::latestRoundDataCall {}.abi_encode());
        let round =
            IHelpers::latestRoundDataCall::abi_decode_returns(&round.output).map_err(|e| e.to_string())?;
        let answer = i128::try_from(round._1).map_err(|e| e.to_string())?;
        let listed = self.chain.call(
            self.owner,
            self.clearinghouse,
            IClearinghouse::underlyingCall {
                index: spec.underlying,
            }
            .abi_encode(),
        );
        let listed =
            IClearinghouse::underlyingCall::abi_decode_returns(&listed.output).map_err(|e| e.to_string())?;
        let params = listings().get(k).ok_or("unknown underlying")?.params;
        let underlying = Underlying {
            market: Market {
                price: answer * 10_000_000_000,
                vol: listed.vol,
                oracle_addon: 0,
            },
            params,
        };
        let position = Position {
            underlying: 0,
            instrument: risk_instrument(&spec),
            size: 0,
            entry: 0,
        };
        pm_risk::mark(&position, &underlying, self.chain.timestamp()).map_err(|e| format!("{e:?}"))
    }

    /// Trades `legs` between `holder` (maker) and `counterparty` on the options market, 16 legs a
    /// ticket (each transaction far below the 32M gas cap).
    pub fn build_book(&mut self, holder: Address, counterparty: Address, legs: &[Leg]) -> Result<(), String> {
        for chunk in legs.chunks(16) {
            let r = self.trade(self.options, holder, counterparty, chunk)?;
            if !r.status {
                return Err(format!("building a book: {r:?}"));
            }
        }
        Ok(())
    }

    /// The account's book (instrument ids and sizes), from the views facet.
    pub fn positions(&mut self, account: Address) -> Result<(Vec<u128>, Vec<i128>), String> {
        let p = self.view(self.clearinghouse, IClearinghouse::positionsCall { account })?;
        Ok((p.instruments, p.sizes))
    }

    /// `liquidationQuote(account)`: what liquidating it now would do.
    pub fn liquidation_quote(
        &mut self,
        account: Address,
    ) -> Result<IClearinghouse::liquidationQuoteReturn, String> {
        self.view(
            self.clearinghouse,
            IClearinghouse::liquidationQuoteCall { account },
        )
    }

    /// `keeper` liquidates `account`: the receipt.
    pub fn liquidate(&mut self, keeper: Address, account: Address) -> Receipt {
        let data = IClearinghouse::liquidateCall { account }.abi_encode();
        self.send(keeper, self.clearinghouse, data)
    }

    /// `insuranceFund()`: the fund's vault account, its USDC balance (token units) and the bad
    /// debt recorded.
    pub fn insurance_fund(&mut self) -> Result<IClearinghouse::insuranceFundReturn, String> {
        self.view(self.clearinghouse, IClearinghouse::insuranceFundCall {})
    }

    /// How many whole USDC `account` may withdraw now (the clearinghouse's `withdrawable`).
    pub fn withdrawable_usdc(&mut self, account: Address) -> Result<u64, String> {
        let token = self.usdc;
        let units = self.view(
            self.clearinghouse,
            IClearinghouse::withdrawableCall { account, token },
        )?;
        Ok((units / U256::from(USDC)).saturating_to())
    }

    /// Withdraws `usdc` whole USDC of `account`'s balance to itself: the receipt.
    pub fn withdraw(&mut self, account: Address, usdc: u64) -> Receipt {
        let data = IVault::withdrawCall {
            token: self.usdc,
            amount: U256::from(usdc) * U256::from(USDC),
            to: account,
        }
        .abi_encode();
        self.send(account, self.vault, data)
    }
}
