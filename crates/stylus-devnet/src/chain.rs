//! The devnet's API: funded dev accounts, blocks you can advance, transactions and calls with
//! receipts, EVM and Stylus deployment (`cargo stylus deploy`'s bytes, then `activateProgram`).

use revm::context::result::{EVMError, ExecutionResult, HaltReason, InvalidTransaction, Output};
use revm::context::{BlockEnv, TxEnv};
use revm::context_interface::{ContextTr, JournalTr};
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{keccak256, Address, Bytes, Log, TxKind, B256, U256};
use revm::state::{AccountInfo, Bytecode};
use revm::{Context, Database, ExecuteCommitEvm, ExecuteEvm};

use crate::arbos::ArbOs;
use crate::context::{Ctx, TxError};
use crate::evm::StylusEvm;
use crate::fragments::Fragmented;
use crate::frames::Frames;
use crate::gas_profile::GasProfile;
use crate::l1_pricing;
use crate::pack;
use crate::precompiles::{arbowner, arbownerpublic, arbwasm, arbwasmcache, owners};
use crate::runtime::Runtime;

/// Arbitrum's per-transaction limit on execution gas (ArbOS 50's `PerTxGasLimit`): a larger gas
/// limit is not refused, but execution gets at most this much (intrinsic gas included); the
/// rest pays for L1 posting or is held and repaid.
pub const TX_GAS_LIMIT: u64 = 32_000_000;
/// The chain id of a Nitro dev node.
pub const CHAIN_ID: u64 = 412_346;
/// Intrinsic gas of a transaction (the L2 part; the L1 data fee comes on top, `l1_pricing`).
pub const TX_BASE_GAS: u64 = 21_000;
/// The largest deployed code (EIP-170, Arbitrum's default `MaxCodeSize`), Stylus programs
/// included.
pub const MAX_CODE_SIZE: usize = 24_576;
/// The largest init code (twice [`MAX_CODE_SIZE`]).
pub const MAX_INIT_CODE_SIZE: usize = 2 * MAX_CODE_SIZE;

/// What a transaction or call did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// Succeeded (not reverted, not halted).
    pub status: bool,
    /// Gas used, as a receipt reports it (after refunds).
    pub gas_used: u64,
    /// Logs emitted (empty unless it succeeded).
    pub logs: Vec<Log>,
    /// Return data, or revert data.
    pub output: Bytes,
    /// The created contract, for a deployment.
    pub contract_address: Option<Address>,
    /// Why it halted, if it did (out of gas, ...).
    pub halt: Option<HaltReason>,
    /// Of `gas_used`, the poster gas that paid for posting the transaction to L1 (Arbitrum's
    /// `gasUsedForL1`; zero when the base fee is zero).
    pub gas_used_for_l1: u64,
}

impl Receipt {
    /// A step not taken because there was nothing to do (an activation of code already
    /// active): succeeded, no gas.
    fn skipped() -> Self {
        Self {
            status: true,
            ..Self::refused()
        }
    }

    /// A transaction the chain refused before running it (e.g. above the 32M gas cap).
    fn refused() -> Self {
        Self {
            status: false,
            gas_used: 0,
            logs: Vec::new(),
            output: Bytes::new(),
            contract_address: None,
            halt: None,
            gas_used_for_l1: 0,
        }
    }
}

/// The chain's state and block at one moment ([`Devnet::snapshot`]).
#[derive(Clone, Debug)]
pub struct Snapshot {
    db: CacheDB<EmptyDB>,
    block_number: u64,
    timestamp: u64,
    base_fee: u64,
    l1_price_per_unit: u128,
}

/// Why a deployment failed.
#[derive(Debug)]
pub struct DeployError(pub String);

impl std::fmt::Display for DeployError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DeployError {}

/// An in-process Arbitrum chain.
pub struct Devnet {
    evm: StylusEvm,
    /// Funded dev accounts (1,000,000 ETH each).
    pub accounts: Vec<Address>,
    block_number: u64,
    timestamp: u64,
    /// The base fee per gas, in wei (0: transactions pay nothing for gas).
    base_fee: u64,
    /// The L1 price per calldata unit, in wei (`l1_pricing`).
    l1_price_per_unit: u128,
}

impl Default for Devnet {
    fn default() -> Self {
        Self::new()
    }
}

