//! A test host: TestVM for storage, logs and the message, plus stateful fake ERC-20 tokens and
//! Chainlink feeds answering the vault's calls. (TestVM's own call mocks share one return buffer,
//! so a call sequence such as balanceOf / transferFrom / balanceOf cannot be expressed with them.)
#![allow(unsafe_code, dead_code, missing_docs)]

use std::{cell::RefCell, collections::HashMap, rc::Rc, slice};

use alloy_primitives::{aliases::U80, Address, B256, I256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use pm_common::interfaces::{IAggregatorV3, IERC20};
use pm_vault::Vault;
use stylus_sdk::stylus_core::*;
use stylus_sdk::testing::{TestVM, TestVMBuilder};

/// How a fake token behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Returns `true` from transfers.
    Standard,
    /// Returns nothing from transfers (USDT-style).
    NoReturn,
    /// Burns `bps` of every transfer (the receiver gets less).
    FeeOnTransfer(u16),
    /// Returns `false` from transfers and moves nothing.
    ReturnsFalse,
    /// Reverts every call.
    Reverts,
}

#[derive(Clone, Debug)]
pub struct FakeToken {
    pub kind: TokenKind,
    pub decimals: u8,
    pub balances: HashMap<Address, U256>,
}

#[derive(Clone, Debug)]
pub struct FakeFeed {
    pub decimals: u8,
    pub round_id: u64,
    pub answer: I256,
    pub started_at: u64,
    pub updated_at: u64,
    pub answered_in_round: u64,
    pub reverts: bool,
}

#[derive(Default)]
pub struct External {
    pub tokens: HashMap<Address, FakeToken>,
    pub feeds: HashMap<Address, FakeFeed>,
    pub return_data: Vec<u8>,
    /// Every call the vault made: (target, calldata).
    pub calls: Vec<(Address, Vec<u8>)>,
}

#[derive(Clone)]
pub struct Chain {
    pub vm: TestVM,
    pub ext: Rc<RefCell<External>>,
}

pub const VAULT: Address = Address::repeat_byte(0xAA);
pub const OWNER: Address = Address::repeat_byte(0x01);
pub const ADMIN: Address = Address::repeat_byte(0x02);
pub const GUARDIAN: Address = Address::repeat_byte(0x03);
pub const ALICE: Address = Address::repeat_byte(0x0A);
pub const BOB: Address = Address::repeat_byte(0x0B);
pub const USDC: Address = Address::repeat_byte(0x10);
pub const WETH: Address = Address::repeat_byte(0x11);
pub const USDT: Address = Address::repeat_byte(0x12);
pub const FEE: Address = Address::repeat_byte(0x13);
pub const USDC_FEED: Address = Address::repeat_byte(0x20);
pub const ETH_FEED: Address = Address::repeat_byte(0x21);
pub const SEQUENCER_FEED: Address = Address::repeat_byte(0x2F);
/// The block time tests start at.
pub const NOW: u64 = 1_800_000_000;

pub fn revert() -> Vec<u8> {
    Vec::new()
}

impl Chain {
    pub fn new() -> Self {
        let vm = TestVMBuilder::new().sender(OWNER).contract_address(VAULT).build();
        vm.set_block_timestamp(NOW);
        Self {
            vm,
            ext: Rc::new(RefCell::new(External::default())),
        }
    }

    pub fn as_(&self, sender: Address) -> &Self {
        self.vm.set_sender(sender);
        self
    }

    pub fn add_token(&self, token: Address, kind: TokenKind, decimals: u8) {
        self.vm.set_code(token, vec![0xfe]);
        self.ext.borrow_mut().tokens.insert(
            token,
            FakeToken {
                kind,
                decimals,
                balances: HashMap::new(),
            },
        );
    }

    pub fn mint(&self, token: Address, to: Address, amount: u128) {
        let mut ext = self.ext.borrow_mut();
        let t = ext.tokens.get_mut(&token).expect("token");
        let b = t.balances.entry(to).or_default();
        *b += U256::from(amount);
    }

    pub fn token_balance(&self, token: Address, who: Address) -> U256 {
        self.ext.borrow().tokens[&token]
            .balances
            .get(&who)
            .copied()
            .unwrap_or_default()
    }

    pub fn set_token_kind(&self, token: Address, kind: TokenKind) {
        self.ext.borrow_mut().tokens.get_mut(&token).expect("token").kind = kind;
    }

    /// A feed with a fresh round (updated now) answering `answer`.
    pub fn add_feed(&self, feed: Address, decimals: u8, answer: i128) {
        self.vm.set_code(feed, vec![0xfe]);
        self.ext.borrow_mut().feeds.insert(
            feed,
            FakeFeed {
                decimals,
                round_id: 7,
                answer: I256::try_from(answer).expect("i256"),
                started_at: NOW,
                updated_at: NOW,
                answered_in_round: 7,
                reverts: false,
            },
        );
    }

