//! Running a Stylus program in a frame: activation checks, the module cache, entry costs, ink,
//! and the outcome rules of `stylus-runtime.md` §3 and §6.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use revm::handler::evm::ContextDbError;
use revm::interpreter::{CallScheme, FrameInput, InstructionResult, InterpreterResult};
use revm::primitives::{keccak256, Bytes, B256};
use wasmi::{Engine, Linker, Module, Store, Val};

use crate::arbwasm;
use crate::evm::{Ctx, StylusEvm};
use crate::host::{self, Exit, HostState};
use crate::meter;
use crate::pricing::INK_PER_GAS;

/// Whether deployed code is a classic Stylus program (`EF F0 00` + dictionary byte + data).
pub fn is_program(code: &[u8]) -> bool {
    code.len() > 4 && code.starts_with(&[0xEF, 0xF0, 0x00])
}

/// Compiled programs and the engine that runs them.
pub struct Runtime {
    engine: Engine,
    linker: Linker<HostState>,
    modules: RefCell<HashMap<B256, Rc<Compiled>>>,
}

/// An activated program, instrumented and compiled.
pub struct Compiled {
    module: Module,
}

impl Runtime {
    /// A runtime: wasmi with its own fuel off and a stack deeper than Stylus's 22,000-word budget.
    pub fn new() -> Rc<Self> {
        let mut config = wasmi::Config::default();
        config.consume_fuel(false);
        config.set_max_recursion_depth(100_000);
        config.set_max_stack_height(8 * 1024 * 1024);
        config.wasm_reference_types(false);
        config.wasm_tail_call(false);
        let engine = Engine::new(&config);
        let linker = host::linker(&engine);
        Rc::new(Self {
            engine,
            linker,
            modules: RefCell::new(HashMap::new()),
        })
    }

    /// The compiled program for `wasm` (already validated at activation), cached by code hash.
    pub(crate) fn compiled(&self, code_hash: B256, wasm: &[u8]) -> Result<Rc<Compiled>, String> {
        if let Some(c) = self.modules.borrow().get(&code_hash) {
            return Ok(c.clone());
        }
        let instrumented = meter::instrument(wasm).map_err(|e| e.to_string())?;
        let module = Module::new(&self.engine, &instrumented).map_err(|e| e.to_string())?;
        let compiled = Rc::new(Compiled { module });
        self.modules.borrow_mut().insert(code_hash, compiled.clone());
        Ok(compiled)
    }
}

fn halt(result: InstructionResult, gas: revm::interpreter::Gas) -> InterpreterResult {
    let mut gas = gas;
    gas.spend_all();
    InterpreterResult {
        result,
        output: Bytes::new(),
        gas,
    }
}

/// Runs the program of the top frame and returns its result (gas settled).
pub(crate) fn run_frame(evm: &mut StylusEvm) -> Result<InterpreterResult, ContextDbError<Ctx>> {
    let frame = evm.inner.frame_stack.get();
    let FrameInput::Call(inputs) = &frame.input else {
        return Ok(halt(InstructionResult::FatalExternalError, frame.interpreter.gas));
    };
    let inputs = (**inputs).clone();
    let gas = frame.interpreter.gas;
    let code = frame.interpreter.bytecode.original_bytes();
    let code_hash = frame
        .interpreter
        .bytecode
        .hash()
        .unwrap_or_else(|| keccak256(&code));
    let args = inputs.input.bytes(&evm.inner.ctx);

    // Calling code that is not activated fails, using up the call's gas.
    let Some(info) = arbwasm::program_info(&mut evm.inner.ctx, code_hash)? else {
        return Ok(halt(InstructionResult::OpcodeNotFound, gas));
    };
    let Some(wasm) = crate::pack::unpack(&code) else {
        return Ok(halt(InstructionResult::OpcodeNotFound, gas));
    };
    let compiled = match evm.runtime.compiled(code_hash, &wasm) {
        Ok(c) => c,
        Err(_) => return Ok(halt(InstructionResult::OpcodeNotFound, gas)),
    };

    // Entry: init gas and the memory of the initial pages (§6).
    let mut gas_left = gas.remaining();
    let memory = host::memory_gas(evm.pages_open, info.footprint, evm.pages_ever);
    let entry = info.init_gas().saturating_add(memory);
    if entry > gas_left {
        return Ok(halt(InstructionResult::OutOfGas, gas));
    }
    gas_left -= entry;

    let delegate = matches!(inputs.scheme, CallScheme::DelegateCall | CallScheme::CallCode);
    let address = inputs.target_address;
    if !delegate {
        *evm.open_frames.entry(address).or_insert(0) += 1;
    }
    let reentrant = evm.open_frames.get(&address).copied().unwrap_or(0) > 1;

    evm.pages_open = evm.pages_open.saturating_add(info.footprint);
    evm.pages_ever = evm.pages_ever.max(evm.pages_open);

    // Lend the EVM to the program's host for the duration of the call.
    let runtime = evm.runtime.clone();
    let lent = std::mem::replace(evm, StylusEvm::placeholder(runtime.clone()));
    let state = HostState::new(lent, &inputs, args, reentrant);
    let store = Store::new(&runtime.engine, state);
    let ink = gas_left.saturating_mul(INK_PER_GAS);
    let (state, exit, ink_left) =
        host::call_entrypoint(&runtime.linker, store, &compiled.module, ink, inputs.input_len());
    let HostState {
        evm: lent,
        result: output,
        refund,
        ..
    } = state;
    *evm = lent;
    if !delegate {
        if let Some(n) = evm.open_frames.get_mut(&address) {
            *n = n.saturating_sub(1);
        }
    }
    let err = std::mem::replace(&mut evm.inner.ctx.error, Ok(()));
    err?;

    let mut gas = gas;
    let used = gas.remaining().saturating_sub(ink_left / INK_PER_GAS);
    Ok(match exit {
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
    })
}

/// The program's instrumented ink counter, read back after a call.
pub(crate) fn ink_left(store: &Store<HostState>, instance: &wasmi::Instance) -> u64 {
    match instance.get_global(store, meter::INK_LEFT).map(|g| g.get(store)) {
        Some(Val::I64(v)) => v as u64,
        _ => 0,
    }
}

trait InputLen {
    fn input_len(&self) -> usize;
}

impl InputLen for revm::interpreter::CallInputs {
    fn input_len(&self) -> usize {
        match &self.input {
            revm::interpreter::CallInput::Bytes(b) => b.len(),
            revm::interpreter::CallInput::SharedBuffer(r) => r.len(),
        }
    }
}

/// Activation data kept for each code hash (`arbwasm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgramInfo {
    /// Stylus version.
    pub version: u16,
    /// Modelled init cost (gas, before the base).
    pub init_cost: u16,
    /// Modelled init cost of the cached part (gas, before the base), paid on every call.
    pub cached_init_cost: u16,
    /// Initial memory pages.
    pub footprint: u16,
    /// In Arbitrum's program cache (`ArbWasmCache.cacheProgram`): calls skip the uncached init.
    pub cached: bool,
}

impl ProgramInfo {
    /// Gas to enter the program (§6): the cached part 11·32 + cached_init_cost, which every call
    /// pays, plus the uncached part 69·128 + init_cost unless the program is in the cache.
    pub fn init_gas(&self) -> u64 {
        let cached = 11 * 32 + u64::from(self.cached_init_cost);
        if self.cached {
            cached
        } else {
            cached + 69 * 128 + u64::from(self.init_cost)
        }
    }
}
