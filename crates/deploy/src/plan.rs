//! The deployment plan, one for every chain: the deployer contract; each program deployed,
//! activated (its data fee learnt by a call, then offered with a fifth more; ArbWasm repays the
//! excess; code already active is not activated again) and constructed in one transaction, so
//! nobody can initialise it first; the markets; the configuration; the roles handed over; then,
//! optionally, the program cache. The deploying account is owner, risk admin and risk oracle
//! while it configures, then hands each role to the configured account (ownership is offered:
//! the owner accepts it).

use std::path::Path;

use alloy_primitives::{keccak256, Address, Bytes, U256};
use alloy_sol_types::sol_data::{Address as SolAddress, Bytes as SolBytes};
use alloy_sol_types::{SolCall, SolEvent, SolType, SolValue};
use pm_risk::defaults;
use pm_risk::wire::scalars_of;
use serde::Serialize;

use crate::abi::{IArbWasm, IClearinghouse, IProgramCache, IStylusDeployer, IVault};
use crate::artifacts::{creation_code, program_init_code};
use crate::chain::{Chain, Sent};
use crate::config::{Collateral, DeployConfig, ProgramCache};
use crate::programs::programs;

/// ArbWasm's address.
pub const ARB_WASM: Address = Address::new([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x71]);
/// ArbWasmCache's address (the chain owner's program cache switch).
pub const ARB_WASM_CACHE: Address =
    Address::new([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x72]);
/// The most wei offered in the call that learns a program's data fee (ArbWasm repays it all).
pub const FEE_PROBE_WEI: u128 = 1_000_000_000_000_000_000;

/// One deployed program.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployedProgram {
    /// Its name in `contracts/programs.tsv`.
    pub name: String,
    /// Its address.
    pub address: Address,
    /// The activation data fee ArbWasm charged, in wei (its `ProgramActivated` event; zero when
    /// the code was active already).
    pub data_fee: U256,
}

/// A listed underlying.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListedUnderlying {
    /// Ticker.
    pub symbol: String,
    /// Index in the clearinghouse.
    pub index: u8,
    /// Its feed.
    pub feed: Address,
}

/// A transaction of the deployment and its gas.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// What it did.
    pub label: String,
    /// Gas used.
    pub gas_used: u64,
}

/// What was deployed: the deployment file's contents.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// The account that deployed.
    pub deployer: Address,
    /// The block of the deployment's first transaction: where a keeper starts following events.
    pub first_block: u64,
    /// The configured owner (offered ownership if not the deployer).
    pub owner: Address,
    /// Whether ownership awaits the owner's `acceptOwnership` on the vault and the clearinghouse.
    pub ownership_offered: bool,
    /// The deployer contract.
    pub stylus_deployer: Address,
    /// Every program, in deployment order.
    pub programs: Vec<DeployedProgram>,
    /// The risk program.
    pub risk_program: Address,
    /// The vault (`IVault`).
    pub vault: Address,
    /// The clearinghouse (`IClearinghouse`: every function answers at this address).
    pub clearinghouse: Address,
    /// The perp market.
    pub perp_market: Address,
    /// The options market.
    pub options_market: Address,
    /// The settlement token.
    pub settlement_token: Address,
    /// The underlyings.
    pub underlyings: Vec<ListedUnderlying>,
    /// Every transaction, in order.
    pub steps: Vec<Step>,
}

impl Deployment {
    /// The address of the program called `name`.
    ///
    /// # Errors
    /// None is called so.
    pub fn program(&self, name: &str) -> Result<Address, String> {
        address_of(&self.programs, name)
    }
}

/// The SDK constructor's calldata: the selector of `stylus_constructor()`, then the ABI-encoded
/// arguments.
pub fn constructor(args: Vec<u8>) -> Vec<u8> {
    let mut data = keccak256("stylus_constructor()")[..4].to_vec();
    data.extend(args);
    data
}

fn address_of(programs: &[DeployedProgram], name: &str) -> Result<Address, String> {
    programs
        .iter()
        .find(|p| p.name == name)
        .map(|p| p.address)
        .ok_or_else(|| format!("contracts/programs.tsv lists no {name} before it is needed"))
}

