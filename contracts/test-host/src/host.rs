//! The chain: `TestVM` for storage, logs, the message and the block, and a registry of fake
//! contracts that answer the calls of the contract under test.
//!
//! Calls: a call to a registered address runs its fake (taken out of the registry for the
//! duration of the call, so a fake may use a clone of the chain, e.g. to read the block time);
//! a call to any other address succeeds with no data, as a call to an account without code does.
//! Every call is recorded, in order.
#![allow(unsafe_code)] // the host traits take raw pointers; each use is commented

use std::{any::Any, cell::RefCell, collections::HashMap, rc::Rc, slice};

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::stylus_core::*;
use stylus_sdk::testing::{TestVM, TestVMBuilder};

use crate::calls::{CallKind, CallRecord, FakeContract, FnContract, Incoming, Outcome};

/// The code given to a fake's address so that it counts as a contract (`INVALID`).
const FAKE_CODE: u8 = 0xfe;

/// What the host keeps beside `TestVM`.
#[derive(Default)]
struct Registry {
    contracts: HashMap<Address, Box<dyn FakeContract>>,
    return_data: Vec<u8>,
    calls: Vec<CallRecord>,
    /// Contracts created so far (the creator's nonce, from 1 as EIP-161's).
    creations: u64,
}

/// A TestVM-backed host. Cheap to clone: clones share the same state.
#[derive(Clone)]
pub struct Chain {
    /// The underlying TestVM (storage, logs, message, block).
    pub vm: TestVM,
    registry: Rc<RefCell<Registry>>,
}

impl Chain {
    /// A chain whose contract under test is at `contract`, called by `sender`, at block time
    /// `now` (unix seconds).
    pub fn new(contract: Address, sender: Address, now: u64) -> Self {
        let vm = TestVMBuilder::new()
            .sender(sender)
            .contract_address(contract)
            .build();
        vm.set_block_timestamp(now);
        Self {
            vm,
            registry: Rc::new(RefCell::new(Registry::default())),
        }
    }

    /// The chain with `sender` as the caller of the next calls (chain it: `chain.as_(a).x()`).
    pub fn as_(&self, sender: Address) -> &Self {
        self.vm.set_sender(sender);
        self
    }

    /// The block time, unix seconds.
    pub fn now(&self) -> u64 {
        self.vm.block_timestamp()
    }

    /// Sets the block time, unix seconds.
    pub fn set_time(&self, timestamp: u64) {
        self.vm.set_block_timestamp(timestamp);
    }

    /// Gives `account` code, so that it counts as a contract; calls to it succeed with no data
    /// unless a fake is registered there.
    pub fn deploy_code(&self, account: Address) {
        self.vm.set_code(account, vec![FAKE_CODE]);
    }

    /// Registers `contract` at `address` (with code), replacing any fake there.
    pub fn register<C: FakeContract>(&self, address: Address, contract: C) {
        self.deploy_code(address);
        self.registry
            .borrow_mut()
            .contracts
            .insert(address, Box::new(contract));
    }

