//! revm with Stylus: a wrapper EVM whose `frame_run` runs Stylus programs (code prefixed
//! `EF F0 00`) in the runtime of [`crate::program`], and the ArbWasm precompile at 0x71.
//! Design: `../shared/docs/revm-integration.md`.

use std::collections::HashMap;
use std::rc::Rc;

use revm::context::result::{EVMError, ExecutionResult, HaltReason, InvalidTransaction, ResultAndState};
use revm::context::{BlockEnv, CfgEnv, ContextSetters, Evm, FrameStack, TxEnv};
use revm::context_interface::{ContextTr, JournalTr};
use revm::database::{CacheDB, EmptyDB};
use revm::handler::evm::{ContextDbError, FrameInitResult};
use revm::handler::instructions::EthInstructions;
use revm::handler::{
    EthFrame, EthPrecompiles, EvmTr, FrameInitOrResult, FrameResult, Handler, ItemOrResult, MainnetHandler,
    PrecompileProvider,
};
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::interpreter_action::FrameInit;
use revm::interpreter::{CallInputs, FrameInput, InstructionResult, InterpreterAction, InterpreterResult};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, AddressSet};
use revm::state::EvmState;
use revm::{Context, DatabaseCommit, ExecuteCommitEvm, ExecuteEvm, Journal};

use crate::program::{self, Runtime};
use crate::{arbwasm, arbwasmcache};

/// The world state: an in-memory database.
pub type Db = CacheDB<EmptyDB>;
/// The execution context.
pub type Ctx = Context<BlockEnv, TxEnv, CfgEnv, Db, Journal<Db>, ()>;
type Inner = Evm<Ctx, (), EthInstructions<EthInterpreter, Ctx>, ArbPrecompiles, EthFrame<EthInterpreter>>;
/// Errors of a transaction.
pub type TxError = EVMError<core::convert::Infallible, InvalidTransaction>;

/// Ethereum precompiles plus ArbWasm at 0x71.
#[derive(Debug)]
pub struct ArbPrecompiles {
    eth: EthPrecompiles,
    warm: AddressSet,
}

impl ArbPrecompiles {
    fn new(spec: SpecId) -> Self {
        let eth = EthPrecompiles::new(spec);
        let mut warm = eth.warm_addresses().clone();
        warm.insert(arbwasm::ADDRESS);
        warm.insert(arbwasmcache::ADDRESS);
        Self { eth, warm }
    }
}

impl PrecompileProvider<Ctx> for ArbPrecompiles {
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: SpecId) -> bool {
        let changed = <EthPrecompiles as PrecompileProvider<Ctx>>::set_spec(&mut self.eth, spec);
        if changed {
            self.warm = self.eth.warm_addresses().clone();
            self.warm.insert(arbwasm::ADDRESS);
            self.warm.insert(arbwasmcache::ADDRESS);
        }
        changed
    }

    fn run(&mut self, ctx: &mut Ctx, inputs: &CallInputs) -> Result<Option<InterpreterResult>, String> {
        if inputs.bytecode_address == arbwasm::ADDRESS {
            return arbwasm::run(ctx, inputs).map(Some);
        }
        if inputs.bytecode_address == arbwasmcache::ADDRESS {
            return arbwasmcache::run(ctx, inputs).map(Some);
        }
        self.eth.run(ctx, inputs)
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.warm
    }
}

/// revm with Stylus programs.
pub struct StylusEvm {
    pub(crate) inner: Inner,
    pub(crate) runtime: Rc<Runtime>,
    /// Open program frames per address (not counting delegate calls): > 1 means re-entered.
    pub(crate) open_frames: HashMap<Address, u32>,
    /// Memory pages open in this transaction's program frames, and the most ever open (§6).
    pub(crate) pages_open: u16,
    pub(crate) pages_ever: u16,
}

impl StylusEvm {
    /// A new EVM over `ctx`.
    pub fn new(ctx: Ctx, runtime: Rc<Runtime>) -> Self {
        let spec = ctx.cfg.spec;
        Self {
            inner: Evm::new(
                ctx,
                EthInstructions::new_mainnet_with_spec(spec),
                ArbPrecompiles::new(spec),
            ),
            runtime,
            open_frames: HashMap::new(),
            pages_open: 0,
            pages_ever: 0,
        }
    }

    /// The context (state, block, tx, cfg).
    pub fn ctx(&mut self) -> &mut Ctx {
        &mut self.inner.ctx
    }

    /// An empty EVM standing in while the real one is lent to a running program.
    pub(crate) fn placeholder(runtime: Rc<Runtime>) -> Self {
        Self::new(
            Context::new(CacheDB::new(EmptyDB::default()), SpecId::PRAGUE),
            runtime,
        )
    }
}

impl EvmTr for StylusEvm {
    type Context = Ctx;
    type Instructions = EthInstructions<EthInterpreter, Ctx>;
    type Precompiles = ArbPrecompiles;
    type Frame = EthFrame<EthInterpreter>;

    fn all(
        &self,
    ) -> (
        &Ctx,
        &Self::Instructions,
        &ArbPrecompiles,
        &FrameStack<Self::Frame>,
    ) {
        self.inner.all()
    }

    fn all_mut(
        &mut self,
    ) -> (
        &mut Ctx,
        &mut Self::Instructions,
        &mut ArbPrecompiles,
        &mut FrameStack<Self::Frame>,
    ) {
        self.inner.all_mut()
    }