fn receipt(result: ExecutionResult<HaltReason>) -> Receipt {
    match result {
        ExecutionResult::Success {
            gas, logs, output, ..
        } => {
            let (output, contract_address) = match output {
                Output::Call(b) => (b, None),
                Output::Create(b, a) => (b, a),
            };
            Receipt {
                status: true,
                gas_used: gas.tx_gas_used(),
                logs,
                output,
                contract_address,
                halt: None,
                gas_used_for_l1: 0,
            }
        }
        ExecutionResult::Revert { gas, output, .. } => Receipt {
            status: false,
            gas_used: gas.tx_gas_used(),
            logs: Vec::new(),
            output,
            contract_address: None,
            halt: None,
            gas_used_for_l1: 0,
        },
        ExecutionResult::Halt { reason, gas, .. } => Receipt {
            status: false,
            gas_used: gas.tx_gas_used(),
            logs: Vec::new(),
            output: Bytes::new(),
            contract_address: None,
            halt: Some(reason),
            gas_used_for_l1: 0,
        },
    }
}

impl Devnet {
    /// A new chain at block 1, time 1,800,000,000, with 10 funded accounts (the first is the chain
    /// owner), ArbWasm at 0x71 and ArbWasmCache at 0x72, under the rules of the ArbOS version
    /// Arbitrum One runs ([`ArbOs::ARBITRUM_ONE`]).
    pub fn new() -> Self {
        Self::with_arbos(ArbOs::ARBITRUM_ONE)
    }

    /// As [`Devnet::new`], under the rules of `arbos`.
    pub fn with_arbos(arbos: ArbOs) -> Self {
        let mut db = CacheDB::new(EmptyDB::default());
        let accounts: Vec<Address> = (1..=10u8)
            .map(|i| Address::from_word(keccak256([b"pm-devnet account ".as_slice(), &[i]].concat())))
            .collect();
        for a in &accounts {
            db.insert_account_info(
                *a,
                AccountInfo {
                    balance: U256::from(10u128.pow(24)),
                    ..Default::default()
                },
            );
        }
        // The precompiles' accounts hold 0xFE so they are not empty, as on Nitro.
        let fe = Bytecode::new_raw(Bytes::from_static(&[0xFE]));
        for precompile in [
            arbownerpublic::ADDRESS,
            arbowner::ADDRESS,
            arbwasm::ADDRESS,
            arbwasmcache::ADDRESS,
        ] {
            db.insert_account_info(
                precompile,
                AccountInfo {
                    code_hash: fe.hash_slow(),
                    code: Some(fe.clone()),
                    ..Default::default()
                },
            );
        }
        let mut ctx: Ctx = Context::new(db, SpecId::PRAGUE);
        ctx.cfg.chain_id = CHAIN_ID;
        // Not refused above 32M: `run` gives execution at most that much, as Nitro does.
        ctx.cfg.tx_gas_limit_cap = Some(u64::MAX);
        ctx.cfg.disable_eip3541 = true;
        ctx.cfg.limit_contract_code_size = Some(MAX_CODE_SIZE);
        ctx.cfg.limit_contract_initcode_size = Some(MAX_INIT_CODE_SIZE);
        let mut chain = Self {
            evm: StylusEvm::new(ctx, Runtime::new(), arbos),
            accounts,
            block_number: 1,
            timestamp: 1_800_000_000,
            base_fee: 0,
            l1_price_per_unit: l1_pricing::NITRO_DEV_PRICE_PER_UNIT,
        };
        // The first account is the chain owner: it may cache programs (ArbWasmCache).
        let owner = chain.accounts[0];
        chain.set_chain_owner(owner);
        chain.sync_block();
        chain
    }

    fn sync_block(&mut self) {
        self.evm.set_block(BlockEnv {
            number: U256::from(self.block_number),
            timestamp: U256::from(self.timestamp),
            gas_limit: u64::MAX,
            basefee: self.base_fee,
            beneficiary: Address::ZERO,
            ..Default::default()
        });
    }

    /// The ArbOS version whose rules the chain runs.
    pub fn arbos(&self) -> ArbOs {
        self.evm.arbos()
    }

    /// Moves to a new block `seconds` later (0: a new block at the same time). The new block
    /// has run no program yet (ArbOS 60 on, a block's repeat calls pay the cached entry).
    pub fn advance(&mut self, seconds: u64) {
        self.block_number += 1;
        self.timestamp += seconds;
        self.sync_block();
    }