/// The core's constructor calldata: it records the admin facet and delegatecalls `initialize`
/// with the owner, the vault, the risk program and the facets (all deployed before it).
fn core_constructor(
    owner: Address,
    deployed: &[DeployedProgram],
    settlement_decimals: u8,
) -> Result<Vec<u8>, String> {
    let program = |name: &str| address_of(deployed, name);
    let initialization = IClearinghouse::initializeCall {
        owner,
        vault: program("vault-core")?,
        riskProgram: program("risk-program")?,
        viewsFacet: program("clearinghouse-views")?,
        accountsFacet: program("clearinghouse-accounts")?,
        tradingFacet: program("clearinghouse-trading")?,
        settlementFacet: program("clearinghouse-settlement")?,
        liquidationFacet: program("clearinghouse-liquidation")?,
        parametersFacet: program("clearinghouse-parameters")?,
        settlementDecimals: settlement_decimals,
    }
    .abi_encode();
    Ok(constructor(<(SolAddress, SolBytes)>::abi_encode_params(&(
        program("clearinghouse-admin")?,
        Bytes::from(initialization),
    ))))
}

/// Sends one step and records its gas.
fn step(
    chain: &mut dyn Chain,
    steps: &mut Vec<Step>,
    label: &str,
    to: Option<Address>,
    data: Vec<u8>,
    value: U256,
) -> Result<Sent, String> {
    let sent = chain.send(to, data, value).map_err(|e| format!("{label}: {e}"))?;
    steps.push(Step {
        label: label.to_string(),
        gas_used: sent.gas_used,
    });
    Ok(sent)
}

/// Deploys one program through the deployer contract: its address and data fee.
fn deploy_program(
    chain: &mut dyn Chain,
    steps: &mut Vec<Step>,
    deployer: Address,
    name: &str,
    init_code: Vec<u8>,
    init_data: Vec<u8>,
) -> Result<DeployedProgram, String> {
    let data = IStylusDeployer::deployCall {
        initCode: init_code.into(),
        initData: init_data.into(),
        initValue: U256::ZERO,
    }
    .abi_encode();
    let probe = (chain.balance()? / U256::from(2)).min(U256::from(FEE_PROBE_WEI));
    let answer = chain
        .call(deployer, data.clone(), probe)
        .map_err(|e| format!("{name}: the deployment would fail: {e}"))?;
    let fee = IStylusDeployer::deployCall::abi_decode_returns(&answer)
        .map_err(|e| format!("{name}: {e}"))?
        .dataFee;
    let offered = fee.saturating_add(fee / U256::from(5));
    let sent = step(
        chain,
        steps,
        &format!("deploy, activate, construct {name}"),
        Some(deployer),
        data,
        offered,
    )?;
    let address = sent
        .logs
        .iter()
        .filter(|l| l.address == deployer)
        .find_map(|l| IStylusDeployer::ProgramDeployed::decode_log_data(&l.data).ok())
        .map(|e| e.program)
        .ok_or_else(|| format!("{name}: no ProgramDeployed event"))?;
    // What ArbWasm charged (none: the code was active already, and nothing was).
    let data_fee = sent
        .logs
        .iter()
        .filter(|l| l.address == ARB_WASM)
        .find_map(|l| IArbWasm::ProgramActivated::decode_log_data(&l.data).ok())
        .map(|e| e.dataFee)
        .unwrap_or_default();
    Ok(DeployedProgram {
        name: name.to_string(),
        address,
        data_fee,
    })
}

fn set_collateral(c: &Collateral) -> Vec<u8> {
    IVault::setCollateralCall {
        token: c.token,
        oracle: c.feed,
        haircutBps: c.haircut_bps,
        depositCap: c.deposit_cap,
        heartbeat: c.heartbeat,
    }
    .abi_encode()
}

/// The deployer contract and the programs, deployed and constructed (the first half of
/// [`deploy_engine`]; the devnet's tests deploy their mock tokens and feeds between the halves).
#[derive(Clone, Debug)]
pub struct Programs {
    /// The deployer contract.
    pub stylus_deployer: Address,
    /// Every program, in deployment order.
    pub programs: Vec<DeployedProgram>,
    /// Every transaction so far.
    pub steps: Vec<Step>,
    /// The block of the first.
    pub first_block: u64,
}

