//! Calling a program: instantiate its module, give it its ink and the stack budget, run
//! `user_entrypoint(args_len)`, and tell how it ended from the result, the host's flags and the
//! meter's status global, and, for a profiled module, its functions' counters.

use wasmi::{Linker, Module, Store, Val};

use crate::gas_profile::{read_counters, FunctionProfile};
use crate::host::ink::{read_ink, write_ink};
use crate::host::state::{Exit, HostState};
use crate::meter::{INK_LEFT, INK_STATUS, STACK_LEFT};
use crate::pricing::STACK_DEPTH_WORDS;
use crate::profile::Layout;

/// How a program's call ended.
pub(crate) struct Ended<F> {
    /// The host state, with the EVM lent to it.
    pub state: HostState<F>,
    /// How the call ended.
    pub exit: Exit,
    /// Ink left: 0 when out of ink; all of the ink given when the module could not start.
    pub ink_left: u64,
    /// The functions' counters when the module is profiled (else empty).
    pub functions: Vec<FunctionProfile>,
}

/// Instantiates `module`, sets its ink, runs `user_entrypoint(args_len)`, and tells how it
/// ended; `profile` is where the counters of a profiled module are.
pub(crate) fn call_entrypoint<F>(
    linker: &Linker<HostState<F>>,
    mut store: Store<HostState<F>>,
    module: &Module,
    ink: u64,
    args_len: usize,
    profile: Option<&Layout>,
) -> Ended<F> {
    let not_started = |store: Store<HostState<F>>| Ended {
        state: store.into_data(),
        exit: Exit::Trap,
        ink_left: ink,
        functions: Vec::new(),
    };
    let instance = match linker.instantiate_and_start(&mut store, module) {
        Ok(i) => i,
        Err(_) => return not_started(store),
    };
    if let Some(g) = instance.get_global(&store, INK_LEFT) {
        let _ = write_ink(&mut store, g, ink);
    }
    if let Some(g) = instance.get_global(&store, STACK_LEFT) {
        let _ = g.set(&mut store, Val::I32(STACK_DEPTH_WORDS as i32));
    }
    let Ok(entry) = instance.get_typed_func::<i32, i32>(&store, "user_entrypoint") else {
        return not_started(store);
    };
    let result = entry.call(&mut store, args_len as i32);
    let ink_left = instance
        .get_global(&store, INK_LEFT)
        .and_then(|g| read_ink(&store, g).ok())
        .unwrap_or(0);
    let status = match instance.get_global(&store, INK_STATUS).map(|g| g.get(&store)) {
        Some(Val::I32(s)) => s,
        _ => 0,
    };
    let exit = match result {
        Ok(s) => Exit::Returned(s),
        Err(e) => {
            let st = store.data();
            if let Some(s) = st.exit {
                Exit::Returned(s)
            } else if st.out_of_ink || status == 1 {
                Exit::OutOfInk
            } else if status == 2 || matches!(e.as_trap_code(), Some(wasmi::TrapCode::StackOverflow)) {
                Exit::OutOfStack
            } else {
                Exit::Trap
            }
        }
    };
    let ink_left = if exit == Exit::OutOfInk { 0 } else { ink_left };
    let functions = profile.map_or_else(Vec::new, |p| read_counters(&store, &instance, p));
    Ended {
        state: store.into_data(),
        exit,
        ink_left,
        functions,
    }
}