    /// Moves to block `number` at `timestamp` (a node mining its blocks; tests use
    /// [`Devnet::advance`]). A new number starts with no program run in the block.
    pub fn set_block(&mut self, number: u64, timestamp: u64) {
        self.block_number = number;
        self.timestamp = timestamp;
        self.sync_block();
    }

    /// The whole state (accounts, code, storage, ArbWasm's records) and the block, to come back
    /// to with [`Devnet::restore`] (a node's `evm_snapshot`).
    pub fn snapshot(&mut self) -> Snapshot {
        Snapshot {
            db: self.evm.ctx().journal_mut().db_mut().clone(),
            block_number: self.block_number,
            timestamp: self.timestamp,
            base_fee: self.base_fee,
            l1_price_per_unit: self.l1_price_per_unit,
        }
    }

    /// Puts back the state and block of `snapshot` (a node's `evm_revert`); the block has run no
    /// program yet.
    pub fn restore(&mut self, snapshot: Snapshot) {
        *self.evm.ctx().journal_mut().db_mut() = snapshot.db;
        self.base_fee = snapshot.base_fee;
        self.l1_price_per_unit = snapshot.l1_price_per_unit;
        self.evm.take_recent_programs();
        self.set_block(snapshot.block_number, snapshot.timestamp);
    }

    /// The current block's number.
    pub fn block_number(&self) -> u64 {
        self.block_number
    }

    /// Sets the base fee per gas in wei from the current block on (0, the default, lets
    /// transactions pay nothing for gas).
    pub fn set_base_fee(&mut self, wei: u64) {
        self.base_fee = wei;
        self.sync_block();
    }

    /// The base fee per gas, in wei.
    pub fn base_fee(&self) -> u64 {
        self.base_fee
    }

    /// Sets the L1 price per calldata unit, in wei (a Nitro dev chain's 50 gwei by default):
    /// with a base fee, transactions sent with their signed bytes ([`Devnet::transact_posted`])
    /// pay their L1 data fee in gas.
    pub fn set_l1_price_per_unit(&mut self, wei: u128) {
        self.l1_price_per_unit = wei;
    }

    /// The L1 price per calldata unit, in wei.
    pub fn l1_price_per_unit(&self) -> u128 {
        self.l1_price_per_unit
    }

    /// Profiles the programs called from now on (`on`: exact ink per function, see
    /// `crate::profile`) or stops; the gas every call is charged is the same either way.
    pub fn set_profiling(&mut self, on: bool) {
        self.evm.runtime().set_profiling(on);
    }

    /// What the profiled program frames were charged since the last reset, per code hash
    /// ([`Devnet::code_hash`] of a program's address) and function.
    pub fn gas_profile(&self) -> GasProfile {
        self.evm.runtime().gas_profile()
    }

    /// Forgets what the profiled program frames were charged.
    pub fn reset_gas_profile(&mut self) {
        self.evm.runtime().reset_gas_profile();
    }

    /// The current block's timestamp.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// An account's nonce.
    pub fn nonce(&mut self, a: Address) -> u64 {
        self.evm
            .ctx()
            .journal_mut()
            .db_mut()
            .load_account(a)
            .map(|acc| acc.info.nonce)
            .unwrap_or(0)
    }

    fn tx(&mut self, from: Address, kind: TxKind, data: Bytes, value: U256, gas_limit: u64) -> TxEnv {
        TxEnv {
            caller: from,
            gas_limit,
            gas_price: 0,
            kind,
            value,
            data,
            nonce: self.nonce(from),
            chain_id: Some(CHAIN_ID),
            ..Default::default()
        }
    }

    /// Sends a transaction and commits it.
    pub fn send(&mut self, from: Address, to: Address, data: impl Into<Bytes>, value: U256) -> Receipt {
        self.send_with_gas(from, to, data, value, TX_GAS_LIMIT)
    }

    /// Sends a transaction with a gas limit and commits it. A transaction the chain refuses
    /// (e.g. above the 32M cap) comes back as a failed receipt with no gas used.
    pub fn send_with_gas(
        &mut self,
        from: Address,
        to: Address,
        data: impl Into<Bytes>,
        value: U256,
        gas: u64,
    ) -> Receipt {
        let tx = self.tx(from, TxKind::Call(to), data.into(), value, gas);
        self.commit(tx)
    }

