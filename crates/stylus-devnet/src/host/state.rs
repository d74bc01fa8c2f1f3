//! What a running program's host functions reach ([`HostState`]), how a call ends ([`Exit`]),
//! how a host function fails (a wasm trap), and how one is registered.

use std::collections::HashMap;

use revm::interpreter::CallInputs;
use revm::primitives::{Address, Bytes, U256};
use wasmi::{Error, IntoFunc, Linker};

/// How a program call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// `user_entrypoint` (or `exit_early`) returned this status.
    Returned(i32),
    /// Out of ink: all gas is used.
    OutOfInk,
    /// Beyond the stack budget: all gas is used.
    OutOfStack,
    /// A trap or a bad host call: reverts with empty data, gas left refunded.
    Trap,
}

/// Everything a running program's host functions reach: the EVM (lent for the call) and the
/// call's own state.
pub struct HostState<F> {
    /// The EVM, lent to the program for the duration of its call.
    pub(crate) evm: F,
    /// The program's address (the caller's, under DELEGATECALL).
    pub(super) address: Address,
    /// `msg.sender`.
    pub(super) caller: Address,
    /// `msg.value`, wei.
    pub(super) value: U256,
    /// Static call: no storage, transient-storage, log, value or create writes.
    pub(super) is_static: bool,
    /// More than one frame of this address is open (`msg_reentrant`).
    pub(super) reentrant: bool,
    /// Calldata (`read_args`).
    pub(super) args: Bytes,
    /// What the program wrote with `write_result`.
    pub(crate) result: Vec<u8>,
    /// Return data of the last call or create (`read_return_data`).
    pub(super) return_data: Bytes,
    /// The storage cache: key -> its slot.
    pub(super) cache: HashMap<U256, CachedSlot>,
    /// Keys written since the last flush, in write order.
    pub(super) written: Vec<U256>,
    /// Storage loads in this call (each pays a surcharge by the count).
    pub(super) reads: u32,
    /// Storage cache writes in this call (each pays a surcharge by the count).
    pub(super) writes: u32,
    /// The last account whose code this call read, and that code (`account_code`,
    /// `account_code_size`: a repeat pays no access gas).
    pub(super) last_code: Option<(Address, Bytes)>,
    /// Gas refund accumulated (SSTORE refunds, successful sub-calls' refunds).
    pub(crate) refund: i64,
    /// The status passed to `exit_early`, if it was called.
    pub(super) exit: Option<i32>,
    /// A host function ran out of ink.
    pub(super) out_of_ink: bool,
    /// Pages this call grew its memory by (`pay_for_memory_grow`).
    pub(crate) grown: u16,
}

impl<F> HostState<F> {
    /// The state of a call `inputs` with calldata `args`, owning the lent `evm`.
    pub(crate) fn new(evm: F, inputs: &CallInputs, args: Bytes, reentrant: bool) -> Self {
        Self {
            evm,
            address: inputs.target_address,
            caller: inputs.caller,
            value: inputs.value.get(),
            is_static: inputs.is_static,
            reentrant,
            args,
            result: Vec::new(),
            return_data: Bytes::new(),
            cache: HashMap::new(),
            written: Vec::new(),
            reads: 0,
            writes: 0,
            last_code: None,
            refund: 0,
            exit: None,
            out_of_ink: false,
            grown: 0,
        }
    }
}

/// A slot in a call's storage cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CachedSlot {
    /// The value the program sees.
    pub value: U256,
    /// The value in state as last loaded or flushed (`None`: written before any load).
    pub known: Option<U256>,
}

/// A host function's access to the running program: its instance (memory, globals) and the
/// [`HostState`].
pub type HostCaller<'a, F> = wasmi::Caller<'a, HostState<F>>;

/// A trap: the program's call ends as [`Exit::Trap`] unless a flag says otherwise.
pub(crate) fn trap(msg: &str) -> Error {
    Error::new(msg.to_string())
}

/// The in-memory database cannot fail; should it, the program traps.
pub(crate) fn db_err() -> Error {
    trap("database error")
}

/// Registers `func` as the host function `vm_hooks::name`.
pub(crate) fn hook<F, Params, Results>(
    linker: &mut Linker<HostState<F>>,
    name: &str,
    func: impl IntoFunc<HostState<F>, Params, Results>,
) {
    linker
        .func_wrap("vm_hooks", name, func)
        .expect("unique host function");
}