/// Deploys the deployer contract, then every program of `contracts/programs.tsv` under `root`,
/// each deployed, activated and constructed in one transaction; the deploying account owns the
/// vault and the clearinghouse.
///
/// # Errors
/// An artifact is missing, or a step is refused or reverts (named, with its error).
pub fn deploy_programs(
    chain: &mut dyn Chain,
    root: &Path,
    settlement_decimals: u8,
) -> Result<Programs, String> {
    let me = chain.account();
    let mut steps = Vec::new();
    let sent = step(
        chain,
        &mut steps,
        "deploy StylusDeployer",
        None,
        creation_code(root, "StylusDeployer")?,
        U256::ZERO,
    )?;
    let first_block = sent.block;
    let stylus_deployer = sent
        .contract_address
        .ok_or("StylusDeployer: no contract address")?;
    let mut deployed: Vec<DeployedProgram> = Vec::new();
    for p in programs(root)? {
        let init_data = match p.name.as_str() {
            "vault-core" => constructor(
                (
                    me,
                    address_of(&deployed, "vault-admin")?,
                    address_of(&deployed, "vault-liquidation")?,
                )
                    .abi_encode_params(),
            ),
            "clearinghouse-core" => core_constructor(me, &deployed, settlement_decimals)?,
            _ => Vec::new(),
        };
        let init_code = program_init_code(&p.name, &p.wasm(root)?)?;
        deployed.push(deploy_program(
            chain,
            &mut steps,
            stylus_deployer,
            &p.name,
            init_code,
            init_data,
        )?);
    }
    Ok(Programs {
        stylus_deployer,
        programs: deployed,
        steps,
        first_block,
    })
}

/// Deploys and configures the whole engine from the artifacts under `root` (the programs'
/// release wasm and Foundry's `out/`), as `config` says.
///
/// # Errors
/// The configuration is inconsistent, an artifact is missing, or a step is refused or reverts
/// (named, with its error); the steps before it stay done.
pub fn deploy_engine(
    chain: &mut dyn Chain,
    root: &Path,
    config: &DeployConfig,
) -> Result<Deployment, String> {
    config.check()?;
    let programs = deploy_programs(chain, root, config.settlement_decimals)?;
    finish(chain, root, config, programs)
}

