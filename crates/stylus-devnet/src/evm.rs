//! revm with Stylus: a wrapper EVM whose `frame_run` runs Stylus programs (code prefixed
//! `EF F0 00`, and from ArbOS 60 roots, `EF F0 02`) on the [`Runtime`], and create frames with
//! the Stylus exceptions to EIP-3541. It implements [`Frames`] for the runtime and the host, which never import it.
//! Design: `../shared/docs/revm-integration.md`.

use std::rc::Rc;

use revm::context::result::{ExecutionResult, HaltReason, ResultAndState};
use revm::context::{BlockEnv, ContextSetters, Evm, FrameStack, TxEnv};
use revm::context_interface::{ContextTr, JournalTr};
use revm::database::{CacheDB, EmptyDB};
use revm::handler::evm::{ContextDbError, FrameInitResult};
use revm::handler::instructions::EthInstructions;
use revm::handler::{EthFrame, EvmTr, FrameInitOrResult, FrameResult, Handler, ItemOrResult, MainnetHandler};
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::interpreter_action::FrameInit;
use revm::interpreter::{FrameInput, InstructionResult, InterpreterAction, InterpreterResult};
use revm::primitives::hardfork::SpecId;
use revm::primitives::keccak256;
use revm::state::EvmState;
use revm::{Context, DatabaseCommit, ExecuteCommitEvm, ExecuteEvm};

use crate::arbos::{ArbOs, RecentPrograms};
use crate::context::{Ctx, TxError};
use crate::fragments::{is_fragment, is_root};
use crate::frames::Frames;
use crate::open_frames::OpenFrames;
use crate::pack::is_program;
use crate::pages::Pages;
use crate::precompiles::provider::ArbPrecompiles;
use crate::runtime::{self, Runtime};

type Inner = Evm<Ctx, (), EthInstructions<EthInterpreter, Ctx>, ArbPrecompiles, EthFrame<EthInterpreter>>;

/// revm with Stylus programs.
pub struct StylusEvm {
    inner: Inner,
    runtime: Rc<Runtime<StylusEvm>>,
    /// Open program frames per address (reset per transaction).
    open_frames: OpenFrames,
    /// Memory pages open in this transaction's program frames (§6; reset per transaction).
    pages: Pages,
    /// The ArbOS version whose rules the chain runs.
    arbos: ArbOs,
    /// Programs run in this block (emptied when the block changes).
    recent: RecentPrograms,
}

impl StylusEvm {
    /// A new EVM over `ctx`, running programs on `runtime` under the rules of `arbos`.
    pub fn new(ctx: Ctx, runtime: Rc<Runtime<StylusEvm>>, arbos: ArbOs) -> Self {
        let spec = ctx.cfg.spec;
        Self {
            inner: Evm::new(
                ctx,
                EthInstructions::new_mainnet_with_spec(spec),
                ArbPrecompiles::new(spec, arbos),
            ),
            runtime,
            open_frames: OpenFrames::default(),
            pages: Pages::default(),
            arbos,
            recent: RecentPrograms::default(),
        }
    }

    /// Takes this block's recently run programs out, leaving none (an `eth_call` runs with
    /// none, as on a node); [`StylusEvm::restore_recent_programs`] puts them back.
    pub fn take_recent_programs(&mut self) -> RecentPrograms {
        std::mem::take(&mut self.recent)
    }

    /// Puts back what [`StylusEvm::take_recent_programs`] took.
    pub fn restore_recent_programs(&mut self, recent: RecentPrograms) {
        self.recent = recent;
    }

    /// The context (state, block, tx, cfg).
    pub fn ctx(&mut self) -> &mut Ctx {
        &mut self.inner.ctx
    }

    /// The Stylus runtime that runs the programs.
    pub fn runtime(&self) -> &Runtime<StylusEvm> {
        &self.runtime
    }

    /// Per-transaction runtime state: open frames and the memory model's pages.
    fn reset_tx(&mut self) {
        self.open_frames = OpenFrames::default();
        self.pages = Pages::default();
    }

    /// Runs the program of the top frame (a call) on the runtime; its result has the gas settled.
    fn run_program_frame(&mut self) -> Result<InterpreterResult, ContextDbError<Ctx>> {
        let frame = self.inner.frame_stack.get();
        let FrameInput::Call(inputs) = &frame.input else {
            return Ok(runtime::halt(
                InstructionResult::FatalExternalError,
                frame.interpreter.gas,
            ));
        };
        let inputs = (**inputs).clone();
        let gas = frame.interpreter.gas;
        let code = frame.interpreter.bytecode.original_bytes();
        let code_hash = frame
            .interpreter
            .bytecode
            .hash()
            .unwrap_or_else(|| keccak256(&code));
        let runtime = self.runtime.clone();
        runtime.run(self, &inputs, gas, &code, code_hash)
    }

    /// A create frame, with the exception to EIP-3541 for Stylus code (revm-integration.md):
    /// `EF F0 00` programs, and from ArbOS 60 roots (`EF F0 02`) and fragments (`EF F0 01`).
    fn run_create_frame(
        &mut self,
    ) -> Result<FrameInitOrResult<EthFrame<EthInterpreter>>, ContextDbError<Ctx>> {
        let arbos = self.arbos;
        let (ctx, instructions, _, stack) = self.inner.all_mut();
        let frame = stack.get();
        let mut action =
            frame
                .interpreter
                .run_plain(instructions.instruction_table(), instructions.gas_table(), ctx);
        if let InterpreterAction::Return(result) = &mut action {
            let out = &result.output;
            let stylus = out.len() > 3
                && (out.starts_with(&[0xEF, 0xF0, 0x00])
                    || (arbos.fragments() && (is_root(out) || is_fragment(out))));
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
}

impl Frames for StylusEvm {
    fn ctx(&mut self) -> &mut Ctx {
        &mut self.inner.ctx
    }

    /// Runs a call or create from a program as a nested frame above the program's frame and
    /// returns its result (revm-integration.md, "Nested calls").
    fn run_nested(&mut self, frame_input: FrameInput) -> Result<FrameResult, ContextDbError<Ctx>> {
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

    fn pages(&mut self) -> &mut Pages {
        &mut self.pages
    }

    fn open_frames(&mut self) -> &mut OpenFrames {
        &mut self.open_frames
    }

    fn arbos(&self) -> ArbOs {
        self.arbos
    }

    fn recent_programs(&mut self) -> &mut RecentPrograms {
        &mut self.recent
    }

    /// Leaves an empty EVM (a fresh Prague context, the same runtime) in place of this one.
    fn lend(&mut self) -> Self {
        let placeholder = Self::new(
            Context::new(CacheDB::new(EmptyDB::default()), SpecId::PRAGUE),
            self.runtime.clone(),
            self.arbos,
        );
        std::mem::replace(self, placeholder)
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
        let code = frame.interpreter.bytecode.original_byte_slice();
        let is_program = matches!(frame.input, FrameInput::Call(_))
            && (is_program(code) || (self.arbos.fragments() && is_root(code)));
        if !is_program {
            if let FrameInput::Create(_) = frame.input {
                return self.run_create_frame();
            }
            return self.inner.frame_run();
        }
        let result = self.run_program_frame()?;
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

impl ExecuteEvm for StylusEvm {
    type State = EvmState;
    type ExecutionResult = ExecutionResult<HaltReason>;
    type Error = TxError;
    type Tx = TxEnv;
    type Block = BlockEnv;

    /// Moves to `block`; a new block number forgets the recently run programs.
    fn set_block(&mut self, block: BlockEnv) {
        if block.number != self.inner.ctx.block.number {
            self.recent.clear();
        }
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
