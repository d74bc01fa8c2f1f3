//! The Stylus runtime: wasmi, the module cache, and running a program in a frame: the
//! activation check, the entry cost (§6), the ink it runs on, and the outcome rules (§3):
//! returned 0 = success, another status = revert with the written result, a trap = revert with
//! empty data and the gas left refunded, out of ink or stack = every gas used. Generic over
//! [`Frames`]: it never imports the EVM that calls it. While profiling is on, programs run
//! instrumented with the profiling counters ([`crate::profile`]) and their frames are recorded.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use revm::context_interface::ContextTr;
use revm::handler::evm::ContextDbError;
use revm::interpreter::{CallInput, CallInputs, CallScheme, Gas, InstructionResult, InterpreterResult};
use revm::primitives::{keccak256, Bytes, B256, KECCAK_EMPTY};
use revm::Database;
use wasmi::{Engine, Linker, Module, Store};

use crate::context::Ctx;
use crate::fragments::Root;
use crate::frames::Frames;
use crate::gas_profile::GasProfile;
use crate::host::entrypoint::{call_entrypoint, Ended};
use crate::host::linker::linker;
use crate::host::state::{Exit, HostState};
use crate::meter;
use crate::pack;
use crate::precompiles::program_info;
use crate::pricing::INK_PER_GAS;
use crate::profile::Layout;

/// Compiled programs and the engine that runs them, for programs hosted by `F`.
pub struct Runtime<F> {
    engine: Engine,
    linker: Linker<HostState<F>>,
    /// By code hash and whether profiled.
    modules: RefCell<HashMap<(B256, bool), Rc<Compiled>>>,
    /// Whether programs run profiled.
    profiling: Cell<bool>,
    /// What the profiled frames were charged since the last reset.
    profile: RefCell<GasProfile>,
}

/// An activated program, instrumented and compiled.
pub struct Compiled {
    module: Module,
    /// Where its profiling counters are, when profiled.
    profile: Option<Layout>,
}

impl<F: Frames + 'static> Runtime<F> {
    /// A runtime: wasmi with its own fuel off and a stack deeper than Stylus's 22,000-word budget.
    pub fn new() -> Rc<Self> {
        let mut config = wasmi::Config::default();
        config.consume_fuel(false);
        config.set_max_recursion_depth(100_000);
        config.set_max_stack_height(8 * 1024 * 1024);
        config.wasm_reference_types(false);
        config.wasm_tail_call(false);
        let engine = Engine::new(&config);
        let linker = linker(&engine);
        Rc::new(Self {
            engine,
            linker,
            modules: RefCell::new(HashMap::new()),
            profiling: Cell::new(false),
            profile: RefCell::new(GasProfile::default()),
        })
    }

    /// Runs the programs called from now on profiled (`on`) or not; the ink they are charged is
    /// the same either way.
    pub fn set_profiling(&self, on: bool) {
        self.profiling.set(on);
    }

    /// What the profiled frames were charged since the last reset.
    pub fn gas_profile(&self) -> GasProfile {
        self.profile.borrow().clone()
    }

    /// Forgets what the profiled frames were charged.
    pub fn reset_gas_profile(&self) {
        self.profile.replace(GasProfile::default());
    }

    /// The compiled program for `wasm` (already validated at activation), cached by code hash
    /// and whether profiled. Errors: instrumentation or compilation failed.
    pub(crate) fn compiled(&self, code_hash: B256, wasm: &[u8]) -> Result<Rc<Compiled>, String> {
        let key = (code_hash, self.profiling.get());
        if let Some(c) = self.modules.borrow().get(&key) {
            return Ok(c.clone());
        }
        let (instrumented, profile) = if key.1 {
            let (instrumented, layout) = meter::instrument_profiled(wasm).map_err(|e| e.to_string())?;
            (instrumented, Some(layout))
        } else {
            (meter::instrument(wasm).map_err(|e| e.to_string())?, None)
        };
        let module = Module::new(&self.engine, &instrumented).map_err(|e| e.to_string())?;
        let compiled = Rc::new(Compiled { module, profile });
        self.modules.borrow_mut().insert(key, compiled.clone());
        Ok(compiled)
    }

    /// Runs the program `code` (hash `code_hash`) for the call `inputs` of the top frame, whose
    /// gas is `gas`, and returns the frame's result with its gas settled. `evm` is lent to the
    /// program's host for the call. Errors: the database failed.
    pub fn run(
        &self,
        evm: &mut F,
        inputs: &CallInputs,
        gas: Gas,
        code: &Bytes,
        code_hash: B256,
    ) -> Result<InterpreterResult, ContextDbError<Ctx>> {
        let args = inputs.input.bytes(evm.ctx());

        // Calling code that is not activated, activated under another Stylus version, or expired
        // (it needs re-activating), fails, using up the call's gas.
        let Some(info) = program_info::read(evm.ctx(), code_hash)? else {
            return Ok(halt(InstructionResult::OpcodeNotFound, gas));
        };
        let time: u64 = evm.ctx().block.timestamp.saturating_to();
        if info.version != evm.arbos().stylus_version() || info.expired(time) {
            return Ok(halt(InstructionResult::OpcodeNotFound, gas));
        }
        let Some(wasm) = program_wasm(evm.ctx(), code, code_hash)? else {
            return Ok(halt(InstructionResult::OpcodeNotFound, gas));
        };
        let compiled = match self.compiled(code_hash, &wasm) {
            Ok(c) => c,
            Err(_) => return Ok(halt(InstructionResult::OpcodeNotFound, gas)),
        };

        // Entry: init gas (only the cached part for a program in Arbitrum's cache or, from ArbOS
        // 60, run already in this block) and the memory of the initial pages (§6). The program
        // counts as run in this block even if its entry runs out of gas.
        let capacity = evm.arbos().recent_programs();
        let recent = evm.recent_programs().insert(code_hash.0, capacity);
        let mut gas_left = gas.remaining();
        let memory = evm.pages().gas_to_open(info.footprint);
        let entry = info.init_gas(recent).saturating_add(memory);
        if entry > gas_left {
            return Ok(halt(InstructionResult::OutOfGas, gas));
        }
        gas_left -= entry;

        let delegate = matches!(inputs.scheme, CallScheme::DelegateCall | CallScheme::CallCode);
        let address = inputs.target_address;
        let reentrant = evm.open_frames().enter(address, delegate);
        let open_at_entry = evm.pages().open;
        evm.pages().grow(info.footprint);

        // Lend the EVM to the program's host for the duration of the call.
        let state = HostState::new(evm.lend(), inputs, args, reentrant);
        let store = Store::new(&self.engine, state);
        let ink = gas_left.saturating_mul(INK_PER_GAS);
        let Ended {
            state,
            exit,
            ink_left,
            functions,
        } = call_entrypoint(
            &self.linker,
            store,
            &compiled.module,
            ink,
            input_len(inputs),
            compiled.profile.as_ref(),
        );
        if compiled.profile.is_some() {
            let charged = ink.saturating_sub(ink_left);
            self.profile
                .borrow_mut()
                .record(code_hash, entry, charged, &functions);
        }
        let HostState {
            evm: lent,
            result: output,
            refund,
            ..
        } = state;
        *evm = lent;
        evm.open_frames().leave(address, delegate);
        // The frame's pages close as it returns, however it ends (Nitro restores the count).
        evm.pages().close_to(open_at_entry);
        let err = std::mem::replace(&mut evm.ctx().error, Ok(()));
        err?;

        Ok(outcome(exit, gas, ink_left, output, refund))
    }
}