/// The second half of [`deploy_engine`]: the markets, the configuration, the program cache, and
/// the roles handed to the configured accounts.
///
/// # Errors
/// The configuration is inconsistent, an artifact is missing, or a step is refused or reverts.
pub fn finish(
    chain: &mut dyn Chain,
    root: &Path,
    config: &DeployConfig,
    programs: Programs,
) -> Result<Deployment, String> {
    config.check()?;
    let me = chain.account();
    let owner = config.owner.unwrap_or(me);
    let Programs {
        stylus_deployer,
        programs: deployed,
        mut steps,
        first_block,
    } = programs;
    let vault = address_of(&deployed, "vault-core")?;
    let clearinghouse = address_of(&deployed, "clearinghouse-core")?;
    let risk_program = address_of(&deployed, "risk-program")?;

    let market = |chain: &mut dyn Chain, steps: &mut Vec<Step>, name: &str| {
        let mut code = creation_code(root, name)?;
        code.extend((clearinghouse, owner).abi_encode_params());
        step(chain, steps, &format!("deploy {name}"), None, code, U256::ZERO)?
            .contract_address
            .ok_or_else(|| format!("{name}: no contract address"))
    };
    let perp_market = market(chain, &mut steps, "PerpMarket")?;
    let options_market = market(chain, &mut steps, "OptionsMarket")?;

    let mut call = |chain: &mut dyn Chain, label: &str, to: Address, data: Vec<u8>| {
        step(chain, &mut steps, label, Some(to), data, U256::ZERO).map(|_| ())
    };
    call(
        chain,
        "vault setRiskAdmin",
        vault,
        IVault::setRiskAdminCall { riskAdmin: me }.abi_encode(),
    )?;
    call(
        chain,
        "vault setCollateral (settlement)",
        vault,
        set_collateral(&config.settlement),
    )?;
    for c in &config.collateral {
        call(
            chain,
            &format!("vault setCollateral {}", c.token),
            vault,
            set_collateral(c),
        )?;
    }
    call(
        chain,
        "vault setClearinghouse",
        vault,
        IVault::setClearinghouseCall {
            clearinghouse,
            settlementToken: config.settlement.token,
        }
        .abi_encode(),
    )?;
    if let Some(guardian) = config.guardian {
        let data = IVault::setGuardianCall { guardian }.abi_encode();
        call(chain, "vault setGuardian", vault, data)?;
    }
    if let Some(s) = &config.sequencer_feed {
        let data = IVault::setSequencerFeedCall {
            feed: s.feed,
            gracePeriod: s.grace_period,
        }
        .abi_encode();
        call(chain, "vault setSequencerFeed", vault, data)?;
    }
    call(
        chain,
        "setRiskAdmin",
        clearinghouse,
        IClearinghouse::setRiskAdminCall { riskAdmin: me }.abi_encode(),
    )?;
    call(
        chain,
        "setRiskOracle",
        clearinghouse,
        IClearinghouse::setRiskOracleCall { riskOracle: me }.abi_encode(),
    )?;
    let mut underlyings = Vec::new();
    for (i, u) in config.underlyings.iter().enumerate() {
        let index = u8::try_from(i).map_err(|_| "too many underlyings")?;
        call(
            chain,
            &format!("setUnderlying {}", u.symbol),
            clearinghouse,
            IClearinghouse::setUnderlyingCall {
                index,
                feed: u.feed,
                heartbeat: u.heartbeat,
                volMaxAge: u.vol_max_age,
                oracleAddon: u.oracle_addon.0,
                params: u.params.wire()?,
            }
            .abi_encode(),
        )?;
        call(
            chain,
            &format!("setTradeBands {}", u.symbol),
            clearinghouse,
            IClearinghouse::setTradeBandsCall {
                underlying: index,
                futureBand: u.future_band.0,
                optionBand: u.option_band.0,
            }
            .abi_encode(),
        )?;
        underlyings.push(ListedUnderlying {
            symbol: u.symbol.clone(),
            index,
            feed: u.feed,
        });
    }
    let risk = defaults::risk(&[]);
    call(
        chain,
        "setRiskParams",
        clearinghouse,
        IClearinghouse::setRiskParamsCall {
            gridLevels: risk.grid_levels,
            scalars: scalars_of(&risk),
        }
        .abi_encode(),
    )?;
    call(
        chain,
        "postRiskUpdate",
        clearinghouse,
        IClearinghouse::postRiskUpdateCall {
            vols: config.underlyings.iter().map(|u| u.vol.0).collect(),
            correlations: config.correlations.iter().map(|c| c.0).collect(),
        }
        .abi_encode(),
    )?;
    for m in [perp_market, options_market] {
        call(
            chain,
            "setMarket",
            clearinghouse,
            IClearinghouse::setMarketCall {
                market: m,
                authorised: true,
            }
            .abi_encode(),
        )?;
        call(
            chain,
            "setSettleCap",
            clearinghouse,
            IClearinghouse::setSettleCapCall {
                market: m,
                cap: config.settle_cap,
            }
            .abi_encode(),
        )?;
    }
    // Hand the roles to the configured accounts.
    let risk_admin = config.risk_admin.unwrap_or(owner);
    let risk_oracle = config.risk_oracle.unwrap_or(owner);
    let mut call = |chain: &mut dyn Chain, label: &str, to: Address, data: Vec<u8>| {
        step(chain, &mut steps, label, Some(to), data, U256::ZERO).map(|_| ())
    };
    if risk_oracle != me {
        let data = IClearinghouse::setRiskOracleCall {
            riskOracle: risk_oracle,
        }
        .abi_encode();
        call(chain, "setRiskOracle (configured)", clearinghouse, data)?;
    }
    if risk_admin != me {
        let data = IClearinghouse::setRiskAdminCall {
            riskAdmin: risk_admin,
        }
        .abi_encode();
        call(chain, "setRiskAdmin (configured)", clearinghouse, data)?;
        let data = IVault::setRiskAdminCall {
            riskAdmin: risk_admin,
        }
        .abi_encode();
        call(chain, "vault setRiskAdmin (configured)", vault, data)?;
    }
    let ownership_offered = owner != me;
    if ownership_offered {
        let data = IClearinghouse::transferOwnershipCall { newOwner: owner }.abi_encode();
        call(chain, "transferOwnership", clearinghouse, data)?;
        let data = IVault::transferOwnershipCall { newOwner: owner }.abi_encode();
        call(chain, "vault transferOwnership", vault, data)?;
    }
    // The program cache last: a refused bid leaves the engine configured and handed over.
    match &config.program_cache {
        None => {}
        Some(ProgramCache::ChainOwner) => {
            for p in &deployed {
                let data = IProgramCache::cacheProgramCall { program: p.address }.abi_encode();
                step(
                    chain,
                    &mut steps,
                    "cacheProgram",
                    Some(ARB_WASM_CACHE),
                    data,
                    U256::ZERO,
                )?;
            }
        }
        Some(ProgramCache::Bid {
            cache_manager,
            bid_wei,
        }) => {
            for p in &deployed {
                let data = IProgramCache::placeBidCall { program: p.address }.abi_encode();
                step(
                    chain,
                    &mut steps,
                    "placeBid",
                    Some(*cache_manager),
                    data,
                    *bid_wei,
                )?;
            }
        }
    }
    Ok(Deployment {
        deployer: me,
        first_block,
        owner,
        ownership_offered,
        stylus_deployer,
        programs: deployed,
        risk_program,
        vault,
        clearinghouse,
        perp_market,
        options_market,
        settlement_token: config.settlement.token,
        underlyings,
        steps,
    })
}