    fn commit(&mut self, tx: TxEnv) -> Receipt {
        self.run(tx, 0).unwrap_or_else(|_| Receipt::refused())
    }

    /// Runs `tx` as Nitro's transaction processor does (`GasChargingHook`) and commits it: with
    /// a base fee, the poster gas of `l1_units` calldata units is charged first (the L1 price per
    /// unit over the base fee, rounded down) and paid to the L1 pricer's pool; execution gets
    /// the rest of the gas limit, at most [`TX_GAS_LIMIT`]. When it gets less than the limit,
    /// the sender must still afford the whole limit at its fee cap, as Nitro buys it first.
    fn run(&mut self, mut tx: TxEnv, l1_units: u64) -> Result<Receipt, TxError> {
        let price = u128::from(self.base_fee);
        let poster = l1_pricing::poster_gas(self.l1_price_per_unit, l1_units, price);
        let execution = tx.gas_limit.saturating_sub(poster).min(TX_GAS_LIMIT);
        if execution < tx.gas_limit && tx.nonce == self.nonce(tx.caller) {
            let balance = self.balance(tx.caller);
            let need = U256::from(tx.gas_limit)
                .saturating_mul(U256::from(tx.gas_price))
                .saturating_add(tx.value);
            if balance < need {
                return Err(EVMError::Transaction(InvalidTransaction::LackOfFundForMaxFee {
                    fee: Box::new(need),
                    balance: Box::new(balance),
                }));
            }
        }
        let (from, limit) = (tx.caller, tx.gas_limit);
        tx.gas_limit = execution;
        let mut r = match self.evm.transact_commit(tx) {
            Ok(r) => receipt(r),
            // Too little gas for the intrinsic gas and the poster gas together.
            Err(EVMError::Transaction(InvalidTransaction::CallGasCostMoreThanGasLimit {
                initial_gas,
                ..
            })) => {
                return Err(EVMError::Transaction(
                    InvalidTransaction::CallGasCostMoreThanGasLimit {
                        initial_gas: initial_gas.saturating_add(poster),
                        gas_limit: limit,
                    },
                ))
            }
            Err(e) => return Err(e),
        };
        if poster > 0 {
            let fee = U256::from(poster) * U256::from(price);
            let paid = self.balance(from).saturating_sub(fee);
            self.set_balance(from, paid);
            let pool = self.balance(l1_pricing::L1_PRICER_FUNDS_POOL);
            self.set_balance(l1_pricing::L1_PRICER_FUNDS_POOL, pool.saturating_add(fee));
            r.gas_used = r.gas_used.saturating_add(poster);
            r.gas_used_for_l1 = poster;
        }
        Ok(r)
    }

    /// Runs a transaction the caller built (a node: from a signed transaction) and commits it.
    /// Every check of the chain applies (nonce, balance, base fee, the 32M cap).
    ///
    /// # Errors
    /// Why the chain refused it before it ran; nothing changed.
    pub fn transact(&mut self, tx: TxEnv) -> Result<Receipt, TxError> {
        self.run(tx, 0)
    }

    /// As [`Devnet::transact`], for a transaction whose signed encoding is `signed`: with a base
    /// fee it also pays its L1 data fee (`l1_pricing`), which the receipt shows as
    /// `gas_used_for_l1`.
    ///
    /// # Errors
    /// Why the chain refused it before it ran (among them: too little gas for the intrinsic and
    /// the poster gas, too little balance for the whole gas limit); nothing changed.
    pub fn transact_posted(&mut self, tx: TxEnv, signed: &[u8]) -> Result<Receipt, TxError> {
        self.run(tx, l1_pricing::units(signed))
    }

    /// Runs a transaction without committing it, as `eth_call` and `eth_estimateGas` do: no
    /// base fee is charged (a zero gas price is fine), the caller may be a contract (no EIP-3607
    /// check), the block's recently run programs are set aside (a node's call starts with none)
    /// and put back. It gets at most [`TX_GAS_LIMIT`] and pays no L1 data fee.
    ///
    /// # Errors
    /// Why the chain refused it before it ran (nonce, balance).
    pub fn simulate(&mut self, mut tx: TxEnv) -> Result<Receipt, TxError> {
        tx.gas_limit = tx.gas_limit.min(TX_GAS_LIMIT);
        let recent = self.evm.take_recent_programs();
        self.evm.ctx().cfg.disable_base_fee = true;
        self.evm.ctx().cfg.disable_eip3607 = true;
        let r = self.evm.transact(tx).map(|r| receipt(r.result));
        self.evm.ctx().cfg.disable_base_fee = false;
        self.evm.ctx().cfg.disable_eip3607 = false;
        self.evm.restore_recent_programs(recent);
        r
    }

