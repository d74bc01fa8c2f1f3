//! Calling a program: instantiate its module, give it its ink and the stack budget, run
//! `user_entrypoint(args_len)`, and tell how it ended from the result, the host's flags and the
//! meter's status global.

use wasmi::{Linker, Module, Store, Val};

use crate::host::ink::{read_ink, write_ink};
use crate::host::state::{Exit, HostState};
use crate::meter::{INK_LEFT, INK_STATUS, STACK_LEFT};
use crate::pricing::STACK_DEPTH_WORDS;

/// Instantiates `module`, sets its ink, runs `user_entrypoint(args_len)`, and returns the host
/// state, how the call ended and the ink left (0 when out of ink; all of `ink` when the module
/// could not start).
pub(crate) fn call_entrypoint<F>(
    linker: &Linker<HostState<F>>,
    mut store: Store<HostState<F>>,
    module: &Module,
    ink: u64,
    args_len: usize,
) -> (HostState<F>, Exit, u64) {
    let instance = match linker.instantiate_and_start(&mut store, module) {
        Ok(i) => i,
        Err(_) => return (store.into_data(), Exit::Trap, ink),
    };
    if let Some(g) = instance.get_global(&store, INK_LEFT) {
        let _ = write_ink(&mut store, g, ink);
    }
    if let Some(g) = instance.get_global(&store, STACK_LEFT) {
        let _ = g.set(&mut store, Val::I32(STACK_DEPTH_WORDS as i32));
    }
    let Ok(entry) = instance.get_typed_func::<i32, i32>(&store, "user_entrypoint") else {
        return (store.into_data(), Exit::Trap, ink);
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
    (store.into_data(), exit, ink_left)
}
