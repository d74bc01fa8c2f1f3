//! The chain runs on a thread of its own (the devnet holds `Rc`s and cannot be shared): requests
//! reach it as jobs over a channel, one at a time, in the order they arrive, and each gets its
//! answer back on a channel of its own.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, Sender};
use std::thread::JoinHandle;

use crate::ledger::Ledger;
use crate::node_error::NodeError;

type Job = Box<dyn FnOnce(&mut Ledger) + Send>;

/// A way to the chain's thread; cloned freely. The thread ends when every handle is dropped.
#[derive(Clone)]
pub struct ChainHandle {
    jobs: Sender<Job>,
}

impl ChainHandle {
    /// Starts the chain's thread; `make` builds the ledger on it.
    pub fn spawn(make: impl FnOnce() -> Ledger + Send + 'static) -> (Self, JoinHandle<()>) {
        let (jobs, queue) = channel::<Job>();
        let thread = std::thread::spawn(move || {
            let mut ledger = make();
            while let Ok(job) = queue.recv() {
                job(&mut ledger);
            }
        });
        (Self { jobs }, thread)
    }

    /// Runs `f` on the chain and waits for its answer.
    ///
    /// # Errors
    /// `Unsupported("internal error ...")` if the job panicked (a bug: the chain goes on, the
    /// request's changes may be half made) or the chain's thread has ended.
    pub fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Ledger) -> T + Send + 'static,
    ) -> Result<T, NodeError> {
        let (reply, answer) = channel();
        let job: Job = Box::new(move |ledger| {
            let result = catch_unwind(AssertUnwindSafe(|| f(ledger)));
            let _ = reply.send(result);
        });
        self.jobs
            .send(job)
            .map_err(|_| NodeError::Unsupported("internal error: the chain has stopped".into()))?;
        match answer.recv() {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_)) => Err(NodeError::Unsupported(
                "internal error: the request panicked".into(),
            )),
            Err(_) => Err(NodeError::Unsupported(
                "internal error: the chain has stopped".into(),
            )),
        }
    }
}
