//! What a running program needs of the EVM that runs it: the context (journal, block, tx,
//! cfg), nested frames for its calls and creates, and the state its transaction's program frames
//! share. `evm::StylusEvm` implements [`Frames`]; the runtime and the host functions know only
//! this trait, never the EVM.

use revm::handler::evm::ContextDbError;
use revm::handler::FrameResult;
use revm::interpreter::FrameInput;

use crate::arbos::{ArbOs, RecentPrograms};
use crate::context::Ctx;
use crate::open_frames::OpenFrames;
use crate::pages::Pages;

/// The EVM as a program's host sees it.
pub trait Frames: Sized {
    /// The context: state (through the journal), block, transaction, configuration.
    fn ctx(&mut self) -> &mut Ctx;

    /// Runs a call or create from the running program as a nested frame above the program's
    /// frame and returns its result. Errors: the database failed.
    fn run_nested(&mut self, frame_input: FrameInput) -> Result<FrameResult, ContextDbError<Ctx>>;

    /// The memory model's pages open in this transaction's program frames.
    fn pages(&mut self) -> &mut Pages;

    /// Program frames open per address (reentrancy).
    fn open_frames(&mut self) -> &mut OpenFrames;

    /// The ArbOS version whose rules the chain runs.
    fn arbos(&self) -> ArbOs;

    /// The programs run recently in this block (ArbOS 60 on: a repeat pays the cached entry).
    fn recent_programs(&mut self) -> &mut RecentPrograms;

    /// Takes the EVM out of `self`, leaving an empty stand-in, so that a running program's host
    /// can own it; the caller puts it back when the program returns.
    fn lend(&mut self) -> Self;
}