    fn frame_init(
        &mut self,
        frame_input: FrameInit,
    ) -> Result<FrameInitResult<'_, Self::Frame>, ContextDbError<Ctx>> {
        self.inner.frame_init(frame_input)
    }

    fn frame_run(&mut self) -> Result<FrameInitOrResult<Self::Frame>, ContextDbError<Ctx>> {
        let frame = self.inner.frame_stack.get();
        let is_program = matches!(frame.input, FrameInput::Call(_))
            && program::is_program(frame.interpreter.bytecode.original_byte_slice());
        if !is_program {
            if let FrameInput::Create(_) = frame.input {
                return self.run_create_frame();
            }
            return self.inner.frame_run();
        }
        let result = program::run_frame(self)?;
        let (ctx, _, _, stack) = self.inner.all_mut();
        let frame = stack.get();
        frame
            .process_next_action(ctx, InterpreterAction::Return(result))
            .inspect(|i| {
                if i.is_result() {
                    frame.set_finished(true);
                }
            })
    }

    fn frame_return_result(
        &mut self,
        result: FrameResult,
    ) -> Result<Option<FrameResult>, ContextDbError<Ctx>> {
        self.inner.frame_return_result(result)
    }
}

impl StylusEvm {
    /// Per-transaction runtime state: open frames and the memory model's pages.
    fn reset_tx(&mut self) {
        self.open_frames.clear();
        self.pages_open = 0;
        self.pages_ever = 0;
    }

    /// A create frame, with the EF F0 00 / EF F0 02 exception to EIP-3541 (revm-integration.md).
    fn run_create_frame(
        &mut self,
    ) -> Result<FrameInitOrResult<EthFrame<EthInterpreter>>, ContextDbError<Ctx>> {
        let (ctx, instructions, _, stack) = self.inner.all_mut();
        let frame = stack.get();
        let mut action =
            frame
                .interpreter
                .run_plain(instructions.instruction_table(), instructions.gas_table(), ctx);
        if let InterpreterAction::Return(result) = &mut action {
            let out = &result.output;
            let stylus = out.len() > 3
                && (out.starts_with(&[0xEF, 0xF0, 0x00]) || out.starts_with(&[0xEF, 0xF0, 0x02]));
            if result.result.is_ok() && out.first() == Some(&0xEF) && !stylus && out.len() <= 0x6000 * 4 {
                result.result = InstructionResult::CreateContractStartingWithEF;
            }
        }
        frame.process_next_action(ctx, action).inspect(|i| {
            if i.is_result() {
                frame.set_finished(true);
            }
        })
    }

    /// Runs a call or create from a program as a nested frame above the program's frame and returns its
    /// result (revm-integration.md, "Nested calls").
    pub(crate) fn run_nested(&mut self, frame_input: FrameInput) -> Result<FrameResult, ContextDbError<Ctx>> {
        let stack = &mut self.inner.frame_stack;
        let base = stack.index().unwrap_or(0);
        let parent = stack.get();
        let init = FrameInit {
            depth: parent.depth + 1,
            memory: parent.interpreter.memory.new_child_context(),
            frame_input,
        };
        let result = match self.frame_init(init)? {
            ItemOrResult::Result(r) => r,
            ItemOrResult::Item(_) => loop {
                let step = self.frame_run()?;
                let result = match step {
                    ItemOrResult::Item(init) => match self.frame_init(init)? {
                        ItemOrResult::Item(_) => continue,
                        ItemOrResult::Result(r) => r,
                    },
                    ItemOrResult::Result(r) => r,
                };
                let stack = &mut self.inner.frame_stack;
                if stack.index() == Some(base + 1) && stack.get().is_finished() {
                    stack.pop();
                    break result;
                }
                if let Some(r) = self.frame_return_result(result)? {
                    break r; // cannot happen above a live program frame
                }
            },
        };
        self.inner
            .frame_stack
            .get()
            .interpreter
            .memory
            .free_child_context();
        let err = std::mem::replace(&mut self.inner.ctx.error, Ok(()));
        err?;
        Ok(result)
    }
}

impl ExecuteEvm for StylusEvm {
    type State = EvmState;
    type ExecutionResult = ExecutionResult<HaltReason>;
    type Error = TxError;
    type Tx = TxEnv;
    type Block = BlockEnv;

    fn set_block(&mut self, block: BlockEnv) {
        self.inner.ctx.set_block(block);
    }

    fn transact_one(&mut self, tx: TxEnv) -> Result<ExecutionResult<HaltReason>, TxError> {
        self.reset_tx();
        self.inner.ctx.set_tx(tx);
        MainnetHandler::<Self, TxError, EthFrame<EthInterpreter>>::default().run(self)
    }

    fn finalize(&mut self) -> EvmState {
        self.inner.ctx.journal_mut().finalize()
    }

    fn replay(&mut self) -> Result<ResultAndState<HaltReason, EvmState>, TxError> {
        self.reset_tx();
        MainnetHandler::<Self, TxError, EthFrame<EthInterpreter>>::default()
            .run(self)
            .map(|result| {
                let state = self.finalize();
                ResultAndState::new(result, state)
            })
    }
}

impl ExecuteCommitEvm for StylusEvm {
    fn commit(&mut self, state: EvmState) {
        self.inner.ctx.db_mut().commit(state);
    }
}