    /// An `eth_call`: runs without committing, as a node does, over fresh state: no program
    /// counts as run in the block yet.
    pub fn call(&mut self, from: Address, to: Address, data: impl Into<Bytes>) -> Receipt {
        self.call_with_value(from, to, data, U256::ZERO)
    }

    /// An `eth_call` that sends `value` wei (the caller must hold it).
    pub fn call_with_value(
        &mut self,
        from: Address,
        to: Address,
        data: impl Into<Bytes>,
        value: U256,
    ) -> Receipt {
        let tx = self.tx(from, TxKind::Call(to), data.into(), value, TX_GAS_LIMIT);
        self.simulate(tx).unwrap_or_else(|_| Receipt::refused())
    }

    /// Sends a creation of `init_code` with `value` wei and commits it: its receipt.
    pub fn create(&mut self, from: Address, init_code: impl Into<Bytes>, value: U256) -> Receipt {
        let tx = self.tx(from, TxKind::Create, init_code.into(), value, TX_GAS_LIMIT);
        self.commit(tx)
    }

    /// Deploys EVM init code (e.g. a Foundry artifact's `bytecode.object` + constructor args).
    pub fn deploy(&mut self, from: Address, init_code: impl Into<Bytes>) -> Result<Address, DeployError> {
        let r = self.create(from, init_code, U256::ZERO);
        r.contract_address
            .filter(|_| r.status)
            .ok_or_else(|| DeployError(format!("deployment failed: {r:?}")))
    }

    /// Deploys a Foundry artifact (`out/<File>.sol/<Contract>.json`) with ABI-encoded constructor
    /// arguments.
    pub fn deploy_artifact(
        &mut self,
        from: Address,
        artifact: &str,
        args: &[u8],
    ) -> Result<Address, DeployError> {
        let text = std::fs::read_to_string(artifact).map_err(|e| DeployError(format!("{artifact}: {e}")))?;
        let key = "\"bytecode\":{\"object\":\"0x";
        let start = text
            .find(key)
            .ok_or_else(|| DeployError(format!("{artifact}: no bytecode")))?
            + key.len();
        let end = text[start..]
            .find('"')
            .ok_or_else(|| DeployError("bad artifact".into()))?
            + start;
        let mut code = hex::decode(&text[start..end]).map_err(|e| DeployError(e.to_string()))?;
        code.extend_from_slice(args);
        self.deploy(from, code)
    }

    /// Deploys a Stylus program exactly as `cargo stylus deploy` does (CREATE of the prelude +
    /// prefixed brotli wasm) and activates it through ArbWasm. A program larger than one code
    /// is, from ArbOS 60, deployed as fragments (a CREATE each) and a root listing them
    /// (`fragments`). Returns the program's (the root's) address and the receipts of its
    /// deployment and activation.
    pub fn deploy_program(
        &mut self,
        from: Address,
        wasm: &[u8],
    ) -> Result<(Address, Receipt, Receipt), DeployError> {
        let packed = pack::pack(wasm, keccak256(wasm).0).map_err(|e| DeployError(e.to_string()))?;
        let init_code = if packed.code.len() > MAX_CODE_SIZE && self.arbos().fragments() {
            let fragmented = Fragmented::of(&packed);
            let mut addresses = Vec::new();
            for code in &fragmented.fragments {
                let r = self.create(from, pack::deployment_init_code(code), U256::ZERO);
                let address = r
                    .contract_address
                    .filter(|_| r.status)
                    .ok_or_else(|| DeployError(format!("fragment deployment failed: {r:?}")))?;
                addresses.push(address);
            }
            pack::deployment_init_code(&fragmented.root_code(&addresses))
        } else {
            packed.init_code()
        };
        let tx = self.tx(from, TxKind::Create, init_code.into(), U256::ZERO, TX_GAS_LIMIT);
        let deployed = self.commit(tx);
        let address = deployed
            .contract_address
            .filter(|_| deployed.status)
            .ok_or_else(|| DeployError(format!("program deployment failed: {deployed:?}")))?;
        // As `cargo stylus deploy`: code already active (the same wasm deployed before) is not
        // activated again (ArbWasm would refuse it); the activation receipt is then empty.
        if self.is_active(address) {
            return Ok((address, deployed, Receipt::skipped()));
        }
        let activated = self.activate(from, address);
        if !activated.status {
            return Err(DeployError(format!("activation failed: {activated:?}")));
        }
        Ok((address, deployed, activated))
    }

