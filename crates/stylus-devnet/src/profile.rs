//! Gas profiling by instrumentation (opt-in): exact ink per function, not sampling.
//!
//! A profiled module gets, after the meter's globals, three exported mutable `i64` counters per
//! defined function (function index `i`, counting imports as the wasm index space does):
//! - `stylus_profile_ink_<i>`: ink the meter charged the function's own code: every basic block
//!   adds the constant it is charged (its operators + `BLOCK_HEADER_INK`) right after its check,
//!   and `memory.copy` / `memory.fill` add their run-time bytes' ink;
//! - `stylus_profile_host_ink_<i>`: ink charged by the host functions it called (each direct
//!   call to an import, and the meter's `pay_for_memory_grow`): the drop of the ink counter across
//!   the call. A call into another contract charges its gas here;
//! - `stylus_profile_calls_<i>`: times the function was entered.
//!
//! Invariants:
//! 1. The profiling code is never charged: the meter prices only the original operators, so a
//!    profiled program is charged exactly the ink of the unprofiled one.
//! 2. Every ink charge of a call that returns normally is counted once: Σ over the functions of
//!    ink + host ink = the ink the frame was charged. What is not counted: a host call that does
//!    not return (`exit_early`, running out of ink), and host calls through `call_indirect`.
//!
//! Nothing here is emitted unless profiling is asked for (`meter::instrument_profiled`).

use wasm_encoder::{ConstExpr, Function, GlobalType, Instruction, ValType};

/// Prefix of the exported counter of a function's own ink, followed by its function index.
pub const INK_PREFIX: &str = "stylus_profile_ink_";
/// Prefix of the exported counter of a function's host-call ink, followed by its function index.
pub const HOST_INK_PREFIX: &str = "stylus_profile_host_ink_";
/// Prefix of the exported counter of a function's entries, followed by its function index.
pub const CALLS_PREFIX: &str = "stylus_profile_calls_";

/// Where a module's profiling counters are: three globals per defined function, from
/// `first_global` on, in the order (ink, host ink, calls).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Index of the first counter global.
    first_global: u32,
    /// Imported functions: the first defined function has this index.
    imported_functions: u32,
    /// Defined functions.
    defined_functions: u32,
}

/// The counters of one defined function, and the `i64` local its host calls use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FunctionCounters {
    ink: u32,
    host_ink: u32,
    calls: u32,
    /// An extra `i64` local of the function: the ink left before a host call.
    ink_before: u32,
    /// Functions below this index are imports (host functions).
    imported_functions: u32,
}

impl Layout {
    /// The counters of a module with `imported_functions` imports and `defined_functions`
    /// bodies, placed from global index `first_global` on.
    pub fn new(first_global: u32, imported_functions: u32, defined_functions: u32) -> Self {
        Self {
            first_global,
            imported_functions,
            defined_functions,
        }
    }

    /// The wasm index of every defined function, in order.
    pub fn functions(&self) -> impl Iterator<Item = u32> {
        let first = self.imported_functions;
        (0..self.defined_functions).map(move |i| first.saturating_add(i))
    }

    /// The counter globals to append to the global section: `i64`, mutable, starting at 0.
    pub fn globals(&self) -> impl Iterator<Item = (GlobalType, ConstExpr)> {
        let ty = GlobalType {
            val_type: ValType::I64,
            mutable: true,
            shared: false,
        };
        (0..self.defined_functions.saturating_mul(3)).map(move |_| (ty, ConstExpr::i64_const(0)))
    }

    /// The exports of the counter globals: (name, global index).
    pub fn exports(&self) -> impl Iterator<Item = (String, u32)> + '_ {
        (0..self.defined_functions).flat_map(move |i| {
            let index = self.imported_functions.saturating_add(i);
            let first = self.first_global.saturating_add(i.saturating_mul(3));
            [
                (format!("{INK_PREFIX}{index}"), first),
                (format!("{HOST_INK_PREFIX}{index}"), first.saturating_add(1)),
                (format!("{CALLS_PREFIX}{index}"), first.saturating_add(2)),
            ]
        })
    }

    /// The counters of the `body`-th defined function, whose extra `i64` local is `ink_before`.
    pub fn counters(&self, body: u32, ink_before: u32) -> FunctionCounters {
        let first = self.first_global.saturating_add(body.saturating_mul(3));
        FunctionCounters {
            ink: first,
            host_ink: first.saturating_add(1),
            calls: first.saturating_add(2),
            ink_before,
            imported_functions: self.imported_functions,
        }
    }
}

/// Emits `counter += amount`, where `amount` pushes an `i64`.
fn add(f: &mut Function, counter: u32, amount: &dyn Fn(&mut Function)) {
    f.instruction(&Instruction::GlobalGet(counter));
    amount(f);
    f.instruction(&Instruction::I64Add);
    f.instruction(&Instruction::GlobalSet(counter));
}

impl FunctionCounters {
    /// Emits the entry count: calls += 1.
    pub fn count_call(&self, f: &mut Function) {
        add(f, self.calls, &|f| {
            f.instruction(&Instruction::I64Const(1));
        });
    }

    /// Emits ink += `ink` (a basic block's charge, in ink).
    pub fn add_ink(&self, f: &mut Function, ink: u64) {
        add(f, self.ink, &|f| {
            f.instruction(&Instruction::I64Const(ink as i64));
        });
    }

    /// Emits ink += the `i64` ink that `amount` pushes (`memory.copy` / `memory.fill` bytes).
    pub fn add_ink_of(&self, f: &mut Function, amount: &dyn Fn(&mut Function)) {
        add(f, self.ink, amount);
    }

    /// Whether `instruction` calls a host function directly.
    pub fn is_host_call(&self, instruction: &Instruction<'_>) -> bool {
        matches!(instruction, Instruction::Call(index) if *index < self.imported_functions)
    }

    /// Emits `call` to a host function, counting the ink it charges: the ink left (global
    /// `ink_left`) before the call minus the ink left after it goes to host ink. The call's
    /// arguments and results stay where they are on the stack.
    pub fn host_call(&self, f: &mut Function, ink_left: u32, call: &Instruction<'_>) {
        f.instruction(&Instruction::GlobalGet(ink_left));
        f.instruction(&Instruction::LocalSet(self.ink_before));
        f.instruction(call);
        add(f, self.host_ink, &|f| {
            f.instruction(&Instruction::LocalGet(self.ink_before));
            f.instruction(&Instruction::GlobalGet(ink_left));
            f.instruction(&Instruction::I64Sub);
        });
    }
}