    /// Registers a closure answering every call to `address` (with code).
    pub fn register_fn<F>(&self, address: Address, answer: F)
    where
        F: FnMut(&Incoming<'_>) -> Outcome + 'static,
    {
        self.register(address, FnContract(answer));
    }

    /// Reads the fake of type `C` at `address`. Panics when there is none of that type.
    pub fn fake<C: FakeContract, R>(&self, address: Address, read: impl FnOnce(&C) -> R) -> R {
        let registry = self.registry.borrow();
        let fake = registry
            .contracts
            .get(&address)
            .unwrap_or_else(|| panic!("no fake contract at {address}"));
        let any: &dyn Any = fake.as_ref();
        read(
            any.downcast_ref::<C>()
                .unwrap_or_else(|| panic!("the fake at {address} is not a {}", std::any::type_name::<C>())),
        )
    }

    /// Changes the fake of type `C` at `address`. Panics when there is none of that type.
    pub fn fake_mut<C: FakeContract, R>(&self, address: Address, change: impl FnOnce(&mut C) -> R) -> R {
        let mut registry = self.registry.borrow_mut();
        let fake = registry
            .contracts
            .get_mut(&address)
            .unwrap_or_else(|| panic!("no fake contract at {address}"));
        let any: &mut dyn Any = fake.as_mut();
        change(
            any.downcast_mut::<C>()
                .unwrap_or_else(|| panic!("the fake at {address} is not a {}", std::any::type_name::<C>())),
        )
    }

    /// Every call the contract under test made, in order.
    pub fn calls(&self) -> Vec<CallRecord> {
        self.registry.borrow().calls.clone()
    }

    /// Runs a call from the contract under test and records it.
    fn answer(&self, kind: CallKind, to: Address, value: U256, data: &[u8]) -> Outcome {
        let from = self.vm.contract_address();
        let fake = self.registry.borrow_mut().contracts.remove(&to);
        let outcome = match fake {
            Some(mut fake) => {
                let outcome = fake.call(&Incoming {
                    kind,
                    from,
                    to,
                    value,
                    data,
                });
                self.registry.borrow_mut().contracts.entry(to).or_insert(fake);
                outcome
            }
            None => Ok(Vec::new()),
        };
        self.registry.borrow_mut().calls.push(CallRecord {
            kind,
            from,
            to,
            value,
            data: data.to_vec(),
            reverted: outcome.is_err(),
        });
        outcome
    }

    /// The host ABI of a call: status 0 (success) or 1 (revert), the output kept as return data.
    ///
    /// # Safety
    /// `to` points to 20 readable bytes, `data` to `data_len`, `value` (when not null) to 32.
    unsafe fn dispatch(
        &self,
        kind: CallKind,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        value: *const u8,
        outs_len: &mut usize,
    ) -> u8 {
        // SAFETY: the caller's contract (the SDK passes live buffers of these lengths).
        let (to, data, value) = unsafe {
            (
                Address::from_slice(slice::from_raw_parts(to, 20)),
                slice::from_raw_parts(data, data_len),
                if value.is_null() {
                    U256::ZERO
                } else {
                    U256::from_be_slice(slice::from_raw_parts(value, 32))
                },
            )
        };
        let (status, out) = match self.answer(kind, to, value, data) {
            Ok(out) => (0, out),
            Err(out) => (1, out),
        };
        *outs_len = out.len();
        self.registry.borrow_mut().return_data = out;
        status
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
        let registry = self.registry.borrow();
        let data = &registry.return_data;
        let start = offset.min(data.len());
        let end = size.map_or(data.len(), |s| start.saturating_add(s).min(data.len()));
        data[start..end].to_vec()
    }
    fn return_data_size(&self) -> usize {
        self.registry.borrow().return_data.len()
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
        let _ = endowment;
        // SAFETY: the caller passes `code_len` readable bytes at `code`, 20 writable bytes at
        // `contract` and a writable `revert_data_len` (the `create1` hostio's contract).
        let init = unsafe { std::slice::from_raw_parts(code, code_len) }.to_vec();
        let created = crate::deploy::run_init_code(&init).map(|runtime| {
            let mut registry = self.registry.borrow_mut();
            registry.creations += 1;
            let address = self.vm.contract_address().create(registry.creations);
            self.vm.set_code(address, runtime);
            address
        });
        self.registry.borrow_mut().return_data.clear();
        unsafe {
            std::slice::from_raw_parts_mut(contract, 20)
                .copy_from_slice(created.unwrap_or_default().as_slice());
            *revert_data_len = 0;
        }
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
        // SAFETY: forwarded unchanged; the caller upholds TestVM's contract.
        unsafe {
            self.vm
                .create2(code, code_len, endowment, salt, contract, revert_data_len)
        }
    }
}

impl StorageAccess for Chain {
    fn storage_load_bytes32(&self, key: U256) -> B256 {
        self.vm.storage_load_bytes32(key)
    }
    unsafe fn storage_cache_bytes32(&self, key: U256, value: B256) {
        // SAFETY: forwarded unchanged; TestVM writes its storage map.
        unsafe { self.vm.storage_cache_bytes32(key, value) }
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
        value: *const u8,
        _gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        // SAFETY: the SDK passes live buffers: 20 bytes of address, `data_len` of data, 32 of value.
        unsafe { self.dispatch(CallKind::Call, to, data, data_len, value, outs_len) }
    }
    unsafe fn static_call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        _gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        // SAFETY: as `call_contract`; no value.
        unsafe { self.dispatch(CallKind::Static, to, data, data_len, std::ptr::null(), outs_len) }
    }
    unsafe fn delegate_call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        _gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        // SAFETY: as `call_contract`; no value.
        unsafe { self.dispatch(CallKind::Delegate, to, data, data_len, std::ptr::null(), outs_len) }
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