/// The frame's result once the program ended as `exit` with `ink_left`, out of the frame's
/// `gas`: success and revert pay the gas used (success also records `refund`); out of ink or
/// stack uses all gas.
fn outcome(exit: Exit, gas: Gas, ink_left: u64, output: Vec<u8>, refund: i64) -> InterpreterResult {
    let mut gas = gas;
    let used = gas.remaining().saturating_sub(ink_left / INK_PER_GAS);
    match exit {
        Exit::Returned(0) => {
            let _ = gas.record_regular_cost(used); // used <= remaining by construction
            gas.record_refund(refund);
            InterpreterResult {
                result: InstructionResult::Return,
                output: output.into(),
                gas,
            }
        }
        Exit::Returned(_) => {
            let _ = gas.record_regular_cost(used); // used <= remaining by construction
            InterpreterResult {
                result: InstructionResult::Revert,
                output: output.into(),
                gas,
            }
        }
        Exit::OutOfInk => halt(InstructionResult::OutOfGas, gas),
        Exit::OutOfStack => halt(InstructionResult::CallTooDeep, gas),
        Exit::Trap => {
            let _ = gas.record_regular_cost(used); // used <= remaining by construction
            InterpreterResult {
                result: InstructionResult::Revert,
                output: Bytes::new(),
                gas,
            }
        }
    }
}

/// A frame that halts with `result`, using all of `gas` and returning no data.
pub fn halt(result: InstructionResult, gas: Gas) -> InterpreterResult {
    let mut gas = gas;
    gas.spend_all();
    InterpreterResult {
        result,
        output: Bytes::new(),
        gas,
    }
}

/// Length of the call's input, bytes.
fn input_len(inputs: &CallInputs) -> usize {
    match &inputs.input {
        CallInput::Bytes(b) => b.len(),
        CallInput::SharedBuffer(r) => r.len(),
    }
}

/// The wasm a program's `code` (hash `code_hash`) holds: a classic program's, decompressed, or a
/// root's fragments' joined and decompressed, and only if it is the wasm that was activated
/// (its hash is the module hash recorded then; a fragment may have been destroyed and created
/// again with other bytes), as Nitro checks when it rebuilds a program. Outside activation Nitro
/// reads fragments without charging or warming them: their code is taken from the transaction's
/// state if loaded there, else from the database. `None`: it holds none. Errors: the database
/// failed.
fn program_wasm(ctx: &mut Ctx, code: &[u8], code_hash: B256) -> Result<Option<Vec<u8>>, ContextDbError<Ctx>> {
    let Some(root) = Root::parse(code) else {
        return Ok(pack::unpack(code));
    };
    let mut codes = Vec::with_capacity(root.fragments.len());
    for a in &root.fragments {
        let journal = ctx.journal_mut();
        let (hash, loaded) = match journal.inner.state.get(a) {
            Some(account) => (account.info.code_hash, account.info.code.clone()),
            None => match journal.database.basic(*a)? {
                Some(info) => (info.code_hash, info.code),
                None => (KECCAK_EMPTY, None),
            },
        };
        let code = match loaded {
            Some(c) => c.original_bytes(),
            None if hash != KECCAK_EMPTY && !hash.is_zero() => {
                journal.database.code_by_hash(hash)?.original_bytes()
            }
            None => Bytes::new(),
        };
        codes.push(code);
    }
    let codes: Vec<&[u8]> = codes.iter().map(|c| c.as_ref()).collect();
    let Ok(wasm) = root.assemble(&codes) else {
        return Ok(None);
    };
    let activated = program_info::read_module_hash(ctx, code_hash)?;
    Ok((keccak256(&wasm) == activated).then_some(wasm))
}
