//! The linker with every `vm_hooks` host function, registered group by group. (The `console`
//! debug imports are refused at activation: Arbitrum's chains are not debug chains.)

use wasmi::{Engine, Linker};

use crate::frames::Frames;
use crate::host::state::HostState;
use crate::host::{accounts, args, calls, creates, env, logs, math, metering, storage};

/// A linker for `engine` with every host function a Stylus program may import.
pub fn linker<F: Frames + 'static>(engine: &Engine) -> Linker<HostState<F>> {
    let mut l = Linker::<HostState<F>>::new(engine);
    args::register(&mut l);
    storage::register(&mut l);
    calls::register(&mut l);
    creates::register(&mut l);
    logs::register(&mut l);
    accounts::register(&mut l);
    env::register(&mut l);
    metering::register(&mut l);
    math::register(&mut l);
    l
}