    pub fn feed_mut<R>(&self, feed: Address, f: impl FnOnce(&mut FakeFeed) -> R) -> R {
        f(self.ext.borrow_mut().feeds.get_mut(&feed).expect("feed"))
    }

    pub fn vault(&self) -> Vault {
        Vault::from(self)
    }

    pub fn logs(&self) -> Vec<(Vec<B256>, Vec<u8>)> {
        self.vm.get_emitted_logs()
    }

    /// Asserts the last log is `event`.
    pub fn assert_last_event<E: SolEvent>(&self, event: E) {
        let logs = self.logs();
        let (topics, data) = logs.last().expect("a log");
        let expected = event.encode_log_data();
        assert_eq!(topics.as_slice(), expected.topics(), "event topics");
        assert_eq!(data.as_slice(), expected.data.as_ref(), "event data");
    }

    /// A snapshot of everything the vault stores, to prove a failed call changed nothing.
    pub fn storage_snapshot(&self) -> Vec<(U256, B256)> {
        let mut s: Vec<_> = self.vm.snapshot().storage.into_iter().collect();
        s.sort();
        s
    }

    fn answer(&self, to: Address, data: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        let me = self.vm.contract_address();
        let mut ext = self.ext.borrow_mut();
        ext.calls.push((to, data.to_vec()));
        if let Some(feed) = ext.feeds.get(&to) {
            if feed.reverts {
                return Err(revert());
            }
            if IAggregatorV3::decimalsCall::abi_decode(data).is_ok() {
                return Ok(IAggregatorV3::decimalsCall::abi_encode_returns(&feed.decimals));
            }
            if IAggregatorV3::latestRoundDataCall::abi_decode(data).is_ok() {
                let r = IAggregatorV3::latestRoundDataReturn {
                    roundId: U80::from(feed.round_id),
                    answer: feed.answer,
                    startedAt: U256::from(feed.started_at),
                    updatedAt: U256::from(feed.updated_at),
                    answeredInRound: U80::from(feed.answered_in_round),
                };
                return Ok(IAggregatorV3::latestRoundDataCall::abi_encode_returns_tuple(&(
                    r.roundId,
                    r.answer,
                    r.startedAt,
                    r.updatedAt,
                    r.answeredInRound,
                )));
            }
            return Err(revert());
        }
        let Some(token) = ext.tokens.get_mut(&to) else {
            return Ok(Vec::new()); // no code: a call to an empty account succeeds with no data
        };
        if token.kind == TokenKind::Reverts {
            return Err(revert());
        }
        if let Ok(c) = IERC20::decimalsCall::abi_decode(data) {
            let _ = c;
            return Ok(IERC20::decimalsCall::abi_encode_returns(&token.decimals));
        }
        if let Ok(c) = IERC20::balanceOfCall::abi_decode(data) {
            let b = token.balances.get(&c.account).copied().unwrap_or_default();
            return Ok(IERC20::balanceOfCall::abi_encode_returns(&b));
        }
        let (from, to_, amount) = if let Ok(c) = IERC20::transferCall::abi_decode(data) {
            (me, c.to, c.amount)
        } else if let Ok(c) = IERC20::transferFromCall::abi_decode(data) {
            (c.from, c.to, c.amount)
        } else {
            return Err(revert());
        };
        if token.kind == TokenKind::ReturnsFalse {
            return Ok(IERC20::transferCall::abi_encode_returns(&false));
        }
        let from_balance = token.balances.get(&from).copied().unwrap_or_default();
        if from_balance < amount {
            return Err(revert());
        }
        let received = match token.kind {
            TokenKind::FeeOnTransfer(bps) => amount - amount * U256::from(bps) / U256::from(10_000),
            _ => amount,
        };
        token.balances.insert(from, from_balance - amount);
        *token.balances.entry(to_).or_default() += received;
        match token.kind {
            TokenKind::NoReturn => Ok(Vec::new()),
            _ => Ok(IERC20::transferCall::abi_encode_returns(&true)),
        }
    }

    unsafe fn dispatch(&self, to: *const u8, data: *const u8, data_len: usize, outs_len: &mut usize) -> u8 {
        let to = Address::from_slice(slice::from_raw_parts(to, 20));
        let data = slice::from_raw_parts(data, data_len);
        let result = self.answer(to, data);
        let (status, out) = match result {
            Ok(d) => (0, d),
            Err(d) => (1, d),
        };
        *outs_len = out.len();
        self.ext.borrow_mut().return_data = out;
        status
    }
}

/// Encoded revert data of a custom error, to compare with what the vault returned.
pub fn encoded<E: SolError>(e: E) -> Vec<u8> {
    e.abi_encode()
}

/// Asserts that `result` failed with exactly `expected`.
pub fn assert_reverts<T: std::fmt::Debug, E: SolError>(
    result: Result<T, pm_vault::errors::VaultError>,
    expected: E,
) {
    match result {
        Ok(v) => panic!("expected revert {}, got Ok({v:?})", E::SIGNATURE),
        Err(e) => assert_eq!(
            Vec::<u8>::from(e),
            encoded(expected),
            "revert data of {}",
            E::SIGNATURE
        ),
    }
}

