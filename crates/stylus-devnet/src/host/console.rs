//! The free `console` debug imports (`log_txt`, `log_i32`, `tee_i32`, `log_i64`, `tee_i64`):
//! they cost nothing and print nothing; `tee_*` return their argument.

use wasmi::Linker;

use crate::host::state::{HostCaller, HostState};

/// Registers the `console` imports.
pub(crate) fn register<F: 'static>(l: &mut Linker<HostState<F>>) {
    l.func_wrap("console", "log_txt", |_c: HostCaller<F>, _p: i32, _l: i32| {})
        .expect("unique");
    for name in ["log_i32", "tee_i32"] {
        l.func_wrap("console", name, |_c: HostCaller<F>, v: i32| v)
            .expect("unique");
    }
    for name in ["log_i64", "tee_i64"] {
        l.func_wrap("console", name, |_c: HostCaller<F>, v: i64| v)
            .expect("unique");
    }
}
