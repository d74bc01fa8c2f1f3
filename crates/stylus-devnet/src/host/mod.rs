//! The host side of a running program (`stylus-runtime.md` §4, §5): the state its host
//! functions reach, its memory and ink, the `vm_hooks` functions grouped by kind, the linker
//! that registers them, and the call of `user_entrypoint`. Generic over
//! [`Frames`](crate::frames::Frames): the host never imports the EVM. This file only declares
//! the modules, bottom floor first.

pub mod state;

pub mod ink;
pub mod memory;

pub mod accounts;
pub mod args;
pub mod calls;
pub mod creates;
pub mod env;
pub mod logs;
pub mod math;
pub mod metering;
pub mod storage;

pub mod entrypoint;
pub mod linker;