impl Host for Chain {}

impl CryptographyAccess for Chain {
    fn native_keccak256(&self, input: &[u8]) -> B256 {
        self.vm.native_keccak256(input)
    }
}

impl CalldataAccess for Chain {
    fn read_args(&self, len: usize) -> Vec<u8> {
        self.vm.read_args(len)
    }
    fn read_return_data(&self, offset: usize, size: Option<usize>) -> Vec<u8> {
        let ext = self.ext.borrow();
        let data = &ext.return_data;
        let start = offset.min(data.len());
        let end = size.map_or(data.len(), |s| (start + s).min(data.len()));
        data[start..end].to_vec()
    }
    fn return_data_size(&self) -> usize {
        self.ext.borrow().return_data.len()
    }
    fn write_result(&self, data: &[u8]) {
        self.vm.write_result(data)
    }
}

unsafe impl UnsafeDeploymentAccess for Chain {
    unsafe fn create1(
        &self,
        code: *const u8,
        code_len: usize,
        endowment: *const u8,
        contract: *mut u8,
        revert_data_len: *mut usize,
    ) {
        self.vm
            .create1(code, code_len, endowment, contract, revert_data_len)
    }
    unsafe fn create2(
        &self,
        code: *const u8,
        code_len: usize,
        endowment: *const u8,
        salt: *const u8,
        contract: *mut u8,
        revert_data_len: *mut usize,
    ) {
        self.vm
            .create2(code, code_len, endowment, salt, contract, revert_data_len)
    }
}

impl StorageAccess for Chain {
    fn storage_load_bytes32(&self, key: U256) -> B256 {
        self.vm.storage_load_bytes32(key)
    }
    unsafe fn storage_cache_bytes32(&self, key: U256, value: B256) {
        self.vm.storage_cache_bytes32(key, value)
    }
    fn flush_cache(&self, clear: bool) {
        self.vm.flush_cache(clear)
    }
}

unsafe impl UnsafeCallAccess for Chain {
    unsafe fn call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        _value: *const u8,
        _gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        self.dispatch(to, data, data_len, outs_len)
    }
    unsafe fn static_call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        _gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        self.dispatch(to, data, data_len, outs_len)
    }
    unsafe fn delegate_call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        _gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        self.dispatch(to, data, data_len, outs_len)
    }
}

impl BlockAccess for Chain {
    fn block_basefee(&self) -> U256 {
        self.vm.block_basefee()
    }
    fn block_coinbase(&self) -> Address {
        self.vm.block_coinbase()
    }
    fn block_number(&self) -> u64 {
        self.vm.block_number()
    }
    fn block_timestamp(&self) -> u64 {
        self.vm.block_timestamp()
    }
    fn block_gas_limit(&self) -> u64 {
        self.vm.block_gas_limit()
    }
}

impl ChainAccess for Chain {
    fn chain_id(&self) -> u64 {
        self.vm.chain_id()
    }
}

impl AccountAccess for Chain {
    fn balance(&self, account: Address) -> U256 {
        self.vm.balance(account)
    }
    fn contract_address(&self) -> Address {
        self.vm.contract_address()
    }
    fn code(&self, account: Address) -> Vec<u8> {
        self.vm.code(account)
    }
    fn code_size(&self, account: Address) -> usize {
        self.vm.code_size(account)
    }
    fn code_hash(&self, account: Address) -> B256 {
        self.vm.code_hash(account)
    }
}

impl MemoryAccess for Chain {
    fn pay_for_memory_grow(&self, pages: u16) {
        self.vm.pay_for_memory_grow(pages)
    }
}

impl MessageAccess for Chain {
    fn msg_sender(&self) -> Address {
        self.vm.msg_sender()
    }
    fn msg_reentrant(&self) -> bool {
        self.vm.msg_reentrant()
    }
    fn msg_value(&self) -> U256 {
        self.vm.msg_value()
    }
    fn tx_origin(&self) -> Address {
        self.vm.tx_origin()
    }
}

impl MeteringAccess for Chain {
    fn evm_gas_left(&self) -> u64 {
        self.vm.evm_gas_left()
    }
    fn evm_ink_left(&self) -> u64 {
        self.vm.evm_ink_left()
    }
    fn tx_gas_price(&self) -> U256 {
        self.vm.tx_gas_price()
    }
    fn tx_ink_price(&self) -> u32 {
        self.vm.tx_ink_price()
    }
}

impl RawLogAccess for Chain {
    fn emit_log(&self, input: &[u8], num_topics: usize) {
        self.vm.emit_log(input, num_topics)
    }
    fn raw_log(&self, topics: &[B256], data: &[u8]) -> Result<(), &'static str> {
        self.vm.raw_log(topics, data)
    }
}