    /// Whether `program`'s code is active at the chain's Stylus version (`codehashVersion`).
    pub fn is_active(&mut self, program: Address) -> bool {
        let mut data = arbwasm::CODEHASH_VERSION.to_vec();
        data.extend_from_slice(self.code_hash(program).as_slice());
        let r = self.call(Address::ZERO, arbwasm::ADDRESS, data);
        r.status && U256::from_be_slice(&r.output) == U256::from(self.arbos().stylus_version())
    }

    /// `ArbWasm.activateProgram(program)` with its data fee, as `cargo stylus deploy` pays it:
    /// learnt by a call offering half of `from`'s balance, then sent with a fifth more (ArbWasm
    /// repays the excess). When the call fails, the activation is sent with nothing.
    pub fn activate(&mut self, from: Address, program: Address) -> Receipt {
        let mut data = arbwasm::ACTIVATE_PROGRAM.to_vec();
        data.extend_from_slice(&[0u8; 12]);
        data.extend_from_slice(program.as_slice());
        let probe = self.balance(from) / U256::from(2);
        let learnt = self.call_with_value(from, arbwasm::ADDRESS, data.clone(), probe);
        let fee = match learnt.output.get(32..64) {
            Some(w) if learnt.status => U256::from_be_slice(w),
            _ => U256::ZERO,
        };
        let offered = fee.saturating_add(fee / U256::from(5));
        self.send(from, arbwasm::ADDRESS, data, offered)
    }

    /// A storage slot.
    pub fn storage(&mut self, address: Address, slot: U256) -> U256 {
        self.evm
            .ctx()
            .journal_mut()
            .db_mut()
            .storage(address, slot)
            .unwrap_or_default()
    }

    /// Sets an account's balance (a dev node's `anvil_setBalance`).
    pub fn set_balance(&mut self, address: Address, wei: U256) {
        let db = self.evm.ctx().journal_mut().db_mut();
        let mut info = db
            .load_account(address)
            .map(|a| a.info.clone())
            .unwrap_or_default();
        info.balance = wei;
        db.insert_account_info(address, info);
    }

    /// Makes `owner` the chain owner, the account ArbWasmCache lets cache programs.
    pub fn set_chain_owner(&mut self, owner: Address) {
        self.evm
            .ctx()
            .journal_mut()
            .db_mut()
            .insert_account_storage(
                arbowner::ADDRESS,
                owners::OWNER_SLOT,
                U256::from_be_slice(owner.as_slice()),
            )
            .ok();
    }

    /// An account's balance.
    pub fn balance(&mut self, address: Address) -> U256 {
        self.evm
            .ctx()
            .journal_mut()
            .db_mut()
            .load_account(address)
            .map(|a| a.info.balance)
            .unwrap_or_default()
    }

    /// An account's code hash.
    pub fn code_hash(&mut self, address: Address) -> B256 {
        self.evm
            .ctx()
            .journal_mut()
            .db_mut()
            .load_account(address)
            .map(|a| a.info.code_hash)
            .unwrap_or_default()
    }

    /// An account's code (empty for none).
    pub fn code(&mut self, address: Address) -> Bytes {
        let db = self.evm.ctx().journal_mut().db_mut();
        db.load_account(address)
            .ok()
            .and_then(|a| a.info.code.as_ref().map(|c| c.original_bytes()))
            .unwrap_or_default()
    }

    /// Sets code directly (tests: e.g. a program that skipped activation).
    pub fn set_code(&mut self, address: Address, code: Bytes) {
        let b = Bytecode::new_raw(code);
        let db = self.evm.ctx().journal_mut().db_mut();
        let mut info = db
            .load_account(address)
            .map(|a| a.info.clone())
            .unwrap_or_default();
        info.code_hash = b.hash_slow();
        info.code = Some(b);
        db.insert_account_info(address, info);
    }
}
